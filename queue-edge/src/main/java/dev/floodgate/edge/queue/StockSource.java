package dev.floodgate.edge.queue;

import dev.floodgate.grid.catalog.Catalog;
import dev.floodgate.grid.inventory.Inventory;
import dev.floodgate.grid.stripe.StockCounters;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** An event's stock summed over its categories, as admission sees it; empty when the event has no stock. */
@FunctionalInterface
public interface StockSource {
    Optional<StockCounters> read(String eventId);

    /** No stock known: admission by rate and cap only (waiting-room tests without an inventory). */
    static StockSource none() {
        return eventId -> Optional.empty();
    }

    /**
     * From the grid, each event's counters kept for {@code maxAge} on this edge (a status read must not read every
     * stripe of every category). Zero keeps nothing. When the counters are due, one caller reads them while the
     * others go on with the last ones (so they may be older than {@code maxAge} by one read of the stock; without
     * that, every request in flight at that moment read every stripe).
     */
    static StockSource cached(Catalog catalog, Inventory inventory, Duration maxAge) {
        long maxAgeNanos = maxAge.toNanos();
        record Seen(StockCounters counters, long atNanos) {
        }
        Map<String, Seen> seen = new ConcurrentHashMap<>();
        Set<String> reading = ConcurrentHashMap.newKeySet();
        return eventId -> {
            long now = System.nanoTime();
            Seen last = seen.get(eventId);
            if (last != null && now - last.atNanos < maxAgeNanos) {
                return Optional.of(last.counters);
            }
            if (last != null && maxAgeNanos > 0 && !reading.add(eventId)) {
                return Optional.of(last.counters);
            }
            Optional<StockCounters> fresh;
            try {
                fresh = catalog.find(eventId).map(inventory::counters);
            } finally {
                reading.remove(eventId);
            }
            fresh.ifPresent(c -> {
                if (seen.size() > 10_000) {
                    seen.clear();
                }
                seen.put(eventId, new Seen(c, now));
            });
            return fresh;
        };
    }
}
