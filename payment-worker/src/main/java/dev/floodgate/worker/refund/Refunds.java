package dev.floodgate.worker.refund;

import dev.floodgate.contracts.order.OrderStatus;
import dev.floodgate.orders.OrderRow;
import dev.floodgate.worker.gateway.ProviderGateway;
import dev.floodgate.worker.gateway.ProviderUnavailableException;
import dev.floodgate.worker.gateway.RefundCommand;
import dev.floodgate.worker.gateway.RefundResult;
import dev.floodgate.worker.payment.WorkerMetrics.Name;
import dev.floodgate.worker.payment.WorkerMetrics;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Refunds of charges that succeeded for orders that had already ended otherwise ({@code payment.refunds}).
 * <ol>
 *   <li>{@link #owe}: in the transaction that records such an outcome, a PENDING row: the debt is never lost;</li>
 *   <li>{@link #refund}: after the commit, the provider is asked with key {@code refund:<order id>} and a body that
 *       is the same on every try (the row's amount, charge and reason), through the gateway's retries and breaker;
 *       the answer is recorded (SUCCEEDED, or REJECTED for an operator);</li>
 *   <li>{@link #retryPending}: the reconciler's sweep asks again for rows still PENDING (no answer, or a crash
 *       between the call and the record): the provider answers the refund it made before, never a second one.</li>
 * </ol>
 * Safe to run twice at once (two deliveries, a callback and the sweep): the provider makes one refund per key, and
 * the record only moves from PENDING.
 */
public final class Refunds {
    private static final System.Logger LOG = System.getLogger(Refunds.class.getName());

    public enum Status { PENDING, SUCCEEDED, REJECTED }

    /** A row of {@code payment.refunds}. */
    public record Refund(UUID orderId, String providerChargeId, String idempotencyKey, long amountMinor,
                         String currency, OrderStatus orderStatus, Status status, String providerRefundId,
                         int attempts) {
        RefundCommand command() {
            return new RefundCommand(idempotencyKey, providerChargeId, amountMinor,
                    "order " + orderStatus.name().toLowerCase(Locale.ROOT));
        }
    }

    private static final String COLUMNS = "order_id, provider_charge_id, idempotency_key, amount_minor, currency,"
            + " order_status, status, provider_refund_id, attempts";

    private final DataSource dataSource;
    private final ProviderGateway gateway;
    private final WorkerMetrics metrics;

    public Refunds(DataSource dataSource, ProviderGateway gateway, WorkerMetrics metrics) {
        this.dataSource = dataSource;
        this.gateway = gateway;
        this.metrics = metrics;
    }

    /** The provider idempotency key of an order's refund. */
    public static String key(UUID orderId) {
        return "refund:" + orderId;
    }

    /**
     * Records, in the caller's transaction, that charge {@code chargeId} of {@code order} (final as
     * {@code orderStatus}, not PAID) must be given back. A repeat changes nothing.
     */
    public static void owe(Connection c, OrderRow order, String chargeId, OrderStatus orderStatus)
            throws SQLException {
        if (orderStatus == OrderStatus.PAID || !orderStatus.isFinal()) {
            throw new IllegalStateException("only a charge of an order that ended unpaid is refunded, not of a "
                    + orderStatus + " order");
        }
        try (PreparedStatement ps = c.prepareStatement("insert into payment.refunds (order_id, provider_charge_id,"
                + " idempotency_key, amount_minor, currency, order_status, status) values (?, ?, ?, ?, ?, ?, 'PENDING')"
                + " on conflict (order_id) do nothing")) {
            ps.setObject(1, order.id());
            ps.setString(2, chargeId);
            ps.setString(3, key(order.id()));
            ps.setLong(4, order.amountMinor());
            ps.setString(5, order.currency());
            ps.setString(6, orderStatus.name());
            ps.executeUpdate();
        }
    }

    public Optional<Refund> find(UUID orderId) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select " + COLUMNS + " from payment.refunds where order_id = ?")) {
            ps.setObject(1, orderId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    /**
     * Asks the provider for the order's refund if one is owed and not yet confirmed; answers the row as it stands
     * afterwards (empty: nothing is owed).
     */
    public Optional<Refund> refund(UUID orderId) throws SQLException {
        Optional<Refund> owed = find(orderId);
        if (owed.isEmpty() || owed.get().status() != Status.PENDING) {
            return owed;
        }
        Refund refund = owed.get();
        RefundResult result;
        try {
            result = gateway.refund(refund.command());
        } catch (ProviderUnavailableException e) {
            metrics.increment(Name.REFUNDS_UNKNOWN);
            LOG.log(System.Logger.Level.WARNING, "no answer from the provider for the refund of order " + orderId
                    + " (charge " + refund.providerChargeId() + "): " + e.getMessage() + "; the reconciler asks again");
            record(orderId, Status.PENDING, null, e.attempts(), e.getMessage());
            return find(orderId);
        }
        switch (result) {
            case RefundResult.Succeeded s -> {
                metrics.increment(Name.REFUNDS_SUCCEEDED);
                LOG.log(System.Logger.Level.INFO, "refunded charge " + refund.providerChargeId() + " of order "
                        + orderId + " (" + refund.orderStatus() + "): " + s.refundId());
                record(orderId, Status.SUCCEEDED, s.refundId(), s.attempts(), null);
            }
            case RefundResult.Rejected r -> {
                metrics.increment(Name.REFUNDS_REJECTED);
                LOG.log(System.Logger.Level.WARNING, "the provider refused the refund of charge "
                        + refund.providerChargeId() + " of order " + orderId + ": " + r.reason()
                        + "; an operator must look at it");
                record(orderId, Status.REJECTED, null, r.attempts(), r.reason());
            }
        }
        return find(orderId);
    }

    /** Refunds still PENDING, untouched for {@code olderThan}: asked again, up to {@code limit}. Answers how many. */
    public int retryPending(Duration olderThan, int limit) throws SQLException {
        List<UUID> pending = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select order_id from payment.refunds where status = 'PENDING'"
                     + " and updated_at < now() - (? * interval '1 millisecond') order by updated_at limit ?")) {
            ps.setLong(1, olderThan.toMillis());
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    pending.add(rs.getObject(1, UUID.class));
                }
            }
        }
        for (UUID orderId : pending) {
            refund(orderId);
        }
        return pending.size();
    }

    /** Only a PENDING row changes: a known answer is never overwritten. */
    private void record(UUID orderId, Status status, String refundId, int attempts, String reason)
            throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("update payment.refunds set status = ?,"
                     + " provider_refund_id = ?, attempts = attempts + ?, failure_reason = ?, updated_at = now(),"
                     + " refunded_at = case when ? = 'SUCCEEDED' then now() end"
                     + " where order_id = ? and status = 'PENDING'")) {
            ps.setString(1, status.name());
            ps.setString(2, refundId);
            ps.setInt(3, attempts);
            ps.setString(4, reason == null || reason.length() <= 500 ? reason : reason.substring(0, 500));
            ps.setString(5, status.name());
            ps.setObject(6, orderId);
            ps.executeUpdate();
        }
    }

    private static Refund read(ResultSet rs) throws SQLException {
        return new Refund(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getLong(4),
                rs.getString(5).trim(), OrderStatus.valueOf(rs.getString(6)), Status.valueOf(rs.getString(7)),
                rs.getString(8), rs.getInt(9));
    }
}
