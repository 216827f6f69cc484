package dev.floodgate.ops.simulator;

import dev.floodgate.contracts.error.ApiException;
import io.helidon.config.Config;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * SIMULATOR: random behaviour of {@code POST /v1/charges}, for load and failure tests, on top of the scripted
 * {@link Faults}. All off by default. Set from {@code simulator.chaos.*} or {@code POST /v1/simulator/chaos}.
 * <ul>
 *   <li>latency: log-normal, given by its median and 99th percentile, capped at {@code maxLatencyMillis}; spent
 *       before the charge is made;</li>
 *   <li>{@code declineRate}: share of charges on otherwise good cards declined ({@code card_declined});</li>
 *   <li>{@code timeoutRate}: share of requests charged and then held {@code timeoutMillis} before answering (a client
 *       with a shorter read timeout gives up: the charge exists but the answer is lost);</li>
 *   <li>{@code burstRate}: chance that a request starts a burst of {@code burstLength} consecutive 503s, answered
 *       before charging.</li>
 * </ul>
 */
public final class Chaos {
    public record Plan(Long medianLatencyMillis, Long p99LatencyMillis, Long maxLatencyMillis, Double declineRate,
                       Double timeoutRate, Long timeoutMillis, Double burstRate, Integer burstLength) {
        public static final Plan NONE = new Plan(0L, 0L, 0L, 0.0, 0.0, 0L, 0.0, 0);

        public Plan {
            medianLatencyMillis = medianLatencyMillis == null ? 0L : medianLatencyMillis;
            p99LatencyMillis = p99LatencyMillis == null ? medianLatencyMillis : p99LatencyMillis;
            maxLatencyMillis = maxLatencyMillis == null || maxLatencyMillis == 0 ? Math.max(p99LatencyMillis * 3, 0)
                    : maxLatencyMillis;
            declineRate = declineRate == null ? 0.0 : declineRate;
            timeoutRate = timeoutRate == null ? 0.0 : timeoutRate;
            timeoutMillis = timeoutMillis == null ? 0L : timeoutMillis;
            burstRate = burstRate == null ? 0.0 : burstRate;
            burstLength = burstLength == null ? 0 : burstLength;
            if (medianLatencyMillis < 0 || p99LatencyMillis < medianLatencyMillis || maxLatencyMillis > 120_000
                    || timeoutMillis < 0 || timeoutMillis > 120_000 || burstLength < 0 || burstLength > 10_000) {
                throw ApiException.badRequest("latencies 0 <= median <= p99, max and timeout <= 120000 ms,"
                        + " burst length 0..10000", null);
            }
            for (double rate : new double[] {declineRate, timeoutRate, burstRate}) {
                if (rate < 0 || rate > 1) {
                    throw ApiException.badRequest("rates must be 0..1", null);
                }
            }
        }

        static Plan from(Config chaos) {
            return new Plan(chaos.get("median-latency-millis").asLong().orElse(0L),
                    chaos.get("p99-latency-millis").asLong().orElse(0L),
                    chaos.get("max-latency-millis").asLong().orElse(0L),
                    chaos.get("decline-rate").asDouble().orElse(0.0),
                    chaos.get("timeout-rate").asDouble().orElse(0.0),
                    chaos.get("timeout-millis").asLong().orElse(0L),
                    chaos.get("burst-rate").asDouble().orElse(0.0),
                    chaos.get("burst-length").asInt().orElse(0));
        }
    }

    private final AtomicReference<Plan> plan = new AtomicReference<>(Plan.NONE);
    private final AtomicInteger burstLeft = new AtomicInteger();

    public void set(Plan next) {
        plan.set(next);
        burstLeft.set(0);
    }

    public Plan plan() {
        return plan.get();
    }

    /** Latency to spend before charging, in ms (log-normal from median and p99). */
    long latencyMillis() {
        Plan p = plan.get();
        if (p.medianLatencyMillis() == 0) {
            return 0;
        }
        double mu = Math.log(p.medianLatencyMillis());
        double sigma = p.p99LatencyMillis() > p.medianLatencyMillis()
                ? Math.log((double) p.p99LatencyMillis() / p.medianLatencyMillis()) / 2.326 : 0;
        double sample = Math.exp(mu + sigma * ThreadLocalRandom.current().nextGaussian());
        return Math.min(Math.round(sample), p.maxLatencyMillis());
    }

    /** Whether this request is answered 503 before charging (part of a burst). */
    boolean inBurst() {
        if (burstLeft.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
            return true;
        }
        Plan p = plan.get();
        if (p.burstLength() > 0 && ThreadLocalRandom.current().nextDouble() < p.burstRate()) {
            burstLeft.set(p.burstLength() - 1);
            return true;
        }
        return false;
    }

    boolean decline() {
        double rate = plan.get().declineRate();
        return rate > 0 && ThreadLocalRandom.current().nextDouble() < rate;
    }

    /** How long to hold the answer after charging (0: not at all). */
    long timeoutHold() {
        Plan p = plan.get();
        return p.timeoutRate() > 0 && ThreadLocalRandom.current().nextDouble() < p.timeoutRate() ? p.timeoutMillis() : 0;
    }
}
