package dev.floodgate.grid.hold;

import com.hazelcast.core.ReadOnly;
import com.hazelcast.map.EntryProcessor;
import dev.floodgate.grid.inventory.StockCounters;
import dev.floodgate.grid.inventory.StockKey;
import dev.floodgate.grid.inventory.Stripe;

import java.util.Map;
import java.util.function.Function;

/**
 * The entry processors that move stock: each runs on the partition thread that owns one stripe, so the change is
 * atomic. They carry every input (including the time), so the backup replica replays exactly the same change.
 */
public final class HoldProcessors {
    private HoldProcessors() {
    }

    /** Applies an operation to the stripe and writes it back only when something changed. */
    private static HoldResult apply(Map.Entry<StockKey, Stripe> entry, Function<Stripe, HoldResult> operation,
                                    boolean writeOnDone) {
        Stripe stripe = entry.getValue();
        if (stripe == null) {
            return HoldResult.of(HoldResult.Outcome.NOT_FOUND);
        }
        HoldResult result = operation.apply(stripe);
        if (writeOnDone && result.done()) {
            entry.setValue(stripe);
        }
        return result;
    }

    public record TakeHold(String holdId, String fanId, int quantity, long expiresAtMillis)
            implements EntryProcessor<StockKey, Stripe, HoldResult> {
        @Override
        public HoldResult process(Map.Entry<StockKey, Stripe> entry) {
            return apply(entry, s -> s.take(holdId, fanId, quantity, expiresAtMillis), true);
        }
    }

    public record ReleaseHold(String holdId, String fanId) implements EntryProcessor<StockKey, Stripe, HoldResult> {
        @Override
        public HoldResult process(Map.Entry<StockKey, Stripe> entry) {
            return apply(entry, s -> s.release(holdId, fanId), true);
        }
    }

    public record MarkInCheckout(String holdId, String fanId, String orderId, long nowMillis, long untilMillis)
            implements EntryProcessor<StockKey, Stripe, HoldResult> {
        @Override
        public HoldResult process(Map.Entry<StockKey, Stripe> entry) {
            return apply(entry, s -> s.markInCheckout(holdId, fanId, orderId, nowMillis, untilMillis), true);
        }
    }

    public record MarkSold(String holdId, String orderId) implements EntryProcessor<StockKey, Stripe, HoldResult> {
        @Override
        public HoldResult process(Map.Entry<StockKey, Stripe> entry) {
            return apply(entry, s -> s.markSold(holdId, orderId), true);
        }
    }

    public record ReleaseForOrder(String holdId, String orderId)
            implements EntryProcessor<StockKey, Stripe, HoldResult> {
        @Override
        public HoldResult process(Map.Entry<StockKey, Stripe> entry) {
            return apply(entry, s -> s.releaseForOrder(holdId, orderId), true);
        }
    }

    /** Returns to stock every hold of the stripe whose time has passed; answers the units returned. */
    public record ExpireHolds(long nowMillis) implements EntryProcessor<StockKey, Stripe, Integer> {
        @Override
        public Integer process(Map.Entry<StockKey, Stripe> entry) {
            Stripe stripe = entry.getValue();
            if (stripe == null) {
                return 0;
            }
            int returned = stripe.expire(nowMillis);
            if (returned > 0) {
                entry.setValue(stripe);
            }
            return returned;
        }
    }

    /** Creates the stripe with its share of the capacity if it does not exist yet; answers whether it did. */
    public record InitStripe(int capacity) implements EntryProcessor<StockKey, Stripe, Boolean> {
        @Override
        public Boolean process(Map.Entry<StockKey, Stripe> entry) {
            if (entry.getValue() != null) {
                return false;
            }
            entry.setValue(Stripe.empty(entry.getKey(), capacity));
            return true;
        }
    }

    /** Reads one hold without copying the whole stripe out of the grid. */
    public record ReadHold(String holdId) implements EntryProcessor<StockKey, Stripe, Hold>, ReadOnly {
        @Override
        public Hold process(Map.Entry<StockKey, Stripe> entry) {
            return entry.getValue() == null ? null : entry.getValue().hold(holdId);
        }

        @Override
        public EntryProcessor<StockKey, Stripe, Hold> getBackupProcessor() {
            return null;
        }
    }

    /** Reads a stripe's counters without copying its holds. */
    public record ReadCounters() implements EntryProcessor<StockKey, Stripe, StockCounters>, ReadOnly {
        @Override
        public StockCounters process(Map.Entry<StockKey, Stripe> entry) {
            return entry.getValue() == null ? StockCounters.EMPTY : entry.getValue().counters();
        }

        @Override
        public EntryProcessor<StockKey, Stripe, StockCounters> getBackupProcessor() {
            return null;
        }
    }
}
