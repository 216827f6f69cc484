package dev.floodgate.runtime;

import io.helidon.config.Config;

import java.time.Duration;
import java.util.Map;

/**
 * The timing rule between a hold in checkout and its payment, read by every service that depends on it from one key
 * set ({@code timing.*}) and checked at its start: queue-edge (a cold grid's rebuild gives awaiting-payment orders
 * their hold back for {@link #holdExtension}), checkout (keeps a hold in checkout that long when an order is placed)
 * and payment-worker (its reconciler settles an order still awaiting payment after {@link #paymentTimeout}).
 *
 * <p>The hold must outlive the payment timeout by {@link #MARGIN} (a reconciler round, a provider lookup, clock
 * skew), or the grid could return seats to stock while their payment is still being resolved, and sell them again.
 * Every service reads the same keys with the same defaults (here, and only here), so the worker's payment timeout is
 * checkout's unless a deployment sets them differently per service: set {@code timing.*} alike for all of them.
 *
 * @param holdExtension  {@value #HOLD_EXTENSION_KEY}: how long the grid keeps a hold in checkout while its payment
 *                       is pending
 * @param paymentTimeout {@value #PAYMENT_TIMEOUT_KEY}: how long after it was placed an order still awaiting payment is
 *                       settled by asking the provider
 */
public record PaymentTiming(Duration holdExtension, Duration paymentTimeout) {
    public static final String HOLD_EXTENSION_KEY = "timing.hold-extension-millis";
    public static final String PAYMENT_TIMEOUT_KEY = "timing.payment-timeout-millis";
    /** How much longer than the payment timeout the hold must last at least. */
    public static final Duration MARGIN = Duration.ofMinutes(2);
    public static final Duration DEFAULT_HOLD_EXTENSION = Duration.ofMinutes(15);
    public static final Duration DEFAULT_PAYMENT_TIMEOUT = Duration.ofMinutes(10);
    public static final PaymentTiming DEFAULTS = new PaymentTiming(DEFAULT_HOLD_EXTENSION, DEFAULT_PAYMENT_TIMEOUT);

    /** The keys each service read before {@code timing.*}: refused when set, so that none is silently ignored. */
    static final Map<String, String> RETIRED_KEYS = Map.of(
            "checkout.hold-extension-millis", HOLD_EXTENSION_KEY,
            "grid.rebuild-checkout-hold-millis", HOLD_EXTENSION_KEY,
            "checkout.payment-timeout-millis", PAYMENT_TIMEOUT_KEY,
            "reconciler.payment-timeout-millis", PAYMENT_TIMEOUT_KEY);

    public PaymentTiming {
        if (holdExtension == null || paymentTimeout == null) {
            throw new IllegalArgumentException(HOLD_EXTENSION_KEY + " and " + PAYMENT_TIMEOUT_KEY + " are required");
        }
        if (!paymentTimeout.isPositive()) {
            throw new IllegalArgumentException(PAYMENT_TIMEOUT_KEY + " must be positive, not "
                    + paymentTimeout.toMillis());
        }
        if (holdExtension.compareTo(paymentTimeout.plus(MARGIN)) < 0) {
            throw new IllegalArgumentException(HOLD_EXTENSION_KEY + " (" + holdExtension.toMillis()
                    + ") must exceed " + PAYMENT_TIMEOUT_KEY + " (" + paymentTimeout.toMillis() + ") by at least "
                    + MARGIN.toMillis() + " ms, or seats could return to stock while their payment is pending");
        }
    }

    /**
     * The rule from a service's root configuration: {@value #HOLD_EXTENSION_KEY} and {@value #PAYMENT_TIMEOUT_KEY},
     * defaults {@link #DEFAULTS}.
     *
     * @throws IllegalArgumentException when it is broken, or a retired key is still set (the service must not start)
     */
    public static PaymentTiming from(Config root) {
        RETIRED_KEYS.forEach((retired, replacement) -> {
            if (root.get(retired).exists()) {
                throw new IllegalArgumentException(retired + " is no longer read: set " + replacement
                        + " instead (the same key for every service)");
            }
        });
        return new PaymentTiming(
                ServiceConfig.millis(root.get(HOLD_EXTENSION_KEY), DEFAULT_HOLD_EXTENSION.toMillis()),
                ServiceConfig.millis(root.get(PAYMENT_TIMEOUT_KEY), DEFAULT_PAYMENT_TIMEOUT.toMillis()));
    }
}
