package dev.floodgate.grid.split;

import dev.floodgate.grid.Grid;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Fans on the far side of a network cut: {@code SplitFanMain <cluster> <host:port,...> <event> <prefix> <pauseMillis> <fans at once>}.
 * Prints one {@link SplitFan.Attempt} line per fan; stops when its standard input closes.
 */
public final class SplitFanMain {
    private SplitFanMain() {
    }

    public static void main(String[] args) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        Thread stdin = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // until the parent closes it
                }
            } catch (java.io.IOException ignored) {
                // parent gone
            }
            running.set(false);
        }, "stdin");
        stdin.setDaemon(true);
        stdin.start();
        Grid grid = SplitFan.client(args[0], Arrays.asList(args[1].split(",")));
        System.out.println("READY");
        System.out.flush();
        int threads = Integer.parseInt(args[5]);
        java.util.List<Thread> fans = new java.util.ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String prefix = args[3] + t;
            fans.add(Thread.ofPlatform().name("fans-" + t).start(() -> SplitFan.run(grid, args[2], prefix,
                    Duration.ofMillis(Long.parseLong(args[4])), running::get, SplitFanMain::say)));
        }
        for (Thread t : fans) {
            t.join();
        }
        grid.hazelcast().shutdown();
        System.exit(0);
    }

    private static synchronized void say(SplitFan.Attempt a) {
        System.out.println(a.line());
        System.out.flush();
    }
}
