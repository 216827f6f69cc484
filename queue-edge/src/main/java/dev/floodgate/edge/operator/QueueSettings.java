package dev.floodgate.edge.operator;

import dev.floodgate.contracts.error.ApiException;
import dev.floodgate.grid.queue.QueueState;

/**
 * {@code PUT /api/operator/events/{id}/queue/settings} body (and the optional {@code queue} of a new event).
 * {@code activeCap}: most shoppers admitted and not done at once (0 = no cap; absent = unchanged, or 0 for a new
 * event).
 */
public record QueueSettings(int ratePerMinute, int batchSize, Integer activeCap) {
    public QueueSettings {
        if (ratePerMinute < 1 || ratePerMinute > QueueState.MAX_RATE_PER_MINUTE) {
            throw ApiException.badRequest("must be 1.." + QueueState.MAX_RATE_PER_MINUTE, "ratePerMinute");
        }
        if (batchSize < 1 || batchSize > QueueState.MAX_BATCH_SIZE) {
            throw ApiException.badRequest("must be 1.." + QueueState.MAX_BATCH_SIZE, "batchSize");
        }
        if (activeCap != null && (activeCap < 0 || activeCap > QueueState.MAX_ACTIVE_CAP)) {
            throw ApiException.badRequest("must be 0 (no cap).." + QueueState.MAX_ACTIVE_CAP, "activeCap");
        }
    }

    public QueueSettings(int ratePerMinute, int batchSize) {
        this(ratePerMinute, batchSize, null);
    }
}
