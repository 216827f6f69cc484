package dev.floodgate.worker.payment;

import dev.floodgate.contracts.order.OrderStatus;
import dev.floodgate.orders.OrderBook;
import dev.floodgate.orders.OrderRow;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The worker's SQL on its own {@code payment.charges}, composed with the orders module's statements
 * ({@link OrderBook}: the lock, the move to a final status and the tickets) where one transaction must hold both.
 * Every write is idempotent.
 */
public final class PaymentStore {
    private static final String CHARGE_COLUMNS = "order_id, status, provider_charge_id, decline_code, failure_reason,"
            + " attempts, deliveries, order_status, settled_at is not null";

    private final DataSource dataSource;

    public PaymentStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public Optional<OrderRow> findOrder(UUID orderId) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return findOrder(c, orderId);
        }
    }

    private static Optional<OrderRow> findOrder(Connection c, UUID orderId) throws SQLException {
        return OrderBook.findRow(c, orderId);
    }

    /**
     * Before asking the provider to charge: locks the order row, and if it still awaits payment, stamps the charge
     * row's {@code attempt_started_at} (creating the row as UNKNOWN if there is none) and commits. The reconciler
     * takes the same lock and reads the stamp afresh, so it either settled the order first (then this answers its
     * final status and nothing is charged) or sees an attempt in flight and leaves the order alone for the lease.
     *
     * @return the order's status under the lock
     */
    public OrderStatus beginAttempt(OrderRow order) throws SQLException {
        // One statement, one round trip, its own transaction: the lock, the stamp (only if the order still awaits
        // payment) and the commit. FOR UPDATE re-reads the row's latest version once the lock is ours, so a status
        // the reconciler just committed is the one we see.
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("with " + OrderBook.lockCte("locked") + ","
                     + " stamped as (insert into payment.charges (order_id, event_id, hold_id, amount_minor, currency,"
                     + " payment_method_id, status, attempts, deliveries, attempt_started_at)"
                     + " select ?, ?, ?, ?, ?, ?, 'UNKNOWN', 0, 0, now() from locked"
                     + " where locked.status = 'AWAITING_PAYMENT'"
                     + " on conflict (order_id) do update set attempt_started_at = now() returning order_id)"
                     + " select (select status from locked), (select count(*) from stamped)")) {
            ps.setObject(1, order.id());
            bindOrder(ps, order, 2);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                String status = rs.getString(1);
                return status == null ? OrderStatus.EXPIRED : OrderStatus.valueOf(status);
            }
        }
    }

    /** An order and the worker's charge row for it, if any. */
    public record OrderAndCharge(OrderRow order, Optional<ChargeRecord> charge) {
    }

    /** {@link #findOrder} and {@link #findCharge} in one query. */
    public Optional<OrderAndCharge> findOrderAndCharge(UUID orderId) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select " + OrderBook.rowColumns("o") + ", ch.order_id,"
                     + " ch.status, ch.provider_charge_id, ch.decline_code, ch.failure_reason, ch.attempts,"
                     + " ch.deliveries, ch.order_status, ch.settled_at is not null from " + OrderBook.ORDERS + " o"
                     + " left join payment.charges ch on ch.order_id = o.id where o.id = ?")) {
            ps.setObject(1, orderId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                OrderRow order = OrderBook.readRow(rs, 1);
                int ch = OrderBook.ROW_COLUMN_COUNT + 1;
                Optional<ChargeRecord> charge = rs.getObject(ch) == null ? Optional.empty()
                        : Optional.of(new ChargeRecord(rs.getObject(ch, UUID.class),
                        ChargeRecord.Status.valueOf(rs.getString(ch + 1)), rs.getString(ch + 2),
                        rs.getString(ch + 3), rs.getString(ch + 4), rs.getInt(ch + 5), rs.getInt(ch + 6),
                        rs.getString(ch + 7), rs.getBoolean(ch + 8)));
                return Optional.of(new OrderAndCharge(order, charge));
            }
        }
    }

    public Optional<ChargeRecord> findCharge(UUID orderId) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select " + CHARGE_COLUMNS
                     + " from payment.charges where order_id = ?")) {
            ps.setObject(1, orderId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new ChargeRecord(rs.getObject(1, UUID.class),
                        ChargeRecord.Status.valueOf(rs.getString(2)), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getInt(6), rs.getInt(7), rs.getString(8), rs.getBoolean(9)));
            }
        }
    }

    /** Asked, no answer: remembers the attempts; a known outcome is never overwritten. */
    public void recordUnknown(OrderRow order, int attempts, String reason) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("insert into payment.charges (order_id, event_id, hold_id,"
                     + " amount_minor, currency, payment_method_id, status, failure_reason, attempts, deliveries)"
                     + " values (?, ?, ?, ?, ?, ?, 'UNKNOWN', ?, ?, 1)"
                     + " on conflict (order_id) do update set attempts = payment.charges.attempts + excluded.attempts,"
                     + " deliveries = payment.charges.deliveries + 1, failure_reason = excluded.failure_reason,"
                     + " updated_at = now() where payment.charges.status = 'UNKNOWN'")) {
            bindOrder(ps, order);
            ps.setString(7, reason);
            ps.setInt(8, attempts);
            ps.executeUpdate();
        }
    }

    /** Nothing was charged because the order no longer waited for payment. */
    public void recordSkipped(OrderRow order, String reason) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("insert into payment.charges (order_id, event_id, hold_id,"
                     + " amount_minor, currency, payment_method_id, status, failure_reason, deliveries, order_status,"
                     + " settled_at) values (?, ?, ?, ?, ?, ?, 'SKIPPED', ?, 1, ?, now())"
                     + " on conflict (order_id) do update set deliveries = payment.charges.deliveries + 1,"
                     + " updated_at = now()")) {
            bindOrder(ps, order);
            ps.setString(7, reason);
            ps.setString(8, order.status().name());
            ps.executeUpdate();
        }
    }

    /** Another delivery of a request whose outcome is already recorded. */
    public void countDelivery(UUID orderId) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("update payment.charges set deliveries = deliveries + 1,"
                     + " updated_at = now() where order_id = ?")) {
            ps.setObject(1, orderId);
            ps.executeUpdate();
        }
    }

    /**
     * In one transaction: records the provider's answer (unless one is recorded already), then moves the order from
     * AWAITING_PAYMENT to {@code target}. Answers the order's status afterwards, which differs from {@code target}
     * when the order had already ended otherwise (expired, or settled by an earlier delivery).
     */
    public OrderStatus recordOutcomeAndSettleOrder(OrderRow order, Outcome outcome, OrderStatus target)
            throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                OrderStatus now = recordOutcomeAndSettleOrder(c, order, outcome, target, 1);
                c.commit();
                return now;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /**
     * As {@link #recordOutcomeAndSettleOrder(OrderRow, Outcome, OrderStatus)} inside the caller's transaction (the
     * reconciler's, which holds the order row's lock). A move to PAID issues the order's tickets in the same
     * transaction; a succeeded charge for an order that ended otherwise records the refund it owes
     * ({@link dev.floodgate.worker.refund.Refunds#owe}) in the same transaction.
     */
    public OrderStatus recordOutcomeAndSettleOrder(Connection c, OrderRow order, Outcome outcome, OrderStatus target,
                                                   int deliveries) throws SQLException {
        return recordAndSettle(c, order, outcome, target, deliveries).now();
    }

    /**
     * The order's status after {@link #recordOutcomeAndSettleOrder(Connection, OrderRow, Outcome, OrderStatus, int)},
     * and whether the grid already follows it: the order is PAID or PAYMENT_FAILED and its charge row held a real
     * answer and was marked settled ({@link #markSettled}, which runs after the grid step) to that same status before
     * this statement (e.g. the provider's callback settled the order first). These facts only ever become true, so
     * a stale "true" cannot happen; a stale "false" only repeats the (idempotent) grid step.
     */
    public record Settled(OrderStatus now, boolean gridFollows) {
    }

    /** As {@link #recordOutcomeAndSettleOrder(Connection, OrderRow, Outcome, OrderStatus, int)}, saying more. */
    public Settled recordAndSettle(Connection c, OrderRow order, Outcome outcome, OrderStatus target, int deliveries)
            throws SQLException {
        String settledBefore;
        boolean moved;
        // One statement (one round trip): the prior stamp, the answer, the move and the tickets.
        try (PreparedStatement ps = c.prepareStatement("with prior as (select order_status from payment.charges"
                + " where order_id = ? and settled_at is not null and status in ('SUCCEEDED', 'DECLINED', 'REJECTED')),"
                + " recorded as (insert into payment.charges (order_id, event_id,"
                + " hold_id, amount_minor, currency, payment_method_id, status, provider_charge_id,"
                + " decline_code, failure_reason, attempts, deliveries)"
                + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                // A known answer is never overwritten; attempts and deliveries always add up (copies
                // of one request handled at once by several threads or workers each count).
                + " on conflict (order_id) do update set"
                + " status = " + keepKnown("status") + ","
                + " provider_charge_id = " + keepKnown("provider_charge_id") + ","
                + " decline_code = " + keepKnown("decline_code") + ","
                + " failure_reason = " + keepKnown("failure_reason") + ","
                + " attempts = payment.charges.attempts + excluded.attempts,"
                + " deliveries = payment.charges.deliveries + excluded.deliveries, updated_at = now()"
                + " returning order_id),"
                // The move, only from AWAITING_PAYMENT, and a move to PAID's tickets.
                + " " + OrderBook.settleCtes("moved", "issued")
                + " select (select order_status from prior), (select count(*) from recorded),"
                + " (select count(*) from moved), (select count(*) from issued)")) {
            ps.setObject(1, order.id());
            bindOrder(ps, order, 2);
            ps.setString(8, outcome.status().name());
            ps.setString(9, outcome.providerChargeId());
            ps.setString(10, outcome.declineCode());
            ps.setString(11, outcome.failureReason());
            ps.setInt(12, outcome.attempts());
            ps.setInt(13, deliveries);
            OrderBook.bindSettle(c, ps, 14, order, target, outcome.failureReason());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                settledBefore = rs.getString(1);
                moved = rs.getLong(3) == 1;
            }
        }
        // Not moved: ended otherwise before; a new statement sees the status that was committed meanwhile.
        OrderStatus now = moved ? target
                : findOrder(c, order.id()).map(OrderRow::status).orElse(OrderStatus.EXPIRED);
        if (outcome.status() == ChargeRecord.Status.SUCCEEDED && now != OrderStatus.PAID) {
            // Charged for an order that ended otherwise (expired, failed): the refund is owed from this commit on.
            dev.floodgate.worker.refund.Refunds.owe(c, order, outcome.providerChargeId(), now);
        }
        // Only PAID and PAYMENT_FAILED: those come with a real answer recorded in the transaction that set them, so
        // a settled stamp for them was written by markSettled, after the grid step (recordSkipped stamps EXPIRED).
        boolean gridFollows = (now == OrderStatus.PAID || now == OrderStatus.PAYMENT_FAILED)
                && now.name().equals(settledBefore);
        return new Settled(now, gridFollows);
    }

    /** The grid followed the order: this order is done. */
    public void markSettled(UUID orderId, OrderStatus orderStatus) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("update payment.charges set order_status = ?,"
                     + " settled_at = coalesce(settled_at, now()), updated_at = now() where order_id = ?")) {
            ps.setString(1, orderStatus.name());
            ps.setObject(2, orderId);
            ps.executeUpdate();
        }
    }

    /** A known answer is kept; only UNKNOWN, or SKIPPED ("nothing charged") under a real answer, is replaced. */
    private static String keepKnown(String column) {
        return "case when payment.charges.status = 'UNKNOWN' or (payment.charges.status = 'SKIPPED'"
                + " and excluded.status in ('SUCCEEDED', 'DECLINED')) then excluded." + column
                + " else payment.charges." + column + " end";
    }

    private static void bindOrder(PreparedStatement ps, OrderRow order) throws SQLException {
        bindOrder(ps, order, 1);
    }

    /** The charge row's order columns (id, event, hold, amount, currency, payment method) from parameter {@code first}. */
    private static void bindOrder(PreparedStatement ps, OrderRow order, int first) throws SQLException {
        ps.setObject(first, order.id());
        ps.setString(first + 1, order.eventId());
        ps.setString(first + 2, order.holdId());
        ps.setLong(first + 3, order.amountMinor());
        ps.setString(first + 4, order.currency());
        ps.setString(first + 5, order.paymentMethodId());
    }

    /** A known answer to record. */
    public record Outcome(ChargeRecord.Status status, String providerChargeId, String declineCode,
                          String failureReason, int attempts) {
    }
}
