package dev.floodgate.grid.history;

/**
 * One event's figures at one moment, as the operator page charts them. {@code admitted}: places admitted so far;
 * {@code admittedPerMinute}: admissions over the minute before {@code atMillis}; stock summed over all categories.
 */
public record FigureSample(long atMillis, long waiting, long admitted, double admittedPerMinute, int held, int sold,
                           int available, int capacity) {
}
