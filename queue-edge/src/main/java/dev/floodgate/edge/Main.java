package dev.floodgate.edge;

import dev.floodgate.runtime.ServiceConfig;

/** Runs the queue edge standalone, with its own grid member or client (see {@code queue-edge.yaml}). */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        EdgeServer edge = EdgeServer.start(ServiceConfig.load(EdgeSettings.DEFAULTS));
        Runtime.getRuntime().addShutdownHook(new Thread(edge::close, "queue-edge-stop"));
        System.out.println("queue-edge listening on " + edge.url());
    }
}
