package dev.floodgate.grid.split;

import dev.floodgate.grid.Grid;
import dev.floodgate.grid.GridSettings;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * A grid member on its own host (network namespace), as production runs them:
 * {@code SplitMemberMain <cluster> <host:port,...> <index> <min-cluster-size>}. It binds only its own address.
 * Prints READY once started, then {@code MEMBERS n} whenever the members it sees change and SAFE whenever it sees
 * them all with every partition backed up; exits when its standard input closes (the test JVM ended).
 */
public final class SplitMemberMain {
    private SplitMemberMain() {
    }

    public static void main(String[] args) throws IOException {
        List<String> members = Arrays.asList(args[1].split(","));
        int index = Integer.parseInt(args[2]);
        String[] self = members.get(index).split(":");
        GridSettings settings = new GridSettings(args[0], GridSettings.Role.MEMBER, members,
                Integer.parseInt(self[1]), 1, Duration.ofMillis(500),
                new GridSettings.Network(self[0], "", "", 0), Integer.parseInt(args[3]));
        Grid grid = Grid.start(settings, Grid.DEFAULT_STRIPES, Clock.systemUTC());
        say("READY " + grid.hazelcast().getCluster().getLocalMember().getAddress());
        // Two watchers: the split-brain protection and the member list are local reads, the safe-state check asks
        // the other members and hangs while they are unreachable (it must not delay the first two).
        watch("member-watch", new Runnable() {
            private int seen = -1;
            private Boolean majority;

            @Override
            public void run() {
                var hz = grid.hazelcast();
                boolean ok = hz.getSplitBrainProtectionService().getSplitBrainProtection(Grid.SPLIT_BRAIN_PROTECTION)
                        .hasMinimumSize();
                if (majority == null || ok != majority) {
                    say((ok ? "MAJORITY" : "MINORITY") + " at " + System.currentTimeMillis());
                    majority = ok;
                }
                int now = hz.getCluster().getMembers().size();
                if (now != seen) {
                    say("MEMBERS " + now + " at " + System.currentTimeMillis());
                    seen = now;
                }
            }
        });
        watch("safe-watch", new Runnable() {
            private boolean safe;

            @Override
            public void run() {
                var hz = grid.hazelcast();
                boolean safeNow = hz.getCluster().getMembers().size() == members.size()
                        && hz.getPartitionService().isClusterSafe();
                if (safeNow && !safe) {
                    say("SAFE at " + System.currentTimeMillis());
                }
                safe = safeNow;
            }
        });
        while (System.in.read() >= 0) {
            // wait for the parent to go away
        }
        grid.close();
        System.exit(0);
    }

    /** Runs {@code check} every 100 ms for the life of the process (through a merge, when the member restarts). */
    private static void watch(String name, Runnable check) {
        Thread t = new Thread(() -> {
            while (true) {
                try {
                    check.run();
                } catch (RuntimeException e) {
                    System.err.println(name + ": " + e);
                }
                java.util.concurrent.locks.LockSupport.parkNanos(100_000_000L);
            }
        }, name);
        t.setDaemon(true);
        t.start();
    }

    private static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
