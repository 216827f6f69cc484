package dev.floodgate.ops.simulator;

import dev.floodgate.runtime.ServiceConfig;
import dev.floodgate.runtime.log.Logs;

import java.util.concurrent.CountDownLatch;

/** Runs the payment-provider SIMULATOR on its own (defaults from {@code provider-simulator.yaml}). */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        io.helidon.config.Config config = ServiceConfig.load(SimulatorServer.DEFAULTS_RESOURCE);
        Logs.install(config, "simulator");
        SimulatorServer simulator = SimulatorServer.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            simulator.close();
            stopped.countDown();
        }, "simulator-shutdown"));
        System.out.println("SIMULATOR: payment-provider simulator (NOT a real processor) at " + simulator.url());
        stopped.await();
    }
}
