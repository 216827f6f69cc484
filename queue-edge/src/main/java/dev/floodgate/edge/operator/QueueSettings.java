package dev.floodgate.edge.operator;

import dev.floodgate.contracts.error.ApiException;
import dev.floodgate.grid.queue.QueueState;

/** {@code PUT /api/operator/events/{id}/queue/settings} body (and the optional {@code queue} of a new event). */
public record QueueSettings(int ratePerMinute, int batchSize) {
    public QueueSettings {
        if (ratePerMinute < 1 || ratePerMinute > QueueState.MAX_RATE_PER_MINUTE) {
            throw ApiException.badRequest("must be 1.." + QueueState.MAX_RATE_PER_MINUTE, "ratePerMinute");
        }
        if (batchSize < 1 || batchSize > QueueState.MAX_BATCH_SIZE) {
            throw ApiException.badRequest("must be 1.." + QueueState.MAX_BATCH_SIZE, "batchSize");
        }
    }
}
