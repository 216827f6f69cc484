package dev.floodgate.grid.stripe;

/**
 * A category's stock as operators see it. Invariant: available + held + sold = capacity, none negative.
 */
public record StockCounters(int capacity, int available, int held, int sold) {
    public StockCounters {
        if (capacity < 0 || available < 0 || held < 0 || sold < 0 || available + held + sold != capacity) {
            throw new IllegalStateException("stock invariant broken: capacity=" + capacity + " available="
                    + available + " held=" + held + " sold=" + sold);
        }
    }

    public static final StockCounters EMPTY = new StockCounters(0, 0, 0, 0);

    public StockCounters plus(StockCounters other) {
        return new StockCounters(capacity + other.capacity, available + other.available, held + other.held,
                sold + other.sold);
    }

    public boolean soldOut() {
        return available == 0;
    }
}
