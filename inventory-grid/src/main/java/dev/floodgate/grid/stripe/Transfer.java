package dev.floodgate.grid.stripe;

/**
 * Units lent by one stripe to another of the same category and not yet confirmed as landed. The donor numbers its
 * transfers to each receiver 1, 2, 3...; the receiver remembers the highest number it has applied from each donor,
 * so delivering the same transfer again (a retry, a recovery sweep, a replayed backup) changes nothing.
 */
public record Transfer(int receiver, long seq, int units) {
}
