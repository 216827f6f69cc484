package dev.floodgate.orders;

import dev.floodgate.contracts.order.OrderStatus;

import java.util.List;
import java.util.UUID;

/**
 * What the worker reads of an order in {@code checkout.orders} (checkout's table; its row is the truth).
 *
 * @param seatIds the numbered seats of a seated order (its tickets name them), else empty
 */
public record OrderRow(UUID id, String eventId, String holdId, long amountMinor, String currency,
                       String paymentMethodId, OrderStatus status, int quantity, List<String> seatIds) {
    public OrderRow {
        seatIds = seatIds == null ? List.of() : List.copyOf(seatIds);
    }
}
