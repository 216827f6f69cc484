package dev.floodgate.ops.stack;

import io.helidon.config.Config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What {@link LocalCluster} starts and where (config {@code cluster.*} of {@code local-stack.yaml}; PostgreSQL,
 * Pulsar, operator credentials and the cluster name come from the stack's keys).
 *
 * @param dataDir        PostgreSQL, Pulsar, the simulator's books, HAProxy's config and every process's log
 * @param classPath      the class path every service process runs from (the launcher's own by default)
 * @param gridMembers    dedicated Hazelcast members (the services are their clients)
 * @param lbPort         HAProxy's public frontend: fan page, APIs, event streams, /api/orders, /webhooks/provider
 * @param opsPort        HAProxy's frontend for the payment-workers' operator API (audit, dead letters)
 * @param statsPort      HAProxy's stats page; 0 for a free port
 * @param simulatorPort  the payment-provider SIMULATOR (reached directly, as an external provider would be)
 * @param heaps          max heap per role (grid-member, edge, checkout, worker, simulator)
 * @param haproxy        the haproxy command
 */
public record ClusterSettings(Path dataDir, String classPath, int gridMembers, int edges, int checkouts, int workers,
                              int lbPort, int opsPort, int statsPort, int simulatorPort, Map<String, String> heaps,
                              List<String> jvmArgs, String haproxy, boolean demoEvent, String operatorUsername,
                              String operatorPassword, String dbUser, String dbPassword, String gridClusterName) {

    public ClusterSettings {
        heaps = Map.copyOf(heaps);
        jvmArgs = List.copyOf(jvmArgs);
        if (gridMembers < 1 || edges < 1 || checkouts < 1 || workers < 1) {
            throw new IllegalArgumentException("a cluster needs at least one process of each role");
        }
    }

    public static ClusterSettings from(Config config) {
        StackSettings stack = StackSettings.from(config);
        Config c = config.get("cluster");
        Config heap = c.get("heap");
        return new ClusterSettings(stack.dataDir().resolve("cluster"),
                absolute(c.get("class-path").asString().filter(s -> !s.isBlank())
                        .orElse(System.getProperty("java.class.path"))),
                c.get("grid-members").asInt().orElse(3),
                c.get("edges").asInt().orElse(2),
                c.get("checkouts").asInt().orElse(2),
                c.get("workers").asInt().orElse(2),
                c.get("lb-port").asInt().orElse(8080),
                c.get("ops-port").asInt().orElse(8082),
                c.get("stats-port").asInt().orElse(8404),
                c.get("simulator-port").asInt().orElse(8090),
                Map.of("grid-member", heap.get("grid-member").asString().orElse("384m"),
                        "edge", heap.get("edge").asString().orElse("384m"),
                        "checkout", heap.get("checkout").asString().orElse("256m"),
                        "worker", heap.get("worker").asString().orElse("256m"),
                        "simulator", heap.get("simulator").asString().orElse("128m")),
                // C1 only: ~10 JVMs warming up at once on 2 cores spend far less CPU compiling.
                c.get("jvm-args").asList(String.class).orElse(List.of("-XX:TieredStopAtLevel=1")),
                c.get("haproxy").asString().orElse(System.getenv().getOrDefault("FLOODGATE_HAPROXY", "haproxy")),
                stack.demoEvent(), stack.operatorUsername(), stack.operatorPassword(), stack.dbUser(),
                stack.dbPassword(), stack.gridClusterName());
    }

    /** The service processes run in their own folders: every class path entry made absolute. */
    static String absolute(String classPath) {
        return java.util.Arrays.stream(classPath.split(java.io.File.pathSeparator)).filter(e -> !e.isBlank())
                .map(e -> Path.of(e).toAbsolutePath().normalize().toString())
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    }

    /** Same settings on free ports in another folder, from {@code classPath}, without the demo event: for tests. */
    public ClusterSettings onFreePortsIn(Path dir, String classPath) {
        return new ClusterSettings(dir, absolute(classPath), gridMembers, edges, checkouts, workers, 0, 0, 0, 0, heaps, jvmArgs,
                haproxy, false, operatorUsername, operatorPassword, dbUser, dbPassword,
                gridClusterName + "-" + Long.toHexString(System.nanoTime()));
    }
}
