package dev.floodgate.checkout.order;

import dev.floodgate.contracts.http.Json;
import dev.floodgate.contracts.order.OrderStatus;
import dev.floodgate.contracts.payment.PaymentRequest;
import dev.floodgate.orders.Order;
import dev.floodgate.orders.OrderBook;
import dev.floodgate.runtime.Database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Checkout's use of the orders (their SQL is the {@code orders} module's {@link OrderBook}): placing one with its
 * payment request in one statement, and reading them for the fan, with failures mapped to answers.
 */
public final class OrderStore {
    public static final int MAX_LIST = OrderBook.MAX_LIST;

    /** The hold already has a live order under another idempotency key. */
    public static final class HoldTaken extends RuntimeException {
        HoldTaken() {
            super("hold already has an order", null, false, false);
        }
    }

    private final DataSource dataSource;

    /** A seat of the order is in another live or paid order (refused by PostgreSQL itself: {@code seat_claims}). */
    public static final class SeatTaken extends RuntimeException {
        SeatTaken() {
            super("a seat already has a live order", null, false, false);
        }
    }

    private static boolean violated(SQLException e, String constraint) {
        return e instanceof org.postgresql.util.PSQLException p && p.getServerErrorMessage() != null
                && constraint.equals(p.getServerErrorMessage().getConstraint());
    }

    public OrderStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Inserts the order and its payment request atomically, in one statement (one round trip, its own transaction):
     * the outbox row is inserted from the order insert's {@code RETURNING}, so both are written or neither. If the fan
     * already placed an order with the same idempotency key, that order is returned and nothing is written.
     */
    public Order insert(Order order, String topic, PaymentRequest request) {
        return insert(order, topic, request, null);
    }

    /**
     * As {@link #insert(Order, String, PaymentRequest)}, keeping {@code requestId} (the placing request's, may be null)
     * with the payment request: the relay sends it as the message's {@code requestId} property, so the worker's and
     * the provider's log lines for this order carry the id the fan's request had.
     */
    public Order insert(Order order, String topic, PaymentRequest request, String requestId) {
        int inserted;
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("with " + OrderBook.placeCte("placed")
                     + " insert into checkout.outbox (topic, message_key, payload, request_id)"
                     + " select ?, ?, ?::jsonb, ? from placed")) {
            int next = OrderBook.bindPlace(c, ps, 1, order);
            ps.setString(next, topic);
            ps.setString(next + 1, order.id().toString());
            ps.setString(next + 2, Json.writeString(request));
            ps.setString(next + 3, requestId);
            inserted = ps.executeUpdate();
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) {
                throw violated(e, OrderBook.SEAT_CLAIMS) ? new SeatTaken() : new HoldTaken();
            }
            throw failure(e);
        }
        return inserted == 1 ? order : findByKey(order.fanId(), order.idempotencyKey()).orElseThrow();
    }

    public Optional<Order> findByKey(String fanId, String idempotencyKey) {
        return read(c -> OrderBook.findByKey(c, fanId, idempotencyKey));
    }

    public Optional<Order> find(UUID id) {
        return read(c -> OrderBook.find(c, id));
    }

    public List<Order> byFan(String fanId, int limit) {
        return read(c -> OrderBook.byFan(c, fanId, limit));
    }

    /** The tickets of these orders (only PAID orders have any), by order id, seats in order. */
    public Map<UUID, List<Order.Ticket>> tickets(List<UUID> orderIds) {
        return orderIds.isEmpty() ? new HashMap<>() : read(c -> OrderBook.tickets(c, orderIds));
    }

    /** The fan's view of one order, with its tickets. */
    public Order.View view(Order order) {
        return order.view(order.status() == OrderStatus.PAID
                ? tickets(List.of(order.id())).getOrDefault(order.id(), List.of()) : List.of());
    }

    /** The fan's view of several orders, their tickets read in one query. */
    public List<Order.View> views(List<Order> orders) {
        var tickets = tickets(orders.stream().filter(o -> o.status() == OrderStatus.PAID).map(Order::id).toList());
        return orders.stream().map(o -> o.view(tickets.getOrDefault(o.id(), List.of()))).toList();
    }

    private interface Read<T> {
        T on(Connection c) throws SQLException;
    }

    private <T> T read(Read<T> read) {
        try (Connection c = dataSource.getConnection()) {
            return read.on(c);
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** An unreachable database is a 503 the client may retry; anything else is a real failure. */
    static RuntimeException failure(SQLException e) {
        if (Database.isUnavailable(e)) {
            return Database.unavailable(e, "orders are unavailable right now, retry shortly");
        }
        return new IllegalStateException("order store failure", e);
    }
}
