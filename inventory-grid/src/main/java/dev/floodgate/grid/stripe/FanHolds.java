package dev.floodgate.grid.stripe;

import com.hazelcast.map.EntryProcessor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * One fan's live holds in one event: the per-fan limit and idempotent retries are checked against it atomically
 * across concurrent requests. It is kept inside the fan's <em>home stripe</em> (one stripe of the event's most
 * striped category, picked from the fan id: {@code Inventory#homeKey}), not in an entry of its own, so that a hold
 * of that category (the hot one in a drop) is one entry processor: the record and the units change together.
 *
 * <p>A hold on another stripe (another category, or a seat section) is two steps, in an order that never lets a
 * crash leave units held without a record: the record is written in the home stripe before the other stripe takes
 * the units, and dropped only after the stripe gave them back (release, sale, release for an order). A crash in
 * between leaves a record without a hold, which only makes the fan's allowance smaller until the record's time
 * passes; it never lets a fan hold more. Records end by themselves at the hold's expiry (extended when the hold goes
 * into checkout), matching the sweep that returns the hold.
 */
public record FanHolds(Entry[] entries) {
    public record Entry(String requestId, String holdId, int quantity, long expiresAtMillis) {
    }

    public enum Outcome { NEW, EXISTING, LIMIT_REACHED }

    /** What {@link Reserve} decided; {@code entry} is the fan's record of this request (null when refused). */
    public record Reservation(Outcome outcome, Entry entry, int unitsHeld) {
    }

    /** The live records of {@code records} (null: none) at {@code nowMillis}, as a list to change. */
    public static List<Entry> live(FanHolds records, long nowMillis) {
        List<Entry> live = new ArrayList<>(records == null ? 1 : records.entries.length + 1);
        if (records != null) {
            for (Entry e : records.entries) {
                if (e.expiresAtMillis() > nowMillis) {
                    live.add(e);
                }
            }
        }
        return live;
    }

    /** Whether any of the records still runs at {@code nowMillis} (no allocation: the sweep asks it of every fan). */
    public static boolean anyLive(FanHolds records, long nowMillis) {
        for (Entry e : records.entries) {
            if (e.expiresAtMillis() > nowMillis) {
                return true;
            }
        }
        return false;
    }

    /** The records to store for {@code live}: null when there are none. */
    public static FanHolds of(List<Entry> live) {
        return live.isEmpty() ? null : new FanHolds(live.toArray(new Entry[0]));
    }

    public static int units(List<Entry> live) {
        int units = 0;
        for (Entry e : live) {
            units += e.quantity();
        }
        return units;
    }

    public static Entry byRequest(List<Entry> live, String requestId) {
        for (Entry e : live) {
            if (e.requestId().equals(requestId)) {
                return e;
            }
        }
        return null;
    }

    public static Entry byHold(List<Entry> live, String holdId) {
        for (Entry e : live) {
            if (e.holdId().equals(holdId)) {
                return e;
            }
        }
        return null;
    }

    /**
     * Records the request unless the fan's live units plus {@code quantity} exceed {@code maxPerFan}; a request id
     * seen before answers its earlier record. Pure: the caller stores {@code live} when the outcome is NEW.
     */
    public static Reservation reserve(List<Entry> live, String requestId, String holdId, int quantity, int maxPerFan,
                                      long expiresAtMillis) {
        int units = units(live);
        Entry earlier = byRequest(live, requestId);
        if (earlier == null) {
            earlier = byHold(live, holdId); // a record restored by a rebuild names the hold, not the request
        }
        if (earlier != null) {
            return new Reservation(Outcome.EXISTING, earlier, units);
        }
        if (units + quantity > maxPerFan) {
            return new Reservation(Outcome.LIMIT_REACHED, null, units);
        }
        Entry mine = new Entry(requestId, holdId, quantity, expiresAtMillis);
        live.add(mine);
        return new Reservation(Outcome.NEW, mine, units + quantity);
    }

    private static List<Entry> live(Map.Entry<StockKey, Stripe> entry, String fanId, long nowMillis) {
        return live(entry.getValue().fanHolds(fanId), nowMillis);
    }

