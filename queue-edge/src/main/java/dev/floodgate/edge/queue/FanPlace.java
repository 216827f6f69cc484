package dev.floodgate.edge.queue;

import java.time.Instant;

/**
 * Where a fan stands in one event's queue, as of one read.
 *
 * @param admissionExpiresAt end of the fan's admission window when admitted (also when it has passed), else null
 * @param estimatedWaitSeconds a rough wait while the queue is open and the fan waits, else null
 */
public record FanPlace(FanState state, long position, long fansAhead, Long estimatedWaitSeconds,
                       Instant admissionExpiresAt, boolean newlyJoined) {
    public enum FanState {
        /** The queue has not opened yet; the fan holds a spot. */
        PRE_QUEUE,
        /** The queue is open and the fan's turn has not come. */
        WAITING,
        /** The queue is paused by the operator. */
        PAUSED,
        /** The fan's turn came and the admission window is running. */
        ADMITTED,
        /** The fan's turn came and the window passed. */
        ADMISSION_EXPIRED,
        /** The queue closed before the fan's turn. */
        CLOSED
    }
}
