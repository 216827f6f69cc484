package dev.floodgate.edge;

import dev.floodgate.runtime.ServiceConfig;
import dev.floodgate.runtime.log.Logs;

/** Runs the queue edge standalone, with its own grid member or client (see {@code queue-edge.yaml}). */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        io.helidon.config.Config config = ServiceConfig.load(EdgeSettings.DEFAULTS);
        Logs.install(config, "queue-edge");
        EdgeServer edge = EdgeServer.start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(edge::close, "queue-edge-stop"));
        System.out.println("queue-edge listening on " + edge.url());
    }
}
