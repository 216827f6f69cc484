package dev.floodgate.gridmember;

import com.hazelcast.cluster.ClusterState;
import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.floodgate.grid.Grid;
import dev.floodgate.grid.GridSettings;
import dev.floodgate.runtime.Servers;
import dev.floodgate.runtime.ServiceConfig;
import dev.floodgate.runtime.observe.Figures;
import dev.floodgate.runtime.observe.GridMeters;
import dev.floodgate.runtime.observe.RouteLatency;
import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import io.helidon.webserver.WebServer;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * A dedicated Hazelcast member holding Floodgate's data: the same map configs, serializers and backups as the
 * members the services embed ({@link Grid#memberConfig}), and the same expiry sweep of the partitions it owns, with
 * health and metrics over HTTP. The services then run as members or as clients of these members.
 */
public final class GridMember implements AutoCloseable {
    /** How often the member's grid gauges are sampled (the safety check asks every member). */
    static final long GAUGE_REFRESH_MILLIS = 5_000;
    /** The config resource with this role's defaults. */
    public static final String DEFAULTS_RESOURCE = "grid-member.yaml";

    private final HazelcastInstance hz;
    private final Grid grid;
    private final WebServer server;
    private final Figures gauges;

    private GridMember(HazelcastInstance hz, Grid grid, WebServer server, Figures gauges) {
        this.gauges = gauges;
        this.hz = hz;
        this.grid = grid;
        this.server = server;
    }

    public static GridMember start(io.helidon.config.Config config) {
        GridSettings settings = GridSettings.from(config.get("grid"));
        if (settings.role() != GridSettings.Role.MEMBER) {
            throw new IllegalArgumentException("the grid-member role is always a member: remove grid.role: client");
        }
        Duration shutdownWait = ServiceConfig.millis(config.get("grid.graceful-shutdown-max-wait-millis"), 120_000);
        Config hzConfig = Grid.memberConfig(settings);
        // Hazelcast's graceful shutdown waits until the partitions this member owns are safe elsewhere; bounded so a
        // pod's termination grace period (longer than this) is never cut short by a hung migration.
        hzConfig.setProperty("hazelcast.graceful.shutdown.max.wait", Long.toString(shutdownWait.toSeconds()));
        HazelcastInstance hz = Hazelcast.newHazelcastInstance(hzConfig);
        Grid grid = null;
        Figures gauges = null;
        try {
            grid = Grid.shared(hz, settings, Grid.DEFAULT_STRIPES, Clock.systemUTC());
            grid.expiry().ifPresent(expiry -> GridMeters.countExpiredUnits(expiry::unitsReturned));
            gauges = GridMeters.sample(hz, "grid-member", GAUGE_REFRESH_MILLIS);
            WebServer server = Servers.start("grid-member", config.get("server"),
                    routing -> routing.addFilter(RouteLatency.of("grid-member")), checks(hz));
            return new GridMember(hz, grid, server, gauges);
        } catch (RuntimeException | Error e) {
            if (gauges != null) {
                gauges.close();
            }
            if (grid != null) {
                grid.close();
            }
            hz.shutdown();
            throw e;
        }
    }

    /**
     * Readiness: the member runs, its cluster is ACTIVE and every partition it owns has its backups in sync. A
     * StatefulSet's rolling update waits for readiness before it stops the next member, so this is what keeps a
     * rolling restart from losing a partition whose only copy was on the member stopped before. Liveness: the
     * member has not shut down (a member merely waiting for backups must not be restarted).
     */
    static List<HealthCheck> checks(HazelcastInstance hz) {
        return List.of(check("grid-member", HealthCheckType.READINESS, () -> {
            boolean running = hz.getLifecycleService().isRunning();
            ClusterState state = running ? hz.getCluster().getClusterState() : null;
            boolean safe = running && hz.getPartitionService().isLocalMemberSafe();
            return HealthCheckResponse.builder()
                    .status(running && state == ClusterState.ACTIVE && safe)
                    .detail("clusterState", state == null ? "STOPPED" : state.name())
                    .detail("members", running ? hz.getCluster().getMembers().size() : 0)
                    .detail("localMemberSafe", safe)
                    .detail("address", running ? hz.getCluster().getLocalMember().getAddress().toString() : "")
                    .build();
        }), check("grid-member-running", HealthCheckType.LIVENESS,
                () -> HealthCheckResponse.builder().status(hz.getLifecycleService().isRunning()).build()));
    }

    private static HealthCheck check(String name, HealthCheckType type,
                                     java.util.function.Supplier<HealthCheckResponse> call) {
        return new HealthCheck() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public HealthCheckType type() {
                return type;
            }

            @Override
            public HealthCheckResponse call() {
                try {
                    return call.get();
                } catch (RuntimeException e) {
                    // Fail closed: a member that cannot say how it is, is not ready.
                    return HealthCheckResponse.builder().status(false).detail("error", e.toString()).build();
                }
            }
        };
    }

    public HazelcastInstance hazelcast() {
        return hz;
    }

    public int port() {
        return server.port();
    }

    public String url() {
        return "http://127.0.0.1:" + server.port();
    }

    /** Stops HTTP first (the probes then fail), then leaves the cluster gracefully, handing over partitions. */
    @Override
    public void close() {
        gauges.close();
        server.stop();
        grid.close();
        hz.shutdown();
    }
}
