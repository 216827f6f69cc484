package dev.floodgate.grid.inventory;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.floodgate.grid.catalog.CategoryInfo;
import dev.floodgate.grid.catalog.EventInfo;
import dev.floodgate.grid.hold.Hold;
import dev.floodgate.grid.hold.HoldId;
import dev.floodgate.grid.hold.HoldProcessors;
import dev.floodgate.grid.hold.HoldResult;

import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Stock and holds of every category, striped over grid entries. All changes go through entry processors
 * ({@link HoldProcessors}); this class only picks the entry and passes the time in.
 */
public final class Inventory {
    public static final String MAP = "floodgate-stock";
    public static final int MAX_STRIPES = 64;

    private final IMap<StockKey, Stripe> stock;
    private final int stripes;
    private final Clock clock;

    public Inventory(HazelcastInstance hz, int stripes, Clock clock) {
        if (stripes < 1 || stripes > MAX_STRIPES) {
            throw new IllegalArgumentException("stripes must be 1.." + MAX_STRIPES);
        }
        this.stock = hz.getMap(MAP);
        this.stripes = stripes;
        this.clock = clock;
    }

    /** Creates the stock of every category of the event; categories that already have stock are left alone. */
    public void stock(EventInfo event) {
        for (CategoryInfo category : event.categories()) {
            for (int i = 0; i < stripes; i++) {
                int share = category.capacity() / stripes + (i < category.capacity() % stripes ? 1 : 0);
                stock.executeOnKey(new StockKey(event.eventId(), category.categoryId(), i),
                        new HoldProcessors.InitStripe(share));
            }
        }
    }

    /**
     * Holds {@code quantity} units for the fan, all or nothing. The same fan and request id always map to the same
     * hold id, so a retried request finds its hold instead of taking a second one.
     */
    public HoldResult hold(String eventId, String categoryId, String fanId, String requestId, int quantity,
                           Duration holdTtl) {
        long expiresAt = clock.millis() + holdTtl.toMillis();
        int first = Math.floorMod((fanId + '\n' + requestId).hashCode(), stripes);
        HoldResult last = HoldResult.of(HoldResult.Outcome.NOT_FOUND);
        for (int n = 0; n < stripes; n++) {
            int stripe = (first + n) % stripes;
            String holdId = HoldId.forRequest(categoryId, stripe, fanId, requestId).toString();
            last = stock.executeOnKey(new StockKey(eventId, categoryId, stripe),
                    new HoldProcessors.TakeHold(holdId, fanId, quantity, expiresAt));
            if (last.outcome() != HoldResult.Outcome.NOT_ENOUGH_STOCK) {
                return last;
            }
        }
        return last;
    }

    public Optional<Hold> find(String eventId, String holdId) {
        return key(eventId, holdId).map(k -> stock.executeOnKey(k, new HoldProcessors.ReadHold(holdId)));
    }

    public HoldResult release(String eventId, String holdId, String fanId) {
        return on(eventId, holdId, new HoldProcessors.ReleaseHold(holdId, fanId));
    }

    /** Marks the hold as being paid for by the order, keeping it at least until {@code checkoutTtl} from now. */
    public HoldResult markInCheckout(String eventId, String holdId, String fanId, String orderId, Duration checkoutTtl) {
        long now = clock.millis();
        return on(eventId, holdId, new HoldProcessors.MarkInCheckout(holdId, fanId, orderId, now,
                now + checkoutTtl.toMillis()));
    }

    public HoldResult markSold(String eventId, String holdId, String orderId) {
        return on(eventId, holdId, new HoldProcessors.MarkSold(holdId, orderId));
    }

    public HoldResult releaseForOrder(String eventId, String holdId, String orderId) {
        return on(eventId, holdId, new HoldProcessors.ReleaseForOrder(holdId, orderId));
    }

    public StockCounters counters(String eventId, String categoryId) {
        Set<StockKey> keys = new HashSet<>();
        for (int i = 0; i < stripes; i++) {
            keys.add(new StockKey(eventId, categoryId, i));
        }
        return stock.executeOnKeys(keys, new HoldProcessors.ReadCounters()).values().stream()
                .reduce(StockCounters.EMPTY, StockCounters::plus);
    }

    public StockCounters counters(EventInfo event) {
        return event.categories().stream().map(c -> counters(event.eventId(), c.categoryId()))
                .reduce(StockCounters.EMPTY, StockCounters::plus);
    }

    private HoldResult on(String eventId, String holdId,
                          com.hazelcast.map.EntryProcessor<StockKey, Stripe, HoldResult> processor) {
        return key(eventId, holdId).map(k -> stock.executeOnKey(k, processor))
                .orElse(HoldResult.of(HoldResult.Outcome.NOT_FOUND));
    }

    private Optional<StockKey> key(String eventId, String holdId) {
        return HoldId.parse(holdId).filter(id -> id.stripe() < stripes)
                .map(id -> new StockKey(eventId, id.categoryId(), id.stripe()));
    }
}
