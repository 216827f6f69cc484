package dev.floodgate.orders;

import dev.floodgate.contracts.order.OrderStatus;

import java.security.SecureRandom;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Every statement that writes {@code checkout.orders} or {@code checkout.tickets}, and the reads of a whole order:
 * the one place that knows the tables' columns. Checkout places orders, the payment-worker settles them (its charge
 * row, the move and the tickets in one statement), the reconciler takes overdue ones; the statements they compose
 * with their own tables (checkout's outbox, the worker's charges) take this class's common table expressions, so
 * each stays one statement and one round trip.
 *
 * <p>Plain JDBC on the caller's connection: the caller owns the pool, the transaction and the mapping of failures.
 */
public final class OrderBook {
    public static final String ORDERS = "checkout.orders";
    public static final String TICKETS = "checkout.tickets";
    /** The most orders one read answers. */
    public static final int MAX_LIST = 100;

    static final String COLUMNS = "id, fan_id, event_id, category_id, hold_id, quantity, amount_minor, currency,"
            + " status, buyer_name, buyer_email, payment_method_id, idempotency_key, failure_reason, created_at,"
            + " updated_at, settled_at, seat_ids";
    private static final String ROW_COLUMNS = "id, event_id, hold_id, amount_minor, currency, payment_method_id,"
            + " status, quantity, seat_ids";
    /** How many columns {@link #rowColumns} lists. */
    public static final int ROW_COLUMN_COUNT = 9;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789".toCharArray();

    private OrderBook() {
    }

    // Placing.

    /**
     * {@code <name> as (insert ... returning id)}: the order, unless the fan already has one under the same
     * idempotency key (then nothing, and {@code <name>} is empty). Bind with {@link #bindPlace}.
     */
    public static String placeCte(String name) {
        return name + " as (insert into " + ORDERS + " (" + COLUMNS + ")"
                + " values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) on conflict (fan_id, idempotency_key) do nothing"
                + " returning id)";
    }

    /** Binds {@link #placeCte}'s parameters from {@code first}; answers the next parameter's index. */
    public static int bindPlace(Connection c, PreparedStatement ps, int first, Order order) throws SQLException {
        ps.setObject(first, order.id());
        ps.setString(first + 1, order.fanId());
        ps.setString(first + 2, order.eventId());
        ps.setString(first + 3, order.categoryId());
        ps.setString(first + 4, order.holdId());
        ps.setInt(first + 5, order.quantity());
        ps.setLong(first + 6, order.amountMinor());
        ps.setString(first + 7, order.currency());
        ps.setString(first + 8, order.status().name());
        ps.setString(first + 9, order.buyerName());
        ps.setString(first + 10, order.buyerEmail());
        ps.setString(first + 11, order.paymentMethodId());
        ps.setString(first + 12, order.idempotencyKey());
        ps.setString(first + 13, order.failureReason());
        ps.setTimestamp(first + 14, Timestamp.from(order.createdAt()));
        ps.setTimestamp(first + 15, Timestamp.from(order.updatedAt()));
        ps.setTimestamp(first + 16, null);
        ps.setArray(first + 17, order.seatIds().isEmpty() ? null : c.createArrayOf("text", order.seatIds().toArray()));
        return first + 18;
    }

    /** PostgreSQL's refusal of a seat already in a live or paid order ({@code seat_claims}, kept by a trigger). */
    public static final String SEAT_CLAIMS = "seat_claims_pkey";

    // Reading whole orders.

    public static Optional<Order> find(Connection c, UUID id) throws SQLException {
        return first(orders(c, "select " + COLUMNS + " from " + ORDERS + " where id = ?", id));
    }

    public static Optional<Order> findByKey(Connection c, String fanId, String idempotencyKey) throws SQLException {
        return first(orders(c, "select " + COLUMNS + " from " + ORDERS + " where fan_id = ? and idempotency_key = ?",
                fanId, idempotencyKey));
    }

    /** The fan's latest orders, newest first, at most {@link #MAX_LIST}. */
    public static List<Order> byFan(Connection c, String fanId, int limit) throws SQLException {
        return orders(c, "select " + COLUMNS + " from " + ORDERS + " where fan_id = ? order by created_at desc limit ?",
                fanId, Math.clamp(limit, 0, MAX_LIST));
    }

