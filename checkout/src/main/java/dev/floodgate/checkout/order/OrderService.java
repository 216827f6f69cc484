package dev.floodgate.checkout.order;

import dev.floodgate.checkout.admission.Caller;
import dev.floodgate.contracts.error.ApiException;
import dev.floodgate.contracts.error.ErrorCode;
import dev.floodgate.contracts.order.OrderStatus;
import dev.floodgate.contracts.payment.PaymentRequest;
import dev.floodgate.grid.catalog.Catalog;
import dev.floodgate.grid.catalog.CategoryInfo;
import dev.floodgate.grid.catalog.EventInfo;
import dev.floodgate.grid.hold.Hold;
import dev.floodgate.grid.hold.HoldResult;
import dev.floodgate.grid.hold.HoldStatus;
import dev.floodgate.grid.inventory.Inventory;
import dev.floodgate.orders.Order;
import dev.floodgate.runtime.log.Redact;
import dev.floodgate.runtime.log.RequestId;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Turns a hold into an order. The hold is reserved for the order in the grid first, then the order and its payment
 * request commit together in PostgreSQL. The order id is derived from the fan and the idempotency key, so a retry
 * after any failure finds the same reservation and the same order instead of making a second one.
 */
public final class OrderService {
    private static final System.Logger LOG = System.getLogger(OrderService.class.getName());
    private final Catalog catalog;
    private final Inventory inventory;
    private final OrderStore store;
    private final String paymentTopic;
    private final Duration holdExtension;
    private final Clock clock;
    private final Runnable afterCommit;

    public OrderService(Catalog catalog, Inventory inventory, OrderStore store, String paymentTopic,
                        Duration holdExtension, Clock clock, Runnable afterCommit) {
        this.catalog = catalog;
        this.inventory = inventory;
        this.store = store;
        this.paymentTopic = paymentTopic;
        this.holdExtension = holdExtension;
        this.clock = clock;
        this.afterCommit = afterCommit;
    }

    /** The order and whether this call created it (false: an earlier call with the same key did). */
    public record Placed(Order order, boolean created) {
    }

    public Placed place(Caller caller, String idempotencyKey, PlaceOrder request) {
        var earlier = store.findByKey(caller.fanId(), idempotencyKey);
        if (earlier.isPresent()) {
            if (!earlier.get().holdId().equals(request.holdId())) {
                throw ApiException.of(422, "this idempotency key was used for another order", "Idempotency-Key")
                        .withCode(ErrorCode.IDEMPOTENCY_KEY_REUSED);
            }
            return new Placed(earlier.get(), false);
        }
        EventInfo event = catalog.find(request.eventId())
                .orElseThrow(() -> ApiException.notFound("no such event: " + request.eventId()));
        // One grid step reads and reserves the hold (it checks the fan, the expiry and the state itself).
        UUID orderId = orderId(caller.fanId(), idempotencyKey);
        HoldResult reserved = inventory.markInCheckout(event.eventId(), request.holdId(), caller.fanId(),
                orderId.toString(), holdExtension);
        switch (reserved.outcome()) {
            case DONE -> { }
            case NOT_FOUND, NOT_YOURS -> throw ApiException.of(404, "hold not found or expired", "holdId")
                    .withCode(ErrorCode.HOLD_NOT_FOUND);
            case WRONG_STATE -> throw reserved.hold() != null && reserved.hold().status() == HoldStatus.SOLD
                    ? ApiException.conflict("this hold is already sold").withCode(ErrorCode.HOLD_UNAVAILABLE)
                    : ApiException.conflict("this hold is already being paid for by another order")
                            .withCode(ErrorCode.HOLD_UNAVAILABLE);
            case NOT_ENOUGH_STOCK, LIMIT_REACHED ->
                    throw new IllegalStateException("stock outcome on a checkout transition");
        }
        Hold hold = reserved.hold();
        CategoryInfo category = event.category(hold.categoryId())
                .orElseThrow(() -> new IllegalStateException("hold of an unknown category " + hold.categoryId()));

        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS); // PostgreSQL keeps micros
        long amount = Math.multiplyExact(category.priceMinor(), (long) hold.quantity());
        Order order = new Order(orderId, caller.fanId(), event.eventId(), category.categoryId(), hold.holdId(),
                hold.quantity(), amount, category.currency(), OrderStatus.AWAITING_PAYMENT, request.buyer().name(),
                request.buyer().email(), request.paymentMethodId(), idempotencyKey, null, now, now, null,
                hold.seats());
        PaymentRequest payment = new PaymentRequest(orderId.toString());
        try {
            Order stored = store.insert(order, paymentTopic, payment, RequestId.current().orElse(null));
            afterCommit.run();
            boolean placed = stored.id().equals(orderId);
            if (placed) {
                LOG.log(System.Logger.Level.INFO, () -> "order " + orderId + " placed by " + Redact.fan(caller.fanId())
                        + ": hold " + hold.holdId() + ", " + hold.quantity() + " of " + event.eventId() + "/"
                        + category.categoryId() + ", " + amount + " " + category.currency() + ", awaiting payment");
            }
            return new Placed(stored, placed);
        } catch (OrderStore.HoldTaken e) {
            throw ApiException.conflict("this hold is already being paid for by another order")
                    .withCode(ErrorCode.HOLD_UNAVAILABLE);
        } catch (OrderStore.SeatTaken e) {
            throw ApiException.conflict("a seat of this hold is already in another order")
                    .withCode(ErrorCode.SEAT_TAKEN);
        }
    }

    static UUID orderId(String fanId, String idempotencyKey) {
        return UUID.nameUUIDFromBytes(("order\n" + fanId + "\n" + idempotencyKey).getBytes(StandardCharsets.UTF_8));
    }
}
