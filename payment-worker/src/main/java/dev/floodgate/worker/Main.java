package dev.floodgate.worker;

import dev.floodgate.runtime.ServiceConfig;
import dev.floodgate.runtime.log.Logs;

import java.util.concurrent.CountDownLatch;

/** Runs the payment worker on its own (defaults from {@code payment-worker.yaml}). */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        io.helidon.config.Config config = ServiceConfig.load(WorkerServer.DEFAULTS_RESOURCE);
        Logs.install(config, "payment-worker");
        WorkerServer worker = WorkerServer.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            worker.close();
            stopped.countDown();
        }, "payment-worker-shutdown"));
        System.out.println("payment worker: health and metrics at " + worker.url() + "/observe");
        stopped.await();
    }
}
