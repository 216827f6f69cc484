package dev.floodgate.ops.stack;

import io.helidon.config.Config;

import java.nio.file.Path;
import java.util.List;

/**
 * What the local stack starts and where. Empty engine URLs mean "start our own"; set, they point at external ones.
 */
public record StackSettings(Path dataDir, int edgePort, int checkoutPort, int workerPort, int simulatorPort,
                            boolean demoEvent, String operatorUsername, String operatorPassword,
                            String externalDbUrl, String dbUser, String dbPassword, String externalPulsarUrl,
                            String gridClusterName, List<String> gridMembers) {

    public static StackSettings from(Config config) {
        Config stack = config.get("stack");
        String dir = stack.get("data-dir").asString().filter(s -> !s.isBlank())
                .orElse(System.getProperty("floodgate.data-dir", ".floodgate"));
        return new StackSettings(Path.of(dir).toAbsolutePath(),
                stack.get("edge-port").asInt().orElse(8080),
                stack.get("checkout-port").asInt().orElse(8081),
                stack.get("worker-port").asInt().orElse(8082),
                stack.get("simulator-port").asInt().orElse(8090),
                stack.get("demo-event").asBoolean().orElse(true),
                stack.get("operator-username").asString().orElse("operator"),
                stack.get("operator-password").asString().orElse("floodgate-local"),
                config.get("db.url").asString().orElse(""),
                config.get("db.user").asString().orElse("floodgate"),
                config.get("db.password").asString().orElse("floodgate"),
                config.get("pulsar.service-url").asString().orElse(""),
                config.get("grid.cluster-name").asString().orElse("floodgate-local"),
                config.get("grid.members").asList(String.class).orElse(List.of()));
    }

    /** The payment-provider SIMULATOR's books, journalled so that they survive a restart like the engines' data. */
    public Path simulatorLedgerFile() {
        return dataDir.resolve("simulator").resolve("ledger.jsonl");
    }

    /** Same settings on free ports in another folder: what tests use. */
    public StackSettings onFreePortsIn(Path dir) {
        return new StackSettings(dir, 0, 0, 0, 0, demoEvent, operatorUsername, operatorPassword, externalDbUrl,
                dbUser, dbPassword, externalPulsarUrl, gridClusterName + "-" + Long.toHexString(System.nanoTime()),
                gridMembers);
    }
}
