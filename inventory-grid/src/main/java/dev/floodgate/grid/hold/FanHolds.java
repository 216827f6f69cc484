package dev.floodgate.grid.hold;

import com.hazelcast.map.EntryProcessor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * One fan's live holds in one event, in one grid entry (key {@link Key}), whichever stripes the holds are on: the
 * per-fan limit and idempotent retries are checked here atomically across concurrent requests.
 *
 * <p>Order of operations (so that a crash never leaves units held without a record): the record is written before
 * the stripe takes the units, and dropped only after the stripe gave them back (release, sale, release for an
 * order). A crash in between leaves a record without a hold, which only makes the fan's allowance smaller until the
 * record's time passes; it never lets a fan hold more. Records end by themselves at the hold's expiry (extended when
 * the hold goes into checkout), matching the sweep that returns the hold.
 */
public record FanHolds(Entry[] entries) {
    public static final String MAP = "floodgate-fan-holds";

    public record Key(String eventId, String fanId) {
    }

    public record Entry(String requestId, String holdId, int quantity, long expiresAtMillis) {
    }

    public enum Outcome { NEW, EXISTING, LIMIT_REACHED }

    /** What {@link Reserve} decided; {@code entry} is the fan's record of this request (null when refused). */
    public record Reservation(Outcome outcome, Entry entry, int unitsHeld) {
    }

    List<Entry> live(long nowMillis) {
        List<Entry> live = new ArrayList<>();
        for (Entry e : entries) {
            if (e.expiresAtMillis() > nowMillis) {
                live.add(e);
            }
        }
        return live;
    }

    static FanHolds of(List<Entry> entries) {
        return new FanHolds(entries.toArray(new Entry[0]));
    }

    private static List<Entry> live(Map.Entry<Key, FanHolds> entry, long nowMillis) {
        return entry.getValue() == null ? new ArrayList<>() : entry.getValue().live(nowMillis);
    }

    private static void write(Map.Entry<Key, FanHolds> entry, List<Entry> live) {
        entry.setValue(live.isEmpty() ? null : of(live));
    }

    /**
     * Records the request unless the fan's live units plus {@code quantity} exceed {@code maxPerFan}; a request id
     * seen before answers its earlier record.
     */
    public record Reserve(String requestId, String holdId, int quantity, int maxPerFan, long nowMillis,
                          long expiresAtMillis) implements EntryProcessor<Key, FanHolds, Reservation> {
        @Override
        public Reservation process(Map.Entry<Key, FanHolds> entry) {
            List<Entry> live = live(entry, nowMillis);
            int units = live.stream().mapToInt(Entry::quantity).sum();
            for (Entry e : live) {
                if (e.requestId().equals(requestId)) {
                    return new Reservation(Outcome.EXISTING, e, units);
                }
            }
            if (units + quantity > maxPerFan) {
                return new Reservation(Outcome.LIMIT_REACHED, null, units);
            }
            Entry mine = new Entry(requestId, holdId, quantity, expiresAtMillis);
            live.add(mine);
            write(entry, live);
            return new Reservation(Outcome.NEW, mine, units + quantity);
        }
    }

    /** The fan's live record of a request id, if any (read only). */
    public record Find(String requestId, long nowMillis)
            implements EntryProcessor<Key, FanHolds, Entry>, com.hazelcast.core.ReadOnly {
        @Override
        public Entry process(Map.Entry<Key, FanHolds> entry) {
            return live(entry, nowMillis).stream().filter(e -> e.requestId().equals(requestId)).findFirst()
                    .orElse(null);
        }

        @Override
        public EntryProcessor<Key, FanHolds, Entry> getBackupProcessor() {
            return null;
        }
    }

    /** Puts the record back if it is missing (after a retried request found or made its hold). */
    public record Ensure(Entry record, long nowMillis) implements EntryProcessor<Key, FanHolds, Boolean> {
        @Override
        public Boolean process(Map.Entry<Key, FanHolds> entry) {
            List<Entry> live = live(entry, nowMillis);
            if (live.stream().anyMatch(e -> e.holdId().equals(record.holdId()))) {
                return false;
            }
            live.add(record);
            write(entry, live);
            return true;
        }
    }

    /** Drops the record of a hold that went back to stock or was sold. */
    public record Forget(String holdId, long nowMillis) implements EntryProcessor<Key, FanHolds, Boolean> {
        @Override
        public Boolean process(Map.Entry<Key, FanHolds> entry) {
            if (entry.getValue() == null) {
                return false;
            }
            List<Entry> live = live(entry, nowMillis);
            boolean removed = live.removeIf(e -> e.holdId().equals(holdId));
            write(entry, live);
            return removed;
        }
    }

    /** Keeps the record at least until {@code untilMillis} (the hold went into checkout). */
    public record Extend(String holdId, long untilMillis, long nowMillis)
            implements EntryProcessor<Key, FanHolds, Boolean> {
        @Override
        public Boolean process(Map.Entry<Key, FanHolds> entry) {
            List<Entry> live = live(entry, nowMillis);
            boolean found = false;
            for (int i = 0; i < live.size(); i++) {
                Entry e = live.get(i);
                if (e.holdId().equals(holdId)) {
                    live.set(i, new Entry(e.requestId(), e.holdId(), e.quantity(),
                            Math.max(e.expiresAtMillis(), untilMillis)));
                    found = true;
                }
            }
            write(entry, live);
            return found;
        }
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
