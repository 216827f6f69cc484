package dev.floodgate.edge.queue;

import java.time.Instant;

/**
 * Where a fan stands in one event's queue, as of one read.
 *
 * @param ticket             the fan's join number (1, 2, ...): fixed at join, the fan's receipt for the shuffle
 * @param place              1-based place in the queue; null in pre-queue (not shuffled yet)
 * @param fansAhead          places before the fan not admitted yet; null in pre-queue
 * @param estimatedWaitSeconds from the measured admission rate while the queue moves, else null
 * @param chance             estimated chance (0..1) of a ticket from this place; null when stock is unknown
 * @param admissionExpiresAt end of the fan's admission when admitted (also when it has passed), else null
 */
public record FanPlace(FanState state, long ticket, Long place, Long fansAhead, Long estimatedWaitSeconds,
                       Double chance, Instant admissionExpiresAt, boolean newlyJoined) {
    public enum FanState {
        /** The queue has not opened yet; the fan holds a ticket and gets a random place at opening. */
        PRE_QUEUE,
        /** The queue is open and the fan's turn has not come. */
        WAITING,
        /** The queue is paused by the operator. */
        PAUSED,
        /** No tickets are available now; admission resumes if held tickets return. */
        SOLD_OUT,
        /** The fan's turn came and the admission window is running. */
        ADMITTED,
        /**
         * An anonymous place's turn came: it must be bound to an account (sign in or sign up) within the grace time
         * to be admitted, else it yields its turn (ADMISSION_EXPIRED). No admission token is given meanwhile.
         */
        AWAITING_SIGN_IN,
        /** The fan's turn came and the window passed (or the fan left). */
        ADMISSION_EXPIRED,
        /** The queue closed before the fan's turn. */
        CLOSED;

        /** Nothing will change for the fan any more (a stream may end). */
        public boolean terminal() {
            return this == ADMISSION_EXPIRED || this == CLOSED;
        }
    }

    FanPlace withState(FanState newState, Instant expiresAt) {
        return new FanPlace(newState, ticket, place, fansAhead, estimatedWaitSeconds, chance, expiresAt, newlyJoined);
    }

    FanPlace joined(boolean newly) {
        return new FanPlace(state, ticket, place, fansAhead, estimatedWaitSeconds, chance, admissionExpiresAt, newly);
    }
}
