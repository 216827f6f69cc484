package dev.floodgate.edge.queue;

import java.util.List;

/**
 * {@code GET /api/events/{eventId}/queue/fairness}: what anyone needs to check the pre-queue shuffle. Before
 * opening: the commitment only. After: the seed (hex; its SHA-256 must equal the commitment), the pre-queue size n,
 * and a page of the order: {@code tickets[i]} holds place {@code from + i}. Tickets are join numbers; each fan sees
 * their own in their status, so a fan can check their place and anyone can recompute the whole order.
 */
public record FairnessView(String eventId, String algorithm, String commitment, String seed, Long preQueueSize,
                           String openedAt, long from, List<Long> tickets) {
}
