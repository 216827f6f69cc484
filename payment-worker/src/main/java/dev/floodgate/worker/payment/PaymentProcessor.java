package dev.floodgate.worker.payment;

import dev.floodgate.contracts.order.OrderStatus;
import dev.floodgate.contracts.payment.PaymentRequest;
import dev.floodgate.grid.hold.HoldResult;
import dev.floodgate.grid.inventory.Inventory;
import dev.floodgate.orders.OrderRow;
import dev.floodgate.worker.gateway.ChargeCommand;
import dev.floodgate.worker.gateway.ChargeResult;
import dev.floodgate.worker.gateway.ProviderCharge;
import dev.floodgate.worker.gateway.ProviderGateway;
import dev.floodgate.worker.gateway.ProviderUnavailableException;
import dev.floodgate.worker.payment.WorkerMetrics.Name;
import dev.floodgate.worker.refund.Refunds;

import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;

/**
 * Handles one payment request, start to end, so that any step may be repeated (redelivery, crash, a second worker):
 * <ol>
 *   <li>read the order ({@code checkout.orders} is the truth: amount, currency and card come from it);</li>
 *   <li>charge it through the provider with the order id as idempotency key — unless {@code payment.charges}
 *       already holds the answer, or the order no longer awaits payment;</li>
 *   <li>record the answer in {@code payment.charges} and move the order to PAID or PAYMENT_FAILED, in one
 *       transaction, only from AWAITING_PAYMENT;</li>
 *   <li>make the grid follow the order's final status: sold if PAID, back in stock otherwise;</li>
 *   <li>only then tell the caller to acknowledge.</li>
 * </ol>
 * No answer from the provider (after the gateway's retries) leaves the order untouched and asks for a redelivery
 * later: the outcome is unknown and the seats must not be released while a charge may exist.
 */
public final class PaymentProcessor {
    private static final System.Logger LOG = System.getLogger(PaymentProcessor.class.getName());

    /** What to do with the message. */
    public enum Disposition {
        /** Settled (or nothing to do): acknowledge. */
        ACK,
        /** Try again later (unknown outcome, engine down): negative-acknowledge. */
        RETRY_LATER,
        /** Never processable (unknown order, bad ids): negative-acknowledge until it reaches the dead-letter topic. */
        UNPROCESSABLE,
        /**
         * Not attempted: the provider's circuit breaker is open. Wait for it ({@link #awaitProvider}) and process
         * again rather than spend a redelivery: the message is fine, the provider is not.
         */
        PROVIDER_OPEN
    }

