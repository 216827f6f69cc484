package dev.floodgate.contracts.order;

import java.util.EnumSet;
import java.util.Set;

/**
 * The order state machine, in one place. An order waits for payment, then ends exactly once: paid (the seats are
 * sold), failed (declined) or expired (no outcome within the bound). Final states have no way out.
 */
public enum OrderStatus {
    AWAITING_PAYMENT,
    PAID,
    PAYMENT_FAILED,
    EXPIRED;

    public Set<OrderStatus> next() {
        return this == AWAITING_PAYMENT ? EnumSet.of(PAID, PAYMENT_FAILED, EXPIRED) : EnumSet.noneOf(OrderStatus.class);
    }

    public boolean canBecome(OrderStatus target) {
        return next().contains(target);
    }

    public boolean isFinal() {
        return next().isEmpty();
    }

    /** Whether the order's seats end sold (true) or back in stock (false); only meaningful for final states. */
    public boolean keepsSeats() {
        return this == PAID;
    }
}
