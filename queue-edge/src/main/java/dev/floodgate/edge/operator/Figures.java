package dev.floodgate.edge.operator;

/**
 * {@code GET /api/operator/events/{id}/figures}. {@code joined}: fans with a spot; {@code waiting}: positions not
 * admitted yet; {@code admitted}: positions admitted so far; stock counters summed over all categories.
 */
public record Figures(String eventId, String queueStatus, long joined, long waiting, long admitted, int available,
                      int held, int sold, int capacity) {
}
