package dev.floodgate.grid.hold;

/**
 * Units of one category held for one fan until {@code expiresAtMillis}.
 *
 * @param orderId the order paying for it once in checkout, else null
 */
public record Hold(String holdId, String eventId, String categoryId, String fanId, int quantity, HoldStatus status,
                   String orderId, long expiresAtMillis) {
    public Hold {
        if (quantity <= 0) {
            throw new IllegalArgumentException("a hold needs a positive quantity");
        }
    }

    public Hold inCheckout(String order, long until) {
        return new Hold(holdId, eventId, categoryId, fanId, quantity, HoldStatus.IN_CHECKOUT, order, until);
    }

    public Hold sold() {
        return new Hold(holdId, eventId, categoryId, fanId, quantity, HoldStatus.SOLD, orderId, Long.MAX_VALUE);
    }

    /** Whether it still blocks stock at {@code nowMillis} and should go back when the time passes. */
    public boolean expiredAt(long nowMillis) {
        return status != HoldStatus.SOLD && expiresAtMillis <= nowMillis;
    }
}
