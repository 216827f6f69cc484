package dev.floodgate.runtime.observe;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.partition.PartitionService;
import io.helidon.metrics.api.FunctionalCounter;
import io.helidon.metrics.api.Metrics;

import java.util.List;
import java.util.function.LongSupplier;

/**
 * The grid as one service sees it: members, partitions and whether the cluster is safe (every partition's backups in
 * sync: losing a member then loses nothing). Sampled every few seconds by {@link Figures}: the safety check asks every
 * member, so it must not run per scrape. A client (services of a dedicated grid) cannot ask for safety; it then shows
 * members and partitions only.
 */
public final class GridMeters {
    static final String MEMBERS = "floodgate_grid_members";
    static final String PARTITIONS = "floodgate_grid_partitions";
    static final String SAFE = "floodgate_grid_cluster_safe";

    private GridMeters() {
    }

    static final String EXPIRED = "floodgate_holds_expired_units";

    /**
     * Units whose holds ran out and went back to stock, as swept by this member ({@code _total} in Prometheus; sum it
     * over members). Only members sweep: a grid client has nothing to publish.
     */
    public static void countExpiredUnits(LongSupplier unitsReturned) {
        // A member restarted in the same JVM (tests) takes the counter over.
        Metrics.globalRegistry().remove(EXPIRED, List.of());
        Metrics.globalRegistry().getOrCreate(FunctionalCounter.builder(EXPIRED, unitsReturned, LongSupplier::getAsLong)
                .description("held units returned to stock when their hold expired (swept by this member)"));
    }

    /** Starts sampling; close the answer with the service. */
    public static Figures sample(HazelcastInstance hz, String service, long intervalMillis) {
        return Figures.every(intervalMillis, "floodgate-grid-meters-" + service, f -> {
            if (!hz.getLifecycleService().isRunning()) {
                return;
            }
            f.set(MEMBERS, "grid members this service sees", hz.getCluster().getMembers().size(), "service", service);
            PartitionService partitions = hz.getPartitionService();
            f.set(PARTITIONS, "grid partitions", partitions.getPartitions().size(), "service", service);
            try {
                f.set(SAFE, "1 when every partition's backups are in sync (a member may leave without loss), else 0",
                        partitions.isClusterSafe() ? 1 : 0, "service", service);
            } catch (UnsupportedOperationException clientSide) {
                // Clients cannot tell; the members' own gauges say it.
            }
        });
    }
}
