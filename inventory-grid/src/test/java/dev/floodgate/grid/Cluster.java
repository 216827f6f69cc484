package dev.floodgate.grid;

import java.io.IOException;
import java.io.UncheckedIOException;
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

    static List<Integer> freePorts(int n) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                sockets.add(new ServerSocket(0));
            }
            return sockets.stream().map(ServerSocket::getLocalPort).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket s : sockets) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing a probe socket
                }
            }
        }
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
