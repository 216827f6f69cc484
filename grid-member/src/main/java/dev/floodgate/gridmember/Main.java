package dev.floodgate.gridmember;

import dev.floodgate.runtime.ServiceConfig;
import dev.floodgate.runtime.log.Logs;

import java.util.concurrent.CountDownLatch;

/** Runs a dedicated grid member (defaults from {@code grid-member.yaml}); SIGTERM leaves the cluster gracefully. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        io.helidon.config.Config config = ServiceConfig.load(GridMember.DEFAULTS_RESOURCE);
        Logs.install(config, "grid-member");
        GridMember member = GridMember.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // Printed, not logged: java.util.logging resets its handlers in its own shutdown hook.
            System.out.println("grid member: leaving the cluster (partitions handed to the others first)...");
            long t0 = System.nanoTime();
            member.close();
            System.out.println("grid member left the cluster in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            stopped.countDown();
        }, "grid-member-shutdown"));
        System.out.println("grid member " + member.hazelcast().getCluster().getLocalMember().getAddress()
                + " in cluster of " + member.hazelcast().getCluster().getMembers().size()
                + "; health and metrics at " + member.url() + "/observe");
        stopped.await();
    }
}
