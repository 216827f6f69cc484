package dev.floodgate.worker.gateway;

import io.helidon.faulttolerance.Retry;

import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter for Helidon's {@link Retry}: the n-th retry waits
 * {@code min(max, initial * 2^(n-1))}, of which the fraction {@code jitter} is random. Stops after
 * {@code maxAttempts} calls. (Helidon's own policies are either exponential or jittered, not both.)
 */
public record BackoffPolicy(int maxAttempts, long initialMillis, long maxMillis, double jitter)
        implements Retry.RetryPolicy {

    /** @param call how many calls have failed so far (1 after the first failure) */
    @Override
    public Optional<Long> nextDelayMillis(long firstCallMillis, long lastDelay, int call) {
        if (call >= maxAttempts) {
            return Optional.empty();
        }
        return Optional.of(delayBeforeRetry(call));
    }

    /** The delay before retry number {@code retry} (1-based). */
    public long delayBeforeRetry(int retry) {
        double base = Math.min((double) maxMillis, initialMillis * Math.pow(2, Math.max(0, retry - 1)));
        double random = jitter == 0 ? 0 : ThreadLocalRandom.current().nextDouble() * base * jitter;
        return Math.round(base * (1 - jitter) + random);
    }
}
