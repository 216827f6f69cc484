package dev.floodgate.grid.stripe;

/** Key of one stripe of a category's stock; the stripes of a category spread over partitions by their hash. */
public record StockKey(String eventId, String categoryId, int stripe) {
}
