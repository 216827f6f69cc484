package dev.floodgate.worker;

import dev.floodgate.runtime.ServiceConfig;

import java.util.concurrent.CountDownLatch;

/** Runs the payment worker on its own (defaults from {@code payment-worker.yaml}). */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        WorkerServer worker = WorkerServer.start(ServiceConfig.load(WorkerServer.DEFAULTS_RESOURCE));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            worker.close();
            stopped.countDown();
        }, "payment-worker-shutdown"));
        System.out.println("payment worker: health and metrics at " + worker.url() + "/observe");
        stopped.await();
    }
}
