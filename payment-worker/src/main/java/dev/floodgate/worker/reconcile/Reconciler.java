package dev.floodgate.worker.reconcile;

import dev.floodgate.contracts.order.OrderStatus;
import dev.floodgate.orders.OrderBook;
import dev.floodgate.orders.OrderRow;
import dev.floodgate.worker.gateway.ProviderCharge;
import dev.floodgate.worker.gateway.ProviderGateway;
import dev.floodgate.worker.gateway.ProviderUnavailableException;
import dev.floodgate.worker.payment.ChargeRecord;
import dev.floodgate.worker.payment.PaymentProcessor;
import dev.floodgate.worker.payment.PaymentStore;
import dev.floodgate.worker.payment.WorkerMetrics.Name;
import dev.floodgate.worker.payment.WorkerMetrics;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * Orders never stay stuck: an order still AWAITING_PAYMENT {@code paymentTimeout} after it was placed (its request
 * lost in a dead-letter topic, its worker crashed, the provider silent) is settled by asking the provider whether a
 * charge exists under the order's idempotency key:
 * <ul>
 *   <li>a succeeded charge → PAID, seats sold, tickets issued;</li>
 *   <li>a declined charge → PAYMENT_FAILED, seats back to stock;</li>
 *   <li>no charge → EXPIRED, seats back to stock;</li>
 *   <li>no answer → left as it is for the next round (a charge may exist: the seats must not be released).</li>
 * </ul>
 *
 * <p>Safe with any number of worker instances: each order is taken with {@code FOR UPDATE SKIP LOCKED} and settled in
 * that transaction through the same {@code WHERE status = 'AWAITING_PAYMENT'} guard as the normal path, so it moves
 * exactly once. A worker about to charge takes the same row lock to stamp {@code attempt_started_at}
 * ({@link PaymentStore#beginAttempt}); the reconciler re-reads that stamp after taking the lock and leaves an order
 * alone while an attempt may be in flight ({@code attemptLease}), so it never decides "no charge" under a charge that
 * is being made. The grid follows after the commit, idempotently; a crash between the two is finished by the
 * follow-up sweep ({@link #followUp()}).
 */
public final class Reconciler implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Reconciler.class.getName());

    private final DataSource dataSource;
    private final PaymentStore store;
    private final PaymentProcessor processor;
    private final ProviderGateway gateway;
    private final WorkerMetrics metrics;
    private final ReconcilerSettings settings;
    private final ScheduledExecutorService scheduler;

    public Reconciler(PaymentStore store, PaymentProcessor processor, ProviderGateway gateway, WorkerMetrics metrics,
                      ReconcilerSettings settings) {
        this.dataSource = store.dataSource();
        this.store = store;
        this.processor = processor;
        this.gateway = gateway;
        this.metrics = metrics;
        this.settings = settings;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "floodgate-reconciler");
            t.setDaemon(true);
            return t;
        });
        if (settings.enabled()) {
            scheduler.scheduleWithFixedDelay(this::roundSafely, settings.interval().toMillis(),
                    settings.interval().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    public ReconcilerSettings settings() {
        return settings;
    }

    /** What one order's reconciliation did. */
    public enum Result { PAID, PAYMENT_FAILED, EXPIRED, ALREADY_SETTLED, DEFERRED }

    private void roundSafely() {
        try {
            round();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "reconciler round failed, next in " + settings.interval().toMillis()
                    + " ms: " + e);
        }
    }

    /**
     * One round: overdue orders (up to the batch size), then the grid follow-ups, then refunds still owed. Answers
     * the orders handled.
     */
    public List<Result> round() throws SQLException {
        List<Result> results = new ArrayList<>();
        Set<UUID> seen = new HashSet<>();
        while (results.size() < settings.batchSize()) {
            Optional<Result> next = reconcileNext(seen);
            if (next.isEmpty()) {
                break;
            }
            results.add(next.get());
        }
        followUp();
        recheckLateCharges();
        processor.refunds().retryPending(settings.followUpDelay(), settings.batchSize());
        return results;
    }

    private Optional<Result> reconcileNext(Set<UUID> seen) throws SQLException {
        OrderRow order;
        OrderStatus now;
        Result result;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                Optional<OrderRow> overdue = lockNextOverdue(c, seen);
                if (overdue.isEmpty()) {
                    c.commit();
                    return Optional.empty();
                }
                order = overdue.get();
                seen.add(order.id());
                if (attemptInFlight(c, order.id())) {
                    c.commit();
                    metrics.increment(Name.RECONCILE_DEFERRED);
                    return Optional.of(Result.DEFERRED);
                }
                Optional<ProviderCharge> charge;
                try {
                    charge = gateway.findByIdempotencyKey(order.id().toString());
                } catch (ProviderUnavailableException e) {
                    c.rollback();
                    metrics.increment(Name.RECONCILE_DEFERRED);
                    LOG.log(System.Logger.Level.WARNING, "reconciler: cannot ask the provider about order "
                            + order.id() + ", next round: " + e.getMessage());
                    return Optional.of(Result.DEFERRED);
                }
                PaymentStore.Outcome outcome;
                OrderStatus target;
                if (charge.isEmpty()) {
                    outcome = new PaymentStore.Outcome(ChargeRecord.Status.SKIPPED, null, null,
                            "payment not settled within " + settings.paymentTimeout().toSeconds()
                                    + " s and the provider has no charge for it", 0);
                    target = OrderStatus.EXPIRED;
                } else if (ProviderCharge.SUCCEEDED.equals(charge.get().status())) {
                    outcome = new PaymentStore.Outcome(ChargeRecord.Status.SUCCEEDED, charge.get().id(), null, null, 0);
                    target = OrderStatus.PAID;
                } else {
                    String code = charge.get().declineCode() == null ? "declined" : charge.get().declineCode();
                    outcome = new PaymentStore.Outcome(ChargeRecord.Status.DECLINED, charge.get().id(), code,
                            "card declined: " + code, 0);
                    target = OrderStatus.PAYMENT_FAILED;
                }
                now = store.recordOutcomeAndSettleOrder(c, order, outcome, target, 0);
                c.commit();
                result = now != target ? Result.ALREADY_SETTLED : switch (target) {
                    case PAID -> Result.PAID;
                    case PAYMENT_FAILED -> Result.PAYMENT_FAILED;
                    default -> Result.EXPIRED;
                };
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
        switch (result) {
            case PAID -> metrics.increment(Name.RECONCILED_PAID);
            case PAYMENT_FAILED -> metrics.increment(Name.RECONCILED_FAILED);
            case EXPIRED -> metrics.increment(Name.RECONCILED_EXPIRED);
            default -> { }
        }
        LOG.log(System.Logger.Level.INFO, "reconciler: order " + order.id() + " overdue, now " + now);
        processor.followGrid(order, now);
        return Optional.of(result);
    }

    /** The oldest overdue order nobody else is working on, locked; orders seen this round are skipped. */
    private Optional<OrderRow> lockNextOverdue(Connection c, Set<UUID> seen) throws SQLException {
        return OrderBook.lockOldestAwaiting(c, settings.paymentTimeout().toMillis(), seen);
    }

    /** Read after the lock is held, in a statement of its own, so that a just-committed stamp is seen. */
    private boolean attemptInFlight(Connection c, UUID orderId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select attempt_started_at > now() - (? * interval '1 millisecond')"
                + " from payment.charges where order_id = ?")) {
            ps.setLong(1, settings.attemptLease().toMillis());
            ps.setObject(2, orderId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /**
     * Final orders whose grid step never happened (a worker crashed between the commit and the grid): make the grid
     * follow now. Each grid step is idempotent, so racing a live worker is harmless.
     */
    public int followUp() throws SQLException {
        List<OrderRow> pending = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select " + OrderBook.rowColumns("o")
                     + " from payment.charges ch join " + OrderBook.ORDERS + " o on o.id = ch.order_id"
                     + " where ch.settled_at is null and ch.status <> 'UNKNOWN' and o.status <> 'AWAITING_PAYMENT'"
                     + " and ch.updated_at < now() - (? * interval '1 millisecond') limit ?")) {
            ps.setLong(1, settings.followUpDelay().toMillis());
            ps.setInt(2, settings.batchSize());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    pending.add(OrderBook.readRow(rs, 1));
                }
            }
        }
        for (OrderRow order : pending) {
            processor.followGrid(order, order.status());
            metrics.increment(Name.GRID_FOLLOW_UPS);
        }
        return pending.size();
    }

    /**
     * Orders ended "no charge" (SKIPPED) although a worker had started a charge attempt: asked about once more,
     * {@code lateChargeRecheckDelay} after, since a provider may still make a charge whose request its client gave up
     * on. A charge found now is recorded through the usual settlement, which owes and makes its refund (the order
     * stays ended). No answer: asked again next round. Answers how many were checked.
     */
    public int recheckLateCharges() throws SQLException {
        List<OrderRow> due = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select " + OrderBook.rowColumns("o")
                     + " from payment.charges ch join " + OrderBook.ORDERS + " o on o.id = ch.order_id"
                     + " where ch.status = 'SKIPPED' and ch.attempt_started_at is not null and ch.rechecked_at is null"
                     + " and o.status <> 'AWAITING_PAYMENT'"
                     + " and ch.updated_at < now() - (? * interval '1 millisecond') order by ch.updated_at limit ?")) {
            ps.setLong(1, settings.lateChargeRecheckDelay().toMillis());
            ps.setInt(2, settings.batchSize());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    due.add(OrderBook.readRow(rs, 1));
                }
            }
        }
        int checked = 0;
        for (OrderRow order : due) {
            Optional<ProviderCharge> charge;
            try {
                charge = gateway.findByIdempotencyKey(order.id().toString());
            } catch (ProviderUnavailableException e) {
                LOG.log(System.Logger.Level.WARNING, "reconciler: cannot recheck order " + order.id()
                        + " for a late charge, next round: " + e.getMessage());
                continue;
            }
            if (charge.isPresent() && ProviderCharge.SUCCEEDED.equals(charge.get().status())) {
                metrics.increment(Name.LATE_CHARGES_FOUND);
                LOG.log(System.Logger.Level.WARNING, "reconciler: order " + order.id() + " is " + order.status()
                        + " but the provider made its charge " + charge.get().id() + " late; refunding it");
                processor.settle(order, new PaymentStore.Outcome(ChargeRecord.Status.SUCCEEDED, charge.get().id(),
                        null, null, 0), 0);
            }
            try (Connection c = dataSource.getConnection();
                 PreparedStatement ps = c.prepareStatement(
                         "update payment.charges set rechecked_at = now() where order_id = ?")) {
                ps.setObject(1, order.id());
                ps.executeUpdate();
            }
            checked++;
        }
        return checked;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
