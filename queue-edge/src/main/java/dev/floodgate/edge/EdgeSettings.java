package dev.floodgate.edge;

import dev.floodgate.edge.operator.QueueSettings;
import dev.floodgate.grid.GridSettings;
import dev.floodgate.runtime.ServiceConfig;
import io.helidon.config.Config;

import java.time.Duration;

/** The edge's own configuration keys, read once at start (server and db nodes go to the runtime as they are). */
record EdgeSettings(GridSettings grid, String operatorUsername, String operatorPassword, String issuer,
                    Duration fanTokenTtl, Duration admissionWindow, QueueSettings queueDefaults,
                    int maxConcurrentPasswordHashes, Duration passwordHashWait) {
    static final String DEFAULTS = "queue-edge.yaml";
    static final String LOCAL_OPERATOR_PASSWORD = "local-operator-password";

    static EdgeSettings from(Config config) {
        GridSettings gridSettings = GridSettings.from(config.get("grid"));
        Duration window = ServiceConfig.millis(config.get("admission.window-millis"), 600_000);
        if (window.isZero()) {
            throw new IllegalArgumentException("admission.window-millis must be positive");
        }
        return new EdgeSettings(gridSettings,
                config.get("operator.username").asString().orElse("operator"),
                config.get("operator.password").asString().orElse(LOCAL_OPERATOR_PASSWORD),
                config.get("token.issuer").asString().orElse("floodgate-queue-edge"),
                ServiceConfig.millis(config.get("token.fan-ttl-millis"), 3_600_000),
                window,
                new QueueSettings(config.get("queue.rate-per-minute").asInt().orElse(600),
                        config.get("queue.batch-size").asInt().orElse(50)),
                config.get("fan.max-concurrent-password-hashes").asInt().orElse(8),
                ServiceConfig.millis(config.get("fan.password-hash-wait-millis"), 2000));
    }

    @Override
    public String toString() {
        return "EdgeSettings[grid=" + grid + ", operator=" + operatorUsername + ", issuer=" + issuer + "]";
    }
}
