package dev.floodgate.ops.simulator;

import dev.floodgate.runtime.ServiceConfig;

import java.util.concurrent.CountDownLatch;

/** Runs the payment-provider SIMULATOR on its own (defaults from {@code provider-simulator.yaml}). */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        SimulatorServer simulator = SimulatorServer.start(ServiceConfig.load(SimulatorServer.DEFAULTS_RESOURCE));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            simulator.close();
            stopped.countDown();
        }, "simulator-shutdown"));
        System.out.println("SIMULATOR: payment-provider simulator (NOT a real processor) at " + simulator.url());
        stopped.await();
    }
}
