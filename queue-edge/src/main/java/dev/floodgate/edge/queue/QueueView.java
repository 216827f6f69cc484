package dev.floodgate.edge.queue;

import java.time.Instant;

/**
 * Body of {@code GET/POST /api/events/{eventId}/queue}. {@code admissionToken} is present only while ADMITTED;
 * {@code estimatedWaitSeconds} only while the queue is open (null otherwise).
 */
public record QueueView(String state, long position, long fansAhead, Long estimatedWaitSeconds,
                        String admissionToken, Instant admissionExpiresAt) {
}
