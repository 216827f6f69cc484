package dev.floodgate.grid;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/** Test helpers: members on free ports that find each other (and nobody else's), and polling with a deadline. */
final class Cluster {
    private Cluster() {
    }

    /**
     * {@code n} ports free now, below the kernel's ephemeral range (32768+): a port the kernel handed out and took back
     * can be handed to any outgoing connection before a member binds it (a load test on the same machine did that),
     * a port below the range only to someone who asks for it by number.
     */
    static List<Integer> freePorts(int n) {
        List<Integer> ports = new ArrayList<>();
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int tries = 0; ports.size() < n; tries++) {
            if (tries > 1_000) {
                throw new IllegalStateException("no free port found in 20000-32767");
            }
            int port = random.nextInt(20_000, 32_768);
            if (ports.contains(port)) {
                continue;
            }
            try (ServerSocket probe = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
                ports.add(probe.getLocalPort());
            } catch (IOException taken) {
                // in use: draw another
            }
        }
        return ports;
    }

    static List<String> addresses(List<Integer> ports) {
        return ports.stream().map(p -> "127.0.0.1:" + p).toList();
    }

    /** Settings of member {@code i} of a cluster on {@code ports}; sweeps only when a test calls them. */
    static GridSettings member(String cluster, List<Integer> ports, int i) {
        return new GridSettings(cluster, GridSettings.Role.MEMBER, addresses(ports), ports.get(i), 1,
                Duration.ofHours(1));
    }

    static String name(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(2_000_000); // poll again; no timing assumption
        }
    }
}
