package dev.floodgate.grid.inventory;

import dev.floodgate.grid.hold.Hold;
import dev.floodgate.grid.hold.HoldResult;
import dev.floodgate.grid.hold.HoldStatus;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One stripe of a category's stock together with the holds taken from it. Stock and holds share one grid entry on
 * purpose: every change (hold, release, expiry, sale) is one entry-processor call on one partition, so the unit a
 * hold takes and the unit its expiry returns move atomically and exactly once, across backups and migrations too.
 *
 * <p>Mutable, but only ever changed inside an entry processor on its partition thread (the map stores it in OBJECT
 * format); everyone else gets copies.
 */
public final class Stripe {
    private final StockKey key;
    private int capacity;
    private int available;
    private int held;
    private int sold;
    private final Map<String, Hold> holds;

    public Stripe(StockKey key, int capacity, int available, int held, int sold, Collection<Hold> holds) {
        this.key = key;
        this.capacity = capacity;
        this.available = available;
        this.held = held;
        this.sold = sold;
        this.holds = new LinkedHashMap<>();
        for (Hold hold : holds) {
            this.holds.put(hold.holdId(), hold);
        }
        checkInvariant();
    }

    public static Stripe empty(StockKey key, int capacity) {
        return new Stripe(key, capacity, capacity, 0, 0, List.of());
    }

    public StockKey key() {
        return key;
    }

    public StockCounters counters() {
        return new StockCounters(capacity, available, held, sold);
    }

    public List<Hold> holds() {
        return List.copyOf(holds.values());
    }

    public Hold hold(String holdId) {
        return holds.get(holdId);
    }

    public HoldResult take(String holdId, String fanId, int quantity, long expiresAtMillis) {
        Hold existing = holds.get(holdId);
        if (existing != null) {
            return existing.fanId().equals(fanId) ? HoldResult.done(existing) : HoldResult.of(HoldResult.Outcome.NOT_YOURS);
        }
        if (available < quantity) {
            return HoldResult.of(HoldResult.Outcome.NOT_ENOUGH_STOCK);
        }
        Hold hold = new Hold(holdId, key.eventId(), key.categoryId(), fanId, quantity, HoldStatus.HELD, null,
                expiresAtMillis);
        holds.put(holdId, hold);
        available -= quantity;
        held += quantity;
        checkInvariant();
        return HoldResult.done(hold);
    }

    public HoldResult release(String holdId, String fanId) {
        Hold hold = holds.get(holdId);
        if (hold == null) {
            return HoldResult.of(HoldResult.Outcome.NOT_FOUND);
        }
        if (!hold.fanId().equals(fanId)) {
            return HoldResult.of(HoldResult.Outcome.NOT_YOURS);
        }
        if (hold.status() != HoldStatus.HELD) {
            return HoldResult.of(HoldResult.Outcome.WRONG_STATE, hold);
        }
        returnToStock(hold);
        return HoldResult.done(hold);
    }

    public HoldResult markInCheckout(String holdId, String fanId, String orderId, long nowMillis, long untilMillis) {
        Hold hold = holds.get(holdId);
        if (hold == null || hold.expiredAt(nowMillis)) {
            return HoldResult.of(HoldResult.Outcome.NOT_FOUND);
        }
        if (!hold.fanId().equals(fanId)) {
            return HoldResult.of(HoldResult.Outcome.NOT_YOURS);
        }
        if (hold.status() == HoldStatus.IN_CHECKOUT && orderId.equals(hold.orderId())) {
            return HoldResult.done(hold);
        }
        if (hold.status() != HoldStatus.HELD) {
            return HoldResult.of(HoldResult.Outcome.WRONG_STATE, hold);
        }
        Hold next = hold.inCheckout(orderId, Math.max(untilMillis, hold.expiresAtMillis()));
        holds.put(holdId, next);
        return HoldResult.done(next);
    }

    public HoldResult markSold(String holdId, String orderId) {
        Hold hold = holds.get(holdId);
        if (hold == null) {
            return HoldResult.of(HoldResult.Outcome.NOT_FOUND);
        }
        if (!orderId.equals(hold.orderId())) {
            return HoldResult.of(HoldResult.Outcome.WRONG_STATE, hold);
        }
        if (hold.status() == HoldStatus.SOLD) {
            return HoldResult.done(hold);
        }
        Hold next = hold.sold();
        holds.put(holdId, next);
        held -= hold.quantity();
        sold += hold.quantity();
        checkInvariant();
        return HoldResult.done(next);
    }

    public HoldResult releaseForOrder(String holdId, String orderId) {
        Hold hold = holds.get(holdId);
        if (hold == null) {
            // Already back in stock (expired or released earlier): releasing again changes nothing.
            return HoldResult.of(HoldResult.Outcome.DONE);
        }
        if (!orderId.equals(hold.orderId()) || hold.status() == HoldStatus.SOLD) {
            return HoldResult.of(HoldResult.Outcome.WRONG_STATE, hold);
        }
        returnToStock(hold);
        return HoldResult.done(hold);
    }

    /** Returns every hold whose time has passed to stock; the number of units returned. */
    public int expire(long nowMillis) {
        int returned = 0;
        for (Iterator<Hold> it = holds.values().iterator(); it.hasNext(); ) {
            Hold hold = it.next();
            if (hold.expiredAt(nowMillis)) {
                it.remove();
                available += hold.quantity();
                held -= hold.quantity();
                returned += hold.quantity();
            }
        }
        if (returned > 0) {
            checkInvariant();
        }
        return returned;
    }

    public List<Hold> expiredAt(long nowMillis) {
        List<Hold> expired = new ArrayList<>();
        for (Hold hold : holds.values()) {
            if (hold.expiredAt(nowMillis)) {
                expired.add(hold);
            }
        }
        return expired;
    }

    private void returnToStock(Hold hold) {
        holds.remove(hold.holdId());
        available += hold.quantity();
        held -= hold.quantity();
        checkInvariant();
    }

    private void checkInvariant() {
        if (available < 0 || held < 0 || sold < 0 || available + held + sold != capacity) {
            throw new IllegalStateException("stock invariant broken on " + key + ": capacity=" + capacity
                    + " available=" + available + " held=" + held + " sold=" + sold);
        }
    }

    // Package-private accessors for the serializer.
    int capacity() {
        return capacity;
    }

    int available() {
        return available;
    }

    int held() {
        return held;
    }

    int sold() {
        return sold;
    }
}
