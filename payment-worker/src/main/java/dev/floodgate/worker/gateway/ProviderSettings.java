package dev.floodgate.worker.gateway;

import dev.floodgate.runtime.ServiceConfig;
import io.helidon.config.Config;

import java.time.Duration;

/**
 * How the worker reaches the card processor ({@code provider.*}).
 *
 * @param url            base URL, e.g. {@code http://127.0.0.1:8090}
 * @param connectTimeout TCP connect timeout of one attempt
 * @param readTimeout    how long one attempt waits for the answer
 * @param maxAttempts    calls per charge, the first included (timeouts, 5xx, 408/409/429 and connection errors are
 *                       retried; a decline or another 4xx is an answer and is not)
 * @param initialBackoff delay before the first retry; doubled for each further one
 * @param maxBackoff     ceiling of one delay
 * @param jitter         fraction (0..1) of each delay that is random, so that workers do not retry in step
 * @param breakerVolume  circuit breaker: the rolling window of attempts ({@code provider.circuit-breaker.volume})
 * @param breakerErrorRatio percent of failed attempts in the window that opens it ({@code ...error-ratio})
 * @param breakerDelay   how long it stays open before letting a trial call through ({@code ...delay-millis})
 * @param breakerSuccessThreshold trial calls that must succeed to close it ({@code ...success-threshold})
 */
public record ProviderSettings(String url, Duration connectTimeout, Duration readTimeout, int maxAttempts,
                               Duration initialBackoff, Duration maxBackoff, double jitter, int breakerVolume,
                               int breakerErrorRatio, Duration breakerDelay, int breakerSuccessThreshold) {
    public ProviderSettings {
        if (url == null || !(url.startsWith("http://") || url.startsWith("https://"))) {
            throw new IllegalArgumentException("provider.url must be an http(s) URL");
        }
        url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        if (maxAttempts < 1 || maxAttempts > 20) {
            throw new IllegalArgumentException("provider.retry.max-attempts must be 1..20");
        }
        if (jitter < 0 || jitter > 1) {
            throw new IllegalArgumentException("provider.retry.jitter must be 0..1");
        }
        if (breakerVolume < 1 || breakerErrorRatio < 1 || breakerErrorRatio > 100 || breakerSuccessThreshold < 1) {
            throw new IllegalArgumentException("provider.circuit-breaker: volume >= 1, error-ratio 1..100,"
                    + " success-threshold >= 1");
        }
        if (connectTimeout.isZero() || readTimeout.isZero()) {
            throw new IllegalArgumentException("provider timeouts must be positive");
        }
    }

    public static ProviderSettings from(Config provider) {
        Config retry = provider.get("retry");
        Config breaker = provider.get("circuit-breaker");
        return new ProviderSettings(
                provider.get("url").asString().orElseThrow(() -> new IllegalArgumentException("provider.url is required")),
                ServiceConfig.millis(provider.get("connect-timeout-millis"), 1_000),
                ServiceConfig.millis(provider.get("read-timeout-millis"), 5_000),
                retry.get("max-attempts").asInt().orElse(4),
                ServiceConfig.millis(retry.get("initial-backoff-millis"), 200),
                ServiceConfig.millis(retry.get("max-backoff-millis"), 3_000),
                retry.get("jitter").asDouble().orElse(0.5),
                breaker.get("volume").asInt().orElse(20),
                breaker.get("error-ratio").asInt().orElse(60),
                ServiceConfig.millis(breaker.get("delay-millis"), 5_000),
                breaker.get("success-threshold").asInt().orElse(2));
    }

    /** These settings with another base URL. */
    public ProviderSettings withUrl(String otherUrl) {
        return new ProviderSettings(otherUrl, connectTimeout, readTimeout, maxAttempts, initialBackoff, maxBackoff,
                jitter, breakerVolume, breakerErrorRatio, breakerDelay, breakerSuccessThreshold);
    }

    /** Upper bound of one charge with all its attempts and delays: the retry's overall timeout. */
    public Duration worstCase() {
        Duration total = Duration.ZERO;
        for (int i = 0; i < maxAttempts; i++) {
            total = total.plus(connectTimeout).plus(readTimeout);
        }
        for (int i = 1; i < maxAttempts; i++) {
            total = total.plus(maxBackoff);
        }
        return total.plusSeconds(1);
    }
}