    /** Waits (bounded) until the provider's circuit breaker lets calls through again; answers whether it does. */
    public boolean awaitProvider(java.time.Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        while (gateway.breakerState() == io.helidon.faulttolerance.CircuitBreaker.State.OPEN) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(java.time.Duration.ofMillis(100).toNanos());
        }
        return true;
    }

    public java.time.Duration breakerDelay() {
        return gateway.settings().breakerDelay();
    }

    private final PaymentStore store;
    private final ProviderGateway gateway;
    private final Inventory inventory;
    private final WorkerMetrics metrics;
    private final Refunds refunds;

    public PaymentProcessor(PaymentStore store, ProviderGateway gateway, Inventory inventory, WorkerMetrics metrics) {
        this.store = store;
        this.gateway = gateway;
        this.inventory = inventory;
        this.metrics = metrics;
        this.refunds = new Refunds(store.dataSource(), gateway, metrics);
    }

    /** Refunds of charges made for orders that ended unpaid. */
    public Refunds refunds() {
        return refunds;
    }

    public Disposition process(PaymentRequest request) throws SQLException {
        UUID orderId;
        try {
            orderId = UUID.fromString(request.orderId());
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, "payment request with a malformed order id " + request.orderId());
            return Disposition.UNPROCESSABLE;
        }
        Optional<PaymentStore.OrderAndCharge> found = store.findOrderAndCharge(orderId);
        if (found.isEmpty()) {
            metrics.increment(Name.MESSAGES_ORPHANED);
            LOG.log(System.Logger.Level.WARNING, "payment request for unknown order " + orderId);
            return Disposition.UNPROCESSABLE;
        }
        // Everything else (amount, currency, card token, event, hold) comes from the order row, the one truth.
        OrderRow order = found.get().order();

        Optional<ChargeRecord> recorded = found.get().charge();
        PaymentStore.Outcome outcome;
        if (recorded.isPresent() && recorded.get().status().isFinal()) {
            ChargeRecord known = recorded.get();
            if (known.status() == ChargeRecord.Status.SKIPPED) {
                store.countDelivery(orderId);
                return Disposition.ACK;
            }
            // Redelivery after the answer was recorded: settle again (each step is idempotent, and counts the
            // delivery), no provider call.
            outcome = new PaymentStore.Outcome(known.status(), known.providerChargeId(), known.declineCode(),
                    known.failureReason(), 0);
        } else if (order.status() != OrderStatus.AWAITING_PAYMENT) {
            Optional<PaymentStore.Outcome> late = recorded.isPresent() ? reconcile(order) : Optional.empty();
            if (late.isEmpty()) {
                if (recorded.isPresent()) {
                    return Disposition.RETRY_LATER;
                }
                store.recordSkipped(order, "order was " + order.status() + " before any charge");
                LOG.log(System.Logger.Level.INFO, "order " + orderId + " is " + order.status() + ": not charged");
                return Disposition.ACK;
            }
            outcome = late.get();
        } else {
            OrderStatus locked = store.beginAttempt(order);
            if (locked != OrderStatus.AWAITING_PAYMENT) {
                // Settled meanwhile (the reconciler, a callback): handle it as a delivery for a final order.
                return process(request);
            }
            Optional<PaymentStore.Outcome> charged;
            try {
                charged = charge(order);
            } catch (ShortCircuited e) {
                return Disposition.PROVIDER_OPEN;
            }
            if (charged.isEmpty()) {
                return Disposition.RETRY_LATER;
            }
            outcome = charged.get();
        }
        settle(order, outcome, 1);
        return Disposition.ACK;
    }

    /** Asks the provider; empty when the outcome stays unknown (recorded as such). */
    private Optional<PaymentStore.Outcome> charge(OrderRow order) throws SQLException {
        String key = order.id().toString();
        ChargeResult result;
        try {
            result = gateway.charge(new ChargeCommand(key, order.amountMinor(), order.currency(),
                    order.paymentMethodId(), key));
        } catch (ProviderUnavailableException e) {
            metrics.add(Name.PROVIDER_RETRIES, Math.max(0, e.attempts() - 1L));
            if (e.shortCircuited() && e.attempts() <= 1) {
                // Nothing (or only a call refused by the breaker) was sent: no charge can exist from this delivery.
                metrics.increment(Name.CHARGES_SHORT_CIRCUITED);
                throw new ShortCircuited();
            }
            metrics.increment(Name.CHARGES_UNKNOWN);
            LOG.log(System.Logger.Level.WARNING, "no answer from the provider for order " + key + ": "
                    + e.getMessage() + "; will be redelivered");
            store.recordUnknown(order, e.attempts(), truncate(e.getMessage()));
            return Optional.empty();
        }
        metrics.add(Name.PROVIDER_RETRIES, result.attempts() - 1L);
        return Optional.of(switch (result) {
            case ChargeResult.Succeeded s -> {
                metrics.increment(Name.CHARGES_SUCCEEDED);
                yield new PaymentStore.Outcome(ChargeRecord.Status.SUCCEEDED, s.chargeId(), null, null, s.attempts());
            }
            case ChargeResult.Declined d -> {
                metrics.increment(Name.CHARGES_DECLINED);
                yield new PaymentStore.Outcome(ChargeRecord.Status.DECLINED, d.chargeId(), d.declineCode(),
                        "card declined: " + d.declineCode(), d.attempts());
            }
            case ChargeResult.Rejected r -> {
                metrics.increment(Name.CHARGES_FAILED);
                LOG.log(System.Logger.Level.WARNING, "provider rejected the charge of order " + key + ": "
                        + r.reason());
                yield new PaymentStore.Outcome(ChargeRecord.Status.REJECTED, null, null,
                        truncate("payment provider rejected the charge: " + r.reason()), r.attempts());
            }
        });
    }

    /**
     * The order ended while our earlier attempt had no answer: ask the provider whether that attempt charged,
     * without charging anew. Empty while the provider cannot tell.
     */
    private Optional<PaymentStore.Outcome> reconcile(OrderRow order) {
        try {
            Optional<ProviderCharge> charge = gateway.findByIdempotencyKey(order.id().toString());
            if (charge.isEmpty()) {
                return Optional.of(new PaymentStore.Outcome(ChargeRecord.Status.SKIPPED, null, null,
                        "order was " + order.status() + "; the provider has no charge for it", 0));
            }
            ProviderCharge c = charge.get();
            return Optional.of(ProviderCharge.SUCCEEDED.equals(c.status())
                    ? new PaymentStore.Outcome(ChargeRecord.Status.SUCCEEDED, c.id(), null, null, 0)
                    : new PaymentStore.Outcome(ChargeRecord.Status.DECLINED, c.id(), c.declineCode(),
                    "card declined: " + c.declineCode(), 0));
        } catch (ProviderUnavailableException e) {
            return Optional.empty();
        }
    }

    /**
     * Records a known outcome and settles order and grid (idempotent).
     *
     * @param deliveries 1 when a payment request delivery does this, 0 for a provider callback
     */
    public void settle(OrderRow order, PaymentStore.Outcome outcome, int deliveries) throws SQLException {
        OrderStatus target = outcome.status() == ChargeRecord.Status.SUCCEEDED ? OrderStatus.PAID
                : OrderStatus.PAYMENT_FAILED;
        // SKIPPED (reconciled: nothing was charged) also goes through here: the order is final already, so only
        // the charge row changes.
        PaymentStore.Settled settled;
        try (var c = store.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try {
                settled = store.recordAndSettle(c, order, outcome, target, deliveries);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
        OrderStatus now = settled.now();
        LOG.log(System.Logger.Level.INFO, () -> "order " + order.id() + " settled: " + now + " (charge "
                + outcome.status() + (outcome.providerChargeId() != null ? " " + outcome.providerChargeId() : "")
                + (deliveries == 0 ? ", from the provider's callback" : "") + ")");
        if (now != target && outcome.status() != ChargeRecord.Status.SKIPPED) {
            // Settled otherwise before our answer came (e.g. expired while the provider was slow).
            metrics.increment(Name.SETTLEMENT_CONFLICTS);
            LOG.log(System.Logger.Level.WARNING, "order " + order.id() + " is " + now + " but the charge "
                    + outcome.providerChargeId() + " is " + outcome.status()
                    + (target == OrderStatus.PAID ? ": the fan was charged for an order that did not complete;"
                    + " refunding it" : ""));
        }
        if (settled.gridFollows()) {
            // Settled to this status and followed by the grid before (often the provider's callback, which
            // overtakes the charge's own answer): the grid step and its stamp would change nothing.
            metrics.increment(Name.GRID_ALREADY_FOLLOWING);
        } else {
            followGrid(order, now);
        }
        if (outcome.status() == ChargeRecord.Status.SUCCEEDED && now != OrderStatus.PAID) {
            // The debt was recorded with the outcome (same transaction); pay it back now. No answer: the
            // reconciler's refund sweep asks again with the same key.
            refunds.refund(order.id());
        }
    }

    /** Makes the grid follow the order's final status (sold, or back in stock), then marks the charge row settled. */
    public void followGrid(OrderRow order, OrderStatus now) throws SQLException {
        // The grid follows the order row, whatever decided it.
        HoldResult grid = now.keepsSeats()
                ? inventory.markSold(order.eventId(), order.holdId(), order.id().toString())
                : inventory.releaseForOrder(order.eventId(), order.holdId(), order.id().toString());
        if (!grid.done()) {
            metrics.increment(Name.SETTLEMENT_CONFLICTS);
            LOG.log(System.Logger.Level.WARNING, "hold " + order.holdId() + " of order " + order.id() + " could not"
                    + " follow the order to " + now + ": " + grid.outcome());
        }
        store.markSettled(order.id(), now);
    }

    /** The breaker refused the charge before any call of this delivery. */
    private static final class ShortCircuited extends RuntimeException {
        ShortCircuited() {
            super("provider circuit breaker open", null, false, false);
        }
    }

    private static String truncate(String text) {
        return text == null || text.length() <= 500 ? text : text.substring(0, 500);
    }
}
