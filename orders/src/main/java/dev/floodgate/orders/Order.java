package dev.floodgate.orders;

import dev.floodgate.contracts.order.OrderStatus;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An order as stored: what was bought, for how much, and where its payment stands.
 *
 * @param seatIds the numbered seats bought (a seated category's hold), else empty
 */
public record Order(UUID id, String fanId, String eventId, String categoryId, String holdId, int quantity,
                    long amountMinor, String currency, OrderStatus status, String buyerName, String buyerEmail,
                    String paymentMethodId, String idempotencyKey, String failureReason, Instant createdAt,
                    Instant updatedAt, Instant settledAt, List<String> seatIds) {

    public Order {
        seatIds = seatIds == null ? List.of() : List.copyOf(seatIds);
    }

    /** A general-admission order. */
    public Order(UUID id, String fanId, String eventId, String categoryId, String holdId, int quantity,
                 long amountMinor, String currency, OrderStatus status, String buyerName, String buyerEmail,
                 String paymentMethodId, String idempotencyKey, String failureReason, Instant createdAt,
                 Instant updatedAt, Instant settledAt) {
        this(id, fanId, eventId, categoryId, holdId, quantity, amountMinor, currency, status, buyerName, buyerEmail,
                paymentMethodId, idempotencyKey, failureReason, createdAt, updatedAt, settledAt, List.of());
    }

    /** What the fan sees: no payment-method id, no idempotency key; tickets once PAID. */
    public View view(List<Ticket> tickets) {
        return new View(id.toString(), eventId, categoryId, holdId, quantity, seatIds.isEmpty() ? null : seatIds,
                amountMinor, currency, status, failureReason, createdAt, settledAt, tickets);
    }

    /** {@code seats}: the seat ids of a seated order, else null. */
    public record View(String orderId, String eventId, String categoryId, String holdId, int quantity,
                       List<String> seats, long amountMinor, String currency, OrderStatus status,
                       String failureReason, Instant createdAt, Instant settledAt, List<Ticket> tickets) {
    }

    /**
     * One ticket: the code the fan shows at the door. Issued when the order becomes PAID. {@code seat} counts the
     * order's tickets (1, 2, ...); {@code seatId} names the numbered seat (null for general admission).
     */
    public record Ticket(int seat, String seatId, String code, Instant issuedAt) {
    }
}
