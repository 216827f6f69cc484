package dev.floodgate.grid.inventory;

import dev.floodgate.grid.stripe.StockCounters;

/**
 * What a capacity edit did. {@code TOO_LOW}: the new capacity is below what is held or sold now ({@code minimum}).
 */
public record CapacityChange(Outcome outcome, StockCounters counters, int minimum) {
    /** {@code SEATED}: a seated category's capacity is its seat count; edit its seats instead. */
    public enum Outcome { DONE, NOT_FOUND, TOO_LOW, SEATED }
}
