package dev.floodgate.worker.payment;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Metrics;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The worker's counters, served at {@code /observe/metrics} (Prometheus adds {@code _total}). Each worker also keeps
 * its own numbers ({@link #snapshot()}), since several services, and in tests several workers, share one JVM's
 * registry.
 */
public final class WorkerMetrics {
    public static final String PREFIX = "floodgate_worker_";

    public enum Name {
        /** The provider took the money. */
        CHARGES_SUCCEEDED("charges_succeeded", "charges the provider approved"),
        /** The card was declined. */
        CHARGES_DECLINED("charges_declined", "charges the provider declined"),
        /** The provider refused the request (a 4xx other than a decline): the order failed. */
        CHARGES_FAILED("charges_failed", "charges the provider rejected (4xx other than a decline)"),
        /** No answer after every attempt: outcome unknown, the message is redelivered later. */
        CHARGES_UNKNOWN("charges_unknown", "charges without an answer after every attempt (redelivered later)"),
        PROVIDER_RETRIES("provider_retries", "provider calls retried (timeouts, connection errors, 5xx, 409, 429)"),
        MESSAGES_ACKED("messages_acknowledged", "payment requests settled and acknowledged"),
        MESSAGES_UNPARSABLE("messages_unparsable", "payment requests that could not be read (nacked towards the dead-letter topic)"),
        MESSAGES_ORPHANED("messages_orphaned", "payment requests for orders that do not exist (nacked towards the dead-letter topic)"),
        MESSAGES_RETRIED("messages_nacked_for_retry", "payment requests nacked to be tried again later"),
        SETTLEMENT_CONFLICTS("settlement_conflicts", "orders already settled otherwise, or holds not in the expected state"),
        CHARGES_SHORT_CIRCUITED("charges_short_circuited", "charges not attempted because the provider circuit breaker was open"),
        MESSAGES_DEAD_LETTERED("messages_dead_lettered", "payment requests nacked for the last time (next stop: the dead-letter topic)"),
        RECONCILED_PAID("reconciled_paid", "overdue orders the reconciler found charged: PAID"),
        RECONCILED_FAILED("reconciled_failed", "overdue orders the reconciler found declined: PAYMENT_FAILED"),
        RECONCILED_EXPIRED("reconciled_expired", "overdue orders without a charge at the provider: EXPIRED"),
        RECONCILE_DEFERRED("reconcile_deferred", "overdue orders left for a later round (attempt in flight or provider unreachable)"),
        GRID_FOLLOW_UPS("grid_follow_ups", "final orders whose seats the reconciler made the grid follow after a crash"),
        GRID_ALREADY_FOLLOWING("grid_already_following", "settlements that found the order settled and its seats followed before (no grid step)"),
        WEBHOOKS_ACCEPTED("webhooks_accepted", "provider callbacks with a valid signature"),
        WEBHOOKS_REJECTED("webhooks_rejected", "provider callbacks refused (bad or missing signature, stale timestamp)"),
        WEBHOOKS_SETTLED("webhooks_settled", "orders settled by a provider callback before the worker's own answer"),
        LATE_CHARGES_FOUND("late_charges_found", "charges the provider made after the reconciler had ended their order (refunded)"),
        REFUNDS_SUCCEEDED("refunds_succeeded", "charges of orders that ended unpaid, refunded at the provider"),
        REFUNDS_UNKNOWN("refunds_unknown", "refund requests without an answer after every attempt (asked again later)"),
        REFUNDS_REJECTED("refunds_rejected", "refunds the provider refused (4xx): an operator must look at them");

        private final String suffix;
        private final String description;

        Name(String suffix, String description) {
            this.suffix = suffix;
            this.description = description;
        }

        public String metricName() {
            return PREFIX + suffix;
        }
    }

    private final Map<Name, Counter> counters = new java.util.EnumMap<>(Name.class);
    private final Map<Name, AtomicLong> local = new java.util.EnumMap<>(Name.class);

    public WorkerMetrics() {
        for (Name name : Name.values()) {
            counters.put(name, Metrics.getOrCreate(Counter.builder(name.metricName()).description(name.description)));
            local.put(name, new AtomicLong());
        }
    }

    public void increment(Name name) {
        add(name, 1);
    }

    public void add(Name name, long n) {
        if (n > 0) {
            counters.get(name).increment(n);
            local.get(name).addAndGet(n);
        }
    }

    /** This worker's own counts. */
    public long count(Name name) {
        return local.get(name).get();
    }

    public Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        local.forEach((name, value) -> out.put(name.metricName(), value.get()));
        return out;
    }
}