    /** The tickets of these orders (only PAID orders have any), by order id, seats in order. */
    public static Map<UUID, List<Order.Ticket>> tickets(Connection c, Collection<UUID> orderIds) throws SQLException {
        Map<UUID, List<Order.Ticket>> out = new HashMap<>();
        if (orderIds.isEmpty()) {
            return out;
        }
        try (PreparedStatement ps = c.prepareStatement("select order_id, seat_no, seat_id, code, issued_at from "
                + TICKETS + " where order_id = any(?) order by order_id, seat_no")) {
            ps.setArray(1, c.createArrayOf("uuid", orderIds.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getObject(1, UUID.class), k -> new ArrayList<>())
                            .add(new Order.Ticket(rs.getInt(2), rs.getString(3), rs.getString(4), instant(rs, 5)));
                }
            }
        }
        return out;
    }

    // What a payment needs of an order.

    /** The columns {@link #readRow} reads, each prefixed with {@code alias.} (none when blank), for joins. */
    public static String rowColumns(String alias) {
        return alias.isBlank() ? ROW_COLUMNS : alias + "." + ROW_COLUMNS.replace(", ", ", " + alias + ".");
    }

    /** An order row from {@link #rowColumns}' {@value #ROW_COLUMN_COUNT} columns, the first at index {@code first}. */
    public static OrderRow readRow(ResultSet rs, int first) throws SQLException {
        return new OrderRow(rs.getObject(first, UUID.class), rs.getString(first + 1), rs.getString(first + 2),
                rs.getLong(first + 3), rs.getString(first + 4).trim(), rs.getString(first + 5),
                OrderStatus.valueOf(rs.getString(first + 6)), rs.getInt(first + 7), seatIds(rs, first + 8));
    }

    public static Optional<OrderRow> findRow(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select " + ROW_COLUMNS + " from " + ORDERS + " where id = ?")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(readRow(rs, 1)) : Optional.empty();
            }
        }
    }

    /**
     * {@code <name> as (select status from checkout.orders where id = ? for update)}: the order's row locked for the
     * caller's transaction, its status read on the row's latest version once the lock is held.
     */
    public static String lockCte(String name) {
        return name + " as (select status from " + ORDERS + " where id = ? for update)";
    }

    /**
     * The oldest order still awaiting payment {@code olderThanMillis} after it was placed that no other transaction
     * has locked, locked for the caller's; orders in {@code skip} are passed over.
     */
    public static Optional<OrderRow> lockOldestAwaiting(Connection c, long olderThanMillis, Collection<UUID> skip)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select " + ROW_COLUMNS + " from " + ORDERS
                + " where status = 'AWAITING_PAYMENT' and created_at < now() - (? * interval '1 millisecond')"
                + " and id <> all(?) order by created_at limit 1 for update skip locked")) {
            ps.setLong(1, olderThanMillis);
            ps.setArray(2, c.createArrayOf("uuid", skip.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(readRow(rs, 1)) : Optional.empty();
            }
        }
    }

    // Settling.

    /**
     * Two common table expressions, {@code <moved>} and {@code <issued>}: the order moves from AWAITING_PAYMENT to its
     * final status (only from there: a concurrent settlement's lock is waited for and the status re-checked on the
     * row's latest version), and a move to PAID issues one ticket per seat from the move's own result. {@code moved}
     * holds the order's id if it moved, {@code issued} one row per ticket issued. Bind with {@link #bindSettle}.
     */
    public static String settleCtes(String moved, String issued) {
        return moved + " as (update " + ORDERS + " set status = ?, failure_reason = ?, updated_at = now(),"
                + " settled_at = now() where id = ? and status = 'AWAITING_PAYMENT' returning id),"
                + " " + issued + " as (insert into " + TICKETS + " (order_id, seat_no, code, seat_id)"
                + " select " + moved + ".id, t.seat_no, t.code, t.seat_id from " + moved + ","
                + " unnest(?::text[], ?::text[]) with ordinality as t(code, seat_id, seat_no) where ?"
                + " on conflict (order_id, seat_no) do nothing returning 1)";
    }

    /**
     * Binds {@link #settleCtes}' parameters from {@code first}: the order moves to {@code target} (a final status the
     * order state machine allows from AWAITING_PAYMENT), with {@code failureReason} unless PAID. Answers the next
     * parameter's index.
     */
    public static int bindSettle(Connection c, PreparedStatement ps, int first, OrderRow order, OrderStatus target,
                                 String failureReason) throws SQLException {
        if (!OrderStatus.AWAITING_PAYMENT.canBecome(target)) {
            throw new IllegalStateException("the order state machine forbids AWAITING_PAYMENT -> " + target);
        }
        ps.setString(first, target.name());
        ps.setString(first + 1, target == OrderStatus.PAID ? null : failureReason);
        ps.setObject(first + 2, order.id());
        // Ticket n gets code n and, for a seated order, the order's n-th seat id.
        String[] codes = new String[order.quantity()];
        String[] seats = new String[order.quantity()];
        for (int seat = 0; seat < order.quantity(); seat++) {
            codes[seat] = ticketCode();
            seats[seat] = seat < order.seatIds().size() ? order.seatIds().get(seat) : null;
        }
        ps.setArray(first + 3, c.createArrayOf("text", codes));
        ps.setArray(first + 4, c.createArrayOf("text", seats));
        ps.setBoolean(first + 5, target == OrderStatus.PAID);
        return first + 6;
    }

    /**
     * One unguessable code per ticket ({@code tickets.code} is unique, and so is (order, seat), so issuing again
     * changes nothing).
     */
    static String ticketCode() {
        StringBuilder code = new StringBuilder("FG");
        for (int i = 0; i < 16; i++) {
            if (i % 4 == 0) {
                code.append('-');
            }
            code.append(CODE_ALPHABET[RANDOM.nextInt(CODE_ALPHABET.length)]);
        }
        return code.toString();
    }

    // Row helpers.

    private static Optional<Order> first(List<Order> orders) {
        return orders.stream().findFirst();
    }

    private static List<Order> orders(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
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
        }
    }

    private static Order read(ResultSet rs) throws SQLException {
        return new Order(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getString(4),
                rs.getString(5), rs.getInt(6), rs.getLong(7), rs.getString(8).trim(),
                OrderStatus.valueOf(rs.getString(9)), rs.getString(10), rs.getString(11), rs.getString(12),
                rs.getString(13), rs.getString(14), instant(rs, 15), instant(rs, 16), instant(rs, 17),
                seatIds(rs, 18));
    }

    static List<String> seatIds(ResultSet rs, int column) throws SQLException {
        Array seats = rs.getArray(column);
        return seats == null ? List.of() : List.of((String[]) seats.getArray());
    }

    static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
