package dev.floodgate.checkout.order;

import dev.floodgate.contracts.order.OrderStatus;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** An order as stored: what was bought, for how much, and where its payment stands. */
public record Order(UUID id, String fanId, String eventId, String categoryId, String holdId, int quantity,
                    long amountMinor, String currency, OrderStatus status, String buyerName, String buyerEmail,
                    String paymentMethodId, String idempotencyKey, String failureReason, Instant createdAt,
                    Instant updatedAt, Instant settledAt) {

    /** What the fan sees: no payment-method id, no idempotency key; tickets once PAID. */
    public View view(List<Ticket> tickets) {
        return new View(id.toString(), eventId, categoryId, holdId, quantity, amountMinor, currency, status,
                failureReason, createdAt, settledAt, tickets);
    }

    public record View(String orderId, String eventId, String categoryId, String holdId, int quantity,
                       long amountMinor, String currency, OrderStatus status, String failureReason,
                       Instant createdAt, Instant settledAt, List<Ticket> tickets) {
    }

    /** One seat's ticket: the code the fan shows at the door. Issued when the order becomes PAID. */
    public record Ticket(int seat, String code, Instant issuedAt) {
    }
}
