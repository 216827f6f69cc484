package dev.floodgate.grid.inventory;

import dev.floodgate.grid.stripe.StockCounters;

/**
 * One category's figures for operators and metrics gauges: the counters summed over its stripes, the stripe
 * count, the units in transit between stripes (already counted as available) and the capacity the catalog states.
 * {@link #consistent()} is the invariant: the grid's capacity is the catalog's, and available + held + sold equals
 * it (the latter is checked by {@link StockCounters} itself).
 */
public record CategoryStock(String eventId, String categoryId, int stripes, StockCounters counters, int inTransit,
                            int catalogCapacity) {
    public boolean consistent() {
        return counters.capacity() == catalogCapacity;
    }
}
