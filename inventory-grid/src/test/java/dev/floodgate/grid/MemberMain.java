package dev.floodgate.grid;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * A grid member in its own JVM, for tests that kill members: {@code MemberMain <cluster> <port,port,...> <index>}.
 * Prints READY once in the cluster, then SAFE once every member is in and the partitions are backed up; exits when its standard input closes (the test JVM ended), so no member outlives
 * the test run.
 */
public final class MemberMain {
    private MemberMain() {
    }

    public static void main(String[] args) throws IOException {
        List<Integer> ports = Arrays.stream(args[1].split(",")).map(Integer::parseInt).toList();
        GridSettings s = Cluster.member(args[0], ports, Integer.parseInt(args[2]));
        GridSettings settings = new GridSettings(s.clusterName(), s.role(), s.members(), s.port(), 1,
                Duration.ofMillis(200));
        Grid grid = Grid.start(settings, Grid.DEFAULT_STRIPES, Clock.systemUTC());
        System.out.println("READY " + grid.hazelcast().getCluster().getLocalMember().getAddress());
        System.out.flush();
        // Then SAFE, once all members are in and every partition has its backup: killing a member before that (while
        // partitions still migrate to a new member) may lose entries, as Hazelcast documents; readiness gates it.
        Thread safe = new Thread(() -> {
            var hz = grid.hazelcast();
            while (hz.getLifecycleService().isRunning()) {
                if (hz.getCluster().getMembers().size() == ports.size() && hz.getPartitionService().isClusterSafe()) {
                    System.out.println("SAFE");
                    System.out.flush();
                    return;
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "member-safe");
        safe.setDaemon(true);
        safe.start();
        while (System.in.read() >= 0) {
            // wait for the parent to go away
        }
        grid.close();
        System.exit(0);
    }
}
