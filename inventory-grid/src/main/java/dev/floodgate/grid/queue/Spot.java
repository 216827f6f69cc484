package dev.floodgate.grid.queue;

/**
 * A fan's place in one event's queue.
 *
 * @param admittedAtMillis when the edge first saw this fan admitted (0 = not yet); fixes the admission token's
 *                         expiry so polling never extends it
 */
public record Spot(long position, long admittedAtMillis) {
    public boolean admissionStamped() {
        return admittedAtMillis != 0;
    }
}
