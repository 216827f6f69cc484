package dev.floodgate.edge;

import dev.floodgate.edge.operator.QueueSettings;
import dev.floodgate.edge.token.ExternalIssuer;
import dev.floodgate.grid.GridSettings;
import dev.floodgate.runtime.PaymentTiming;
import dev.floodgate.runtime.ServiceConfig;
import dev.floodgate.runtime.operator.OperatorSettings;
import io.helidon.config.Config;

import java.time.Duration;
import java.util.List;

/** The edge's own configuration keys, read once at start (server and db nodes go to the runtime as they are). */
record EdgeSettings(GridSettings grid, OperatorSettings operators, String issuer,
                    Duration fanTokenTtl, Duration admissionWindow, QueueSettings queueDefaults,
                    int maxConcurrentPasswordHashes, Duration passwordHashWait, Duration stockMaxAge,
                    Duration pushInterval, Duration streamHeartbeat, Duration streamMaxLifetime, int maxStreams,
                    double holdReturnShare, Duration keyReload, int tokenCacheEntries, Duration stateMaxAge,
                    int localTickets, List<ExternalIssuer> externalIssuers, Duration refreshTtl,
                    Duration refreshFamilyTtl, Duration sessionPurgeInterval, PaymentTiming timing) {
    static final String DEFAULTS = "queue-edge.yaml";

    static EdgeSettings from(Config config) {
        GridSettings gridSettings = GridSettings.from(config.get("grid"));
        Duration window = ServiceConfig.millis(config.get("admission.window-millis"), 600_000);
        if (window.isZero()) {
            throw new IllegalArgumentException("admission.window-millis must be positive");
        }
        String issuer = config.get("token.issuer").asString().orElse(dev.floodgate.runtime.token.Audiences.DEFAULT_ISSUER);
        return new EdgeSettings(gridSettings,
                OperatorSettings.from(config.get("operator")),
                issuer,
                positive(ServiceConfig.millis(config.get("token.fan-ttl-millis"), 900_000), "fan token"),
                window,
                new QueueSettings(config.get("queue.rate-per-minute").asInt().orElse(600),
                        config.get("queue.batch-size").asInt().orElse(50),
                        config.get("queue.active-cap").asInt().orElse(0)),
                config.get("fan.max-concurrent-password-hashes").asInt().orElse(8),
                ServiceConfig.millis(config.get("fan.password-hash-wait-millis"), 2000),
                ServiceConfig.millis(config.get("queue.stock-max-age-millis"), 500),
                positive(ServiceConfig.millis(config.get("queue.stream.push-interval-millis"), 1000), "push"),
                positive(ServiceConfig.millis(config.get("queue.stream.heartbeat-millis"), 15_000), "heartbeat"),
                positive(ServiceConfig.millis(config.get("queue.stream.max-lifetime-millis"), 300_000), "lifetime"),
                config.get("queue.stream.max-streams").asInt().orElse(20_000),
                config.get("queue.odds.hold-return-share").asDouble().orElse(0.25),
                positive(ServiceConfig.millis(config.get("token.key-reload-millis"), 30_000), "key reload"),
                config.get("token.verified-cache-entries").asInt().orElse(100_000),
                ServiceConfig.millis(config.get("queue.state-max-age-millis"), 250),
                config.get("queue.local-tickets").asInt().orElse(200_000),
                List.copyOf(ExternalIssuer.listFrom(config.get("token.external-issuers"), issuer)),
                positive(ServiceConfig.millis(config.get("token.refresh-ttl-millis"), 604_800_000L), "refresh token"),
                positive(ServiceConfig.millis(config.get("token.refresh-family-ttl-millis"), 2_592_000_000L),
                        "session family"),
                positive(ServiceConfig.millis(config.get("token.session-purge-interval-millis"), 3_600_000),
                        "session purge"),
                PaymentTiming.from(config));
    }

    private static Duration positive(Duration d, String what) {
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(what + " interval or lifetime must be positive");
        }
        return d;
    }

    @Override
    public String toString() {
        return "EdgeSettings[grid=" + grid + ", operator=" + operators.bootstrapUsername() + ", issuer=" + issuer + "]";
    }
}
