package dev.floodgate.edge.operator;

/**
 * {@code GET /api/operator/events/{id}/figures}. {@code joined}: fans with a spot; {@code waiting}: places not
 * admitted yet; {@code admitted}: places admitted so far; {@code activeShoppers}: admitted, admission running, not
 * left; {@code measuredRatePerMinute}: admissions over the last minute; {@code abandoned}: fans who left the queue;
 * {@code unboundPlaces}: anonymous places still in the queue, not bound to an account yet (joined counts them too);
 * {@code shoppersYetToHold}: active shoppers admitted within the reserve time who hold nothing yet, for whom
 * admission keeps stock back; stock counters summed over all categories; {@code ratePerMinute}, {@code batchSize},
 * {@code activeCap} (0 = no cap): the queue's current settings, shown beside their fields on the operator page.
 */
public record Figures(String eventId, String queueStatus, long joined, long waiting, long admitted,
                      long activeShoppers, double measuredRatePerMinute, long abandoned, long unboundPlaces,
                      int available, int held,
                      int sold, int capacity, long shoppersYetToHold, int ratePerMinute, int batchSize,
                      int activeCap) {
}
