package dev.floodgate.checkout.order;

import dev.floodgate.contracts.order.OrderStatus;

import java.time.Instant;
import java.util.UUID;

/** An order as stored: what was bought, for how much, and where its payment stands. */
public record Order(UUID id, String fanId, String eventId, String categoryId, String holdId, int quantity,
                    long amountMinor, String currency, OrderStatus status, String buyerName, String buyerEmail,
                    String paymentMethodId, String idempotencyKey, String failureReason, Instant createdAt,
                    Instant updatedAt, Instant settledAt) {

    /** What the fan sees: no payment-method id, no idempotency key. */
    public View view() {
        return new View(id.toString(), eventId, categoryId, holdId, quantity, amountMinor, currency, status,
                failureReason, createdAt, settledAt);
    }

    public record View(String orderId, String eventId, String categoryId, String holdId, int quantity,
                       long amountMinor, String currency, OrderStatus status, String failureReason,
                       Instant createdAt, Instant settledAt) {
    }
}
