package dev.floodgate.grid.inventory;

/**
 * What a capacity edit did. {@code TOO_LOW}: the new capacity is below what is held or sold now ({@code minimum}).
 */
public record CapacityChange(Outcome outcome, StockCounters counters, int minimum) {
    public enum Outcome { DONE, NOT_FOUND, TOO_LOW }
}
