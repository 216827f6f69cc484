package dev.floodgate.checkout.order;

import dev.floodgate.contracts.http.Json;
import dev.floodgate.contracts.order.OrderStatus;
import dev.floodgate.contracts.payment.PaymentRequest;
import dev.floodgate.runtime.Database;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Orders in PostgreSQL (schema {@code checkout}); the order and its payment request commit together. */
public final class OrderStore {
    public static final int MAX_LIST = 100;
    private static final String COLUMNS = "id, fan_id, event_id, category_id, hold_id, quantity, amount_minor, currency,"
            + " status, buyer_name, buyer_email, payment_method_id, idempotency_key, failure_reason, created_at,"
            + " updated_at, settled_at, seat_ids";

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
             PreparedStatement ps = c.prepareStatement("with placed as (insert into checkout.orders (" + COLUMNS + ")"
                     + " values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) on conflict (fan_id, idempotency_key) do nothing"
                     + " returning id)"
                     + " insert into checkout.outbox (topic, message_key, payload, request_id)"
                     + " select ?, ?, ?::jsonb, ? from placed")) {
            ps.setObject(1, order.id());
            ps.setString(2, order.fanId());
            ps.setString(3, order.eventId());
            ps.setString(4, order.categoryId());
            ps.setString(5, order.holdId());
            ps.setInt(6, order.quantity());
            ps.setLong(7, order.amountMinor());
            ps.setString(8, order.currency());
            ps.setString(9, order.status().name());
            ps.setString(10, order.buyerName());
            ps.setString(11, order.buyerEmail());
            ps.setString(12, order.paymentMethodId());
            ps.setString(13, order.idempotencyKey());
            ps.setString(14, order.failureReason());
            ps.setTimestamp(15, Timestamp.from(order.createdAt()));
            ps.setTimestamp(16, Timestamp.from(order.updatedAt()));
            ps.setTimestamp(17, null);
            ps.setArray(18, order.seatIds().isEmpty() ? null : c.createArrayOf("text", order.seatIds().toArray()));
            ps.setString(19, topic);
            ps.setString(20, order.id().toString());
            ps.setString(21, Json.writeString(request));
            ps.setString(22, requestId);
            inserted = ps.executeUpdate();
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) {
                throw violated(e, "seat_claims_pkey") ? new SeatTaken() : new HoldTaken();
            }
            throw failure(e);
        }
        return inserted == 1 ? order : findByKey(order.fanId(), order.idempotencyKey()).orElseThrow();
    }

    public Optional<Order> findByKey(String fanId, String idempotencyKey) {
        return queryOne("select " + COLUMNS + " from checkout.orders where fan_id = ? and idempotency_key = ?",
                fanId, idempotencyKey);
    }

    public Optional<Order> find(UUID id) {
        return queryOne("select " + COLUMNS + " from checkout.orders where id = ?", id);
    }

    public List<Order> byFan(String fanId, int limit) {
        return query("select " + COLUMNS + " from checkout.orders where fan_id = ? order by created_at desc limit ?",
                fanId, Math.min(limit, MAX_LIST));
    }

    /** The tickets of these orders (only PAID orders have any), by order id, seats in order. */
    public java.util.Map<UUID, List<Order.Ticket>> tickets(List<UUID> orderIds) {
        java.util.Map<UUID, List<Order.Ticket>> out = new java.util.HashMap<>();
        if (orderIds.isEmpty()) {
            return out;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "select order_id, seat_no, seat_id, code, issued_at from checkout.tickets where order_id = any(?)"
                        + " order by order_id, seat_no")) {
            ps.setArray(1, c.createArrayOf("uuid", orderIds.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getObject(1, UUID.class), k -> new ArrayList<>())
                            .add(new Order.Ticket(rs.getInt(2), rs.getString(3), rs.getString(4),
                                    instant(rs, "issued_at")));
                }
            }
            return out;
        } catch (SQLException e) {
            throw failure(e);
        }
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

    private Optional<Order> queryOne(String sql, Object... args) {
        return query(sql, args).stream().findFirst();
    }

    private List<Order> query(String sql, Object... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            List<Order> orders = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    orders.add(read(rs));
                }
            }
            return orders;
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private static Order read(ResultSet rs) throws SQLException {
        return new Order(rs.getObject("id", UUID.class), rs.getString("fan_id"), rs.getString("event_id"),
                rs.getString("category_id"), rs.getString("hold_id"), rs.getInt("quantity"),
                rs.getLong("amount_minor"), rs.getString("currency"), OrderStatus.valueOf(rs.getString("status")),
                rs.getString("buyer_name"), rs.getString("buyer_email"), rs.getString("payment_method_id"),
                rs.getString("idempotency_key"), rs.getString("failure_reason"), instant(rs, "created_at"),
                instant(rs, "updated_at"), instant(rs, "settled_at"), seatIds(rs));
    }

    private static List<String> seatIds(ResultSet rs) throws SQLException {
        java.sql.Array seats = rs.getArray("seat_ids");
        return seats == null ? List.of() : List.of((String[]) seats.getArray());
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    /** An unreachable database is a 503 the client may retry; anything else is a real failure. */
    static RuntimeException failure(SQLException e) {
        if (Database.isUnavailable(e)) {
            return Database.unavailable(e, "orders are unavailable right now, retry shortly");
        }
        return new IllegalStateException("order store failure", e);
    }
}
