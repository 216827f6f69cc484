package dev.floodgate.edge.operator;

import java.time.Instant;

/** {@code PUT /api/operator/events/{id}/queue/schedule} body: when the queue opens by itself (null: no schedule). */
public record QueueSchedule(Instant opensAt) {
}