    private static void write(Map.Entry<StockKey, Stripe> entry, String fanId, List<Entry> live) {
        entry.getValue().setFanHolds(fanId, of(live));
        entry.setValue(entry.getValue());
    }

    /** On the fan's home stripe: {@link #reserve} for a hold that another stripe will take. */
    public record Reserve(String fanId, String requestId, String holdId, int quantity, int maxPerFan, long nowMillis,
                          long expiresAtMillis) implements EntryProcessor<StockKey, Stripe, Reservation> {
        @Override
        public Reservation process(Map.Entry<StockKey, Stripe> entry) {
            if (entry.getValue() == null) {
                return null; // no home stripe: the event has no stock in the grid
            }
            List<Entry> live = live(entry, fanId, nowMillis);
            Reservation r = reserve(live, requestId, holdId, quantity, maxPerFan, expiresAtMillis);
            if (r.outcome() == Outcome.NEW) {
                write(entry, fanId, live);
            }
            return r;
        }
    }

    /** On the fan's home stripe: the fan's live record of a request id, if any (read only). */
    public record Find(String fanId, String requestId, long nowMillis)
            implements EntryProcessor<StockKey, Stripe, Entry>, com.hazelcast.core.ReadOnly {
        @Override
        public Entry process(Map.Entry<StockKey, Stripe> entry) {
            return entry.getValue() == null ? null : byRequest(live(entry, fanId, nowMillis), requestId);
        }

        @Override
        public EntryProcessor<StockKey, Stripe, Entry> getBackupProcessor() {
            return null;
        }
    }

    /** On the fan's home stripe: puts the record back if it is missing (a retried request found its hold). */
    public record Ensure(String fanId, Entry record, long nowMillis) implements EntryProcessor<StockKey, Stripe, Boolean> {
        @Override
        public Boolean process(Map.Entry<StockKey, Stripe> entry) {
            if (entry.getValue() == null) {
                return false;
            }
            List<Entry> live = live(entry, fanId, nowMillis);
            if (live.stream().anyMatch(e -> e.holdId().equals(record.holdId()))) {
                return false;
            }
            live.add(record);
            write(entry, fanId, live);
            return true;
        }
    }

    /** On the fan's home stripe: drops the record of a hold that went back to stock or was sold. */
    public record Forget(String fanId, String holdId, long nowMillis)
            implements EntryProcessor<StockKey, Stripe, Boolean> {
        @Override
        public Boolean process(Map.Entry<StockKey, Stripe> entry) {
            if (entry.getValue() == null || entry.getValue().fanHolds(fanId) == null) {
                return false;
            }
            List<Entry> live = live(entry, fanId, nowMillis);
            boolean removed = live.removeIf(e -> e.holdId().equals(holdId));
            write(entry, fanId, live);
            return removed;
        }
    }

    /** On the fan's home stripe: keeps the record at least until {@code untilMillis} (the hold went into checkout). */
    public record Extend(String fanId, String holdId, long untilMillis, long nowMillis)
            implements EntryProcessor<StockKey, Stripe, Boolean> {
        @Override
        public Boolean process(Map.Entry<StockKey, Stripe> entry) {
            if (entry.getValue() == null) {
                return false;
            }
            List<Entry> live = live(entry, fanId, nowMillis);
            boolean found = extend(live, holdId, untilMillis);
            write(entry, fanId, live);
            return found;
        }
    }

    /** Keeps the record of {@code holdId} in {@code live} at least until {@code untilMillis}; whether it was there. */
    public static boolean extend(List<Entry> live, String holdId, long untilMillis) {
        boolean found = false;
        for (int i = 0; i < live.size(); i++) {
            Entry e = live.get(i);
            if (e.holdId().equals(holdId)) {
                live.set(i, new Entry(e.requestId(), e.holdId(), e.quantity(),
                        Math.max(e.expiresAtMillis(), untilMillis)));
                found = true;
            }
        }
        return found;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FanHolds f && Arrays.equals(entries, f.entries);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(entries);
    }

    @Override
    public String toString() {
        return "FanHolds" + Arrays.toString(entries);
    }
}
