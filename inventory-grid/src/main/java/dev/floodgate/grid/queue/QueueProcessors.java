package dev.floodgate.grid.queue;

import com.hazelcast.core.ReadOnly;
import com.hazelcast.map.EntryProcessor;

import java.util.Map;

/**
 * Every change to a queue runs as an entry processor on the partition that owns the event's state, so each is
 * atomic without locks or a leader. Processors carry all their inputs (including the time and the stock an edge
 * read), so a backup replays exactly the same change.
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

    /**
     * Takes the stock the caller read, hands out the next ticket unless the queue is closed or sold out, then opens
     * and admits what the time allows. Answers the state: the new ticket is its {@code issued()} when it
     * {@code acceptsJoins()}; null when there is no queue.
     */
    public record TakeTicket(long nowMillis, boolean stockKnown, int available, int held, int sold)
            implements EntryProcessor<String, QueueState, QueueState> {
        @Override
        public QueueState process(Map.Entry<String, QueueState> entry) {
            QueueState state = entry.getValue();
            if (state == null) {
                return null;
            }
            QueueState next = stockKnown ? state.withStock(available, held, sold) : state;
            if (next.acceptsJoins()) {
                // Join first, then admit: a fan joining an open queue with room now is admitted by this call.
                next = next.withJoin();
            }
            next = next.advancedTo(nowMillis);
            if (next != state) {
                entry.setValue(next);
            }
            return next;
        }
    }

    /** Records that a ticket lost a duplicate-join race and belongs to nobody. */
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

    /**
     * Takes the stock the caller read (when {@code stockKnown}), then opens and admits what the time allows
     * (writing only when that changes something); answers the state.
     */
    public record Advance(long nowMillis, boolean stockKnown, int available, int held, int sold)
            implements EntryProcessor<String, QueueState, QueueState> {
        public static Advance timeOnly(long nowMillis) {
            return new Advance(nowMillis, false, 0, 0, 0);
        }

        @Override
        public QueueState process(Map.Entry<String, QueueState> entry) {
            QueueState state = entry.getValue();
            if (state == null) {
                return null;
            }
            QueueState next = stockKnown ? state.withStock(available, held, sold) : state;
            next = next.advancedTo(nowMillis);
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

    public record ChangeSettings(int ratePerMinute, int batchSize, int activeCap, long nowMillis)
            implements EntryProcessor<String, QueueState, QueueState> {
        @Override
        public QueueState process(Map.Entry<String, QueueState> entry) {
            QueueState state = entry.getValue();
            if (state == null) {
                return null;
            }
            QueueState next = state.withSettings(ratePerMinute, batchSize, activeCap, nowMillis);
            entry.setValue(next);
            return next;
        }
    }

    /** Sets (or with 0 clears) the opening time; only before opening. Answers the state. */
    public record Schedule(long opensAtMillis, long nowMillis)
            implements EntryProcessor<String, QueueState, QueueState> {
        @Override
        public QueueState process(Map.Entry<String, QueueState> entry) {
            QueueState state = entry.getValue();
            if (state == null) {
                return null;
            }
            QueueState settled = state.advancedTo(nowMillis);
            QueueState next = settled.status() == QueueStatus.PRE_QUEUE ? settled.withSchedule(opensAtMillis) : settled;
            if (next != state) {
                entry.setValue(next);
            }
            return next;
        }
    }

    /** A fan at {@code place} left (their admission, if running, ends now). Answers the state. */
    public record Finish(long place, long nowMillis) implements EntryProcessor<String, QueueState, QueueState> {
        @Override
        public QueueState process(Map.Entry<String, QueueState> entry) {
            QueueState state = entry.getValue();
            if (state == null) {
                return null;
            }
            QueueState next = state.advancedTo(nowMillis).withFinished(place, nowMillis);
            if (next != state) {
                entry.setValue(next);
            }
            return next;
        }
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
