package dev.floodgate.worker.reconcile;

import dev.floodgate.runtime.ServiceConfig;
import io.helidon.config.Config;

import java.time.Duration;

/**
 * The reconciler ({@code reconciler.*}).
 *
 * @param enabled        {@code reconciler.enabled}
 * @param paymentTimeout an order still AWAITING_PAYMENT this long after it was placed is settled by asking the
 *                       provider ({@code timing.payment-timeout-millis}, read and checked against the hold
 *                       extension by service-runtime's {@link dev.floodgate.runtime.PaymentTiming}).
 * @param interval       pause between rounds ({@code reconciler.interval-millis})
 * @param attemptLease   an order whose charge attempt started less than this long ago is left alone: the attempt
 *                       may still create a charge ({@code reconciler.attempt-lease-millis}; 0 means the provider
 *                       gateway's worst case plus 5 s)
 * @param batchSize      orders settled per round at most ({@code reconciler.batch-size})
 * @param followUpDelay  a final order whose grid step has not happened this long after its charge row last changed is
 *                       assumed abandoned by a crashed worker and finished here ({@code reconciler.follow-up-delay-millis})
 * @param lateChargeRecheckDelay an order the reconciler ended "no charge" although a charge attempt had been made is
 *                       asked about once more this long afterwards, in case the provider made that charge late
 *                       ({@code reconciler.late-charge-recheck-delay-millis}); a late charge is then refunded
 */
public record ReconcilerSettings(boolean enabled, Duration paymentTimeout, Duration interval, Duration attemptLease,
                                 int batchSize, Duration followUpDelay, Duration lateChargeRecheckDelay) {
    public ReconcilerSettings {
        if (paymentTimeout.isZero() || interval.isZero()) {
            throw new IllegalArgumentException(
                    "timing.payment-timeout-millis and reconciler.interval-millis must be positive");
        }
        if (batchSize < 1 || batchSize > 10_000) {
            throw new IllegalArgumentException("reconciler.batch-size must be 1..10000");
        }
    }

    /** From {@code reconciler.*}, with the payment timeout of {@link dev.floodgate.runtime.PaymentTiming}. */
    public static ReconcilerSettings from(Config reconciler, Duration paymentTimeout, Duration gatewayWorstCase) {
        Duration lease = ServiceConfig.millis(reconciler.get("attempt-lease-millis"), 0);
        return new ReconcilerSettings(
                reconciler.get("enabled").asBoolean().orElse(true),
                paymentTimeout,
                ServiceConfig.millis(reconciler.get("interval-millis"), 5_000),
                lease.isZero() ? gatewayWorstCase.plusSeconds(5) : lease,
                reconciler.get("batch-size").asInt().orElse(200),
                ServiceConfig.millis(reconciler.get("follow-up-delay-millis"), 60_000),
                ServiceConfig.millis(reconciler.get("late-charge-recheck-delay-millis"), 300_000));
    }
}
