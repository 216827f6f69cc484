package dev.floodgate.runtime.operator;

import dev.floodgate.runtime.http.TrustedProxies;
import dev.floodgate.runtime.ServiceConfig;
import io.helidon.config.Config;

import java.time.Duration;

/**
 * The {@code operator} config node. {@code username}/{@code password} are the bootstrap admin, created once when no
 * account exists yet and never touched again (change its password through the account API).
 *
 * @param sessionTtl      a session ends this long after sign-in, however busy
 * @param sessionIdle     ... or after this long without a request (checked when the cache misses, so up to
 *                        {@code cacheTtl} late)
 * @param cacheTtl        how long a verified session or Basic credential is trusted without PostgreSQL: the delay
 *                        before a sign-out, disable or role change on one service is seen by another
 * @param cacheEntries    bound of each verified cache
 * @param hashPermits     Argon2 hashes at once (each ~19 MiB and tens of ms of CPU)
 * @param hashWait        the longest a sign-in waits for a hash turn before a 503 with Retry-After
 * @param accountFailures wrong passwords for one account within {@code failureWindow} before it is locked
 * @param addressFailures wrong passwords from one address within {@code failureWindow} before it is locked
 * @param lockout         how long a lock lasts
 * @param proxies         the proxies ({@code operator.trusted-proxies}, CIDRs) whose {@code X-Forwarded-For} names
 *                        the operator's address for the sign-in limits (the right-most untrusted entry: what a client
 *                        writes there itself counts for nothing); none: the socket peer
 */
public record OperatorSettings(String bootstrapUsername, String bootstrapPassword, Duration sessionTtl,
                               Duration sessionIdle, Duration cacheTtl, int cacheEntries, int hashPermits,
                               Duration hashWait, int accountFailures, int addressFailures, Duration failureWindow,
                               Duration lockout, int trackedKeys, TrustedProxies proxies) {
    /** The public local default; a service started with it logs a warning. */
    public static final String LOCAL_PASSWORD = "local-operator-password";
    public static final int MIN_PASSWORD_CHARS = 12;
    public static final int MAX_PASSWORD_CHARS = 256;

    public OperatorSettings {
        if (bootstrapUsername == null || bootstrapUsername.isBlank() || bootstrapPassword == null
                || bootstrapPassword.length() < MIN_PASSWORD_CHARS) {
            throw new IllegalArgumentException("operator.username and operator.password (12+ characters) are required");
        }
        if (hashPermits < 1 || cacheEntries < 1 || accountFailures < 1 || addressFailures < 1 || trackedKeys < 1) {
            throw new IllegalArgumentException("operator limits must be positive");
        }
    }

    public static OperatorSettings from(Config operator) {
        return new OperatorSettings(
                operator.get("username").asString().orElse("operator"),
                operator.get("password").asString().orElse(LOCAL_PASSWORD),
                ServiceConfig.millis(operator.get("session-ttl-millis"), 12 * 3_600_000L),
                ServiceConfig.millis(operator.get("session-idle-millis"), 30 * 60_000L),
                ServiceConfig.millis(operator.get("cache-ttl-millis"), 30_000),
                operator.get("cache-entries").asInt().orElse(1_000),
                operator.get("hash-permits").asInt().orElse(2),
                ServiceConfig.millis(operator.get("hash-wait-millis"), 500),
                operator.get("account-failures").asInt().orElse(5),
                operator.get("address-failures").asInt().orElse(20),
                ServiceConfig.millis(operator.get("failure-window-millis"), 5 * 60_000L),
                ServiceConfig.millis(operator.get("lockout-millis"), 5 * 60_000L),
                operator.get("tracked-keys").asInt().orElse(10_000),
                trustedProxies(operator));
    }

    private static TrustedProxies trustedProxies(Config operator) {
        if (operator.get("trust-forwarded-for").asBoolean().orElse(false)) {
            throw new IllegalArgumentException("operator.trust-forwarded-for is gone: list the proxies' CIDRs in "
                    + "operator.trusted-proxies (only they may say who the operator is)");
        }
        return TrustedProxies.from(operator.get("trusted-proxies"));
    }

    public boolean isLocalDefault() {
        return bootstrapPassword.equals(LOCAL_PASSWORD);
    }
}
