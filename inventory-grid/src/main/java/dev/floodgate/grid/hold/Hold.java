package dev.floodgate.grid.hold;

import java.util.List;

/**
 * Units of one category held for one fan until {@code expiresAtMillis}.
 *
 * @param orderId the order paying for it once in checkout, else null
 * @param seats   the seat ids held (seated categories; then {@code quantity} is their count), else empty
 */
public record Hold(String holdId, String eventId, String categoryId, String fanId, int quantity, HoldStatus status,
                   String orderId, long expiresAtMillis, List<String> seats) {
    public Hold {
        if (quantity <= 0) {
            throw new IllegalArgumentException("a hold needs a positive quantity");
        }
        seats = seats == null ? List.of() : List.copyOf(seats);
        if (!seats.isEmpty() && seats.size() != quantity) {
            throw new IllegalArgumentException("a seated hold's quantity is its seat count");
        }
    }

    /** A general-admission hold. */
    public Hold(String holdId, String eventId, String categoryId, String fanId, int quantity, HoldStatus status,
                String orderId, long expiresAtMillis) {
        this(holdId, eventId, categoryId, fanId, quantity, status, orderId, expiresAtMillis, List.of());
    }

    public Hold inCheckout(String order, long until) {
        return new Hold(holdId, eventId, categoryId, fanId, quantity, HoldStatus.IN_CHECKOUT, order, until, seats);
    }

    public Hold sold() {
        return new Hold(holdId, eventId, categoryId, fanId, quantity, HoldStatus.SOLD, orderId, Long.MAX_VALUE,
                seats);
    }

    /** Whether it still blocks stock at {@code nowMillis} and should go back when the time passes. */
    public boolean expiredAt(long nowMillis) {
        return status != HoldStatus.SOLD && expiresAtMillis <= nowMillis;
    }
}
