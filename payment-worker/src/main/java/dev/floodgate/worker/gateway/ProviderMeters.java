package dev.floodgate.worker.gateway;

import io.helidon.faulttolerance.CircuitBreaker;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The provider as the worker sees it: a latency histogram of every HTTP call ({@code
 * floodgate_provider_calls_seconds_bucket{call,outcome}}: outcome {@code answered} for any answer, declines included,
 * {@code retryable} for 408/409/429/5xx, {@code error} when no answer came), the calls in flight, and the circuit
 * breaker's state as one gauge per state (1 for the current one), which an alert and a dashboard can read without
 * decoding numbers.
 */
final class ProviderMeters {
    static final String CALLS = "floodgate_provider_calls";
    static final String IN_FLIGHT = "floodgate_provider_calls_in_flight";
    static final String CIRCUIT = "floodgate_provider_circuit_state";
    private static final Duration[] BUCKETS = {Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
            Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};

    private final AtomicInteger inFlight = new AtomicInteger();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    ProviderMeters(CircuitBreaker breaker) {
        // One gateway per worker; a worker restarted in the same JVM (tests) takes the gauges over.
        Metrics.globalRegistry().remove(IN_FLIGHT, List.of());
        Metrics.globalRegistry().getOrCreate(Gauge.builder(IN_FLIGHT, inFlight, AtomicInteger::get)
                .description("HTTP calls to the payment provider waiting for their answer"));
        for (CircuitBreaker.State state : CircuitBreaker.State.values()) {
            List<Tag> tags = List.of(Tag.create("state", state.name().toLowerCase(Locale.ROOT)));
            Metrics.globalRegistry().remove(CIRCUIT, tags);
            Metrics.globalRegistry().getOrCreate(Gauge.builder(CIRCUIT, breaker, b -> b.state() == state ? 1 : 0)
                    .description("1 for the provider circuit breaker's current state (closed, open, half_open)")
                    .tags(tags));
        }
    }

    long started() {
        inFlight.incrementAndGet();
        return System.nanoTime();
    }

    void ended(long startNanos, String call, String outcome) {
        inFlight.decrementAndGet();
        timers.computeIfAbsent(call + "/" + outcome, k -> Metrics.globalRegistry().getOrCreate(Timer.builder(CALLS)
                        .description("HTTP calls to the payment provider, time to the answer")
                        .tags(List.of(Tag.create("call", call), Tag.create("outcome", outcome)))
                        .buckets(BUCKETS)
                        .percentiles(new double[0])))
                .record(Duration.ofNanos(System.nanoTime() - startNanos));
    }
}
