package dev.floodgate.grid.queue;

import com.hazelcast.core.ReadOnly;
import com.hazelcast.map.EntryProcessor;

import java.util.Map;

/**
 * Every change to a queue runs as an entry processor on the partition that owns the event's state, so each is
 * atomic without locks or a leader. Processors carry all their inputs (including the time), so a backup replays
 * exactly the same change.
 */
public final class QueueProcessors {
    private QueueProcessors() {
    }

    /** Creates the queue unless it exists; answers the stored state. */
    public record Create(QueueState initial) implements EntryProcessor<String, QueueState, QueueState> {
        @Override
        public QueueState process(Map.Entry<String, QueueState> entry) {
            if (entry.getValue() != null) {
                return entry.getValue();
            }
            entry.setValue(initial);
            return initial;
        }
    }

    /** Hands out the next position; answers it, 0 when the queue is closed, -1 when there is no queue. */
    public record TakePosition() implements EntryProcessor<String, QueueState, Long> {
        @Override
        public Long process(Map.Entry<String, QueueState> entry) {
            QueueState state = entry.getValue();
            if (state == null) {
                return -1L;
            }
            if (!state.acceptsJoins()) {
                return 0L;
            }
            entry.setValue(state.withJoin());
            return state.nextPosition();
        }
    }

    /** Records that a position lost a duplicate-join race and belongs to nobody. */
    public record Forfeit() implements EntryProcessor<String, QueueState, Boolean> {
        @Override
        public Boolean process(Map.Entry<String, QueueState> entry) {
            if (entry.getValue() == null) {
                return false;
            }
            entry.setValue(entry.getValue().withForfeit());
            return true;
        }
    }

    /** Admits what the time allows (writing only when that changes something); answers the state. */
    public record Advance(long nowMillis) implements EntryProcessor<String, QueueState, QueueState> {
        @Override
        public QueueState process(Map.Entry<String, QueueState> entry) {
            QueueState state = entry.getValue();
            if (state == null) {
                return null;
            }
            QueueState next = state.advancedTo(nowMillis);
            if (next != state) {
                entry.setValue(next);
            }
            return next;
        }
    }

    /** Moves the queue to {@code target}; answers the new state, or the unchanged one when not allowed. */
    public record Move(QueueStatus target, long nowMillis) implements EntryProcessor<String, QueueState, QueueState> {
        @Override
        public QueueState process(Map.Entry<String, QueueState> entry) {
            QueueState state = entry.getValue();
            if (state == null) {
                return null;
            }
            QueueState next = state.movedTo(target, nowMillis);
            if (next == null) {
                return state;
            }
            if (next != state) {
                entry.setValue(next);
            }
            return next;
        }
    }

    public record ChangeSettings(int ratePerMinute, int batchSize, long nowMillis)
            implements EntryProcessor<String, QueueState, QueueState> {
        @Override
        public QueueState process(Map.Entry<String, QueueState> entry) {
            QueueState state = entry.getValue();
            if (state == null) {
                return null;
            }
            QueueState next = state.withSettings(ratePerMinute, batchSize, nowMillis);
            entry.setValue(next);
            return next;
        }
    }

    /** Binds the time of admission to a spot the first time it is seen admitted; answers the spot. */
    public record StampAdmission(long nowMillis) implements EntryProcessor<SpotKey, Spot, Stamped> {
        @Override
        public Stamped process(Map.Entry<SpotKey, Spot> entry) {
            Spot spot = entry.getValue();
            if (spot == null || spot.admissionStamped()) {
                return new Stamped(spot, false);
            }
            Spot stamped = new Spot(spot.position(), nowMillis);
            entry.setValue(stamped);
            return new Stamped(stamped, true);
        }
    }

    /** A spot after {@link StampAdmission}, and whether this call was the one that stamped it. */
    public record Stamped(Spot spot, boolean justNow) {
    }

    /** Reads a queue's state without a write or a backup. */
    public record Read() implements EntryProcessor<String, QueueState, QueueState>, ReadOnly {
        @Override
        public QueueState process(Map.Entry<String, QueueState> entry) {
            return entry.getValue();
        }

        @Override
        public EntryProcessor<String, QueueState, QueueState> getBackupProcessor() {
            return null;
        }
    }
}
