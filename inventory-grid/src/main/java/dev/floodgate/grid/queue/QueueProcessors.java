package dev.floodgate.grid.queue;

import com.hazelcast.core.ReadOnly;
import com.hazelcast.map.EntryProcessor;

import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Every change to a queue runs as an entry processor on the partition that owns the event's state, so each is
 * atomic without locks or a leader. Processors carry all their inputs (including the time and the stock an edge
 * read), so a backup replays exactly the same change.
 */
public final class QueueProcessors {
    private QueueProcessors() {
    }

    /**
     * Applies {@code change} to the event's state and writes only when it changed something. No queue: null. A change
     * answering null is not allowed now: the state stays as it is and is answered.
     */
    private static QueueState update(Map.Entry<String, QueueState> entry, UnaryOperator<QueueState> change) {
        QueueState state = entry.getValue();
        if (state == null) {
            return null;
        }
        QueueState next = change.apply(state);
        if (next == null) {
            return state;
        }
        if (next != state) {
            entry.setValue(next);
        }
        return next;
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
            return update(entry, state -> {
                QueueState next = stockKnown ? state.withStock(available, held, sold) : state;
                if (next.acceptsJoins()) {
                    // Join first, then admit: a fan joining an open queue with room now is admitted by this call.
                    next = next.withJoin();
                }
                return next.advancedTo(nowMillis);
            });
        }
    }

    /**
     * {@link TakeTicket} for a caller that keeps its own recent copy of the state (an edge answering from copies):
     * the same change, but the answer is only what the join itself needs, not the whole state (whose serialization
     * both ways was a fifth of a join's cost). Null when there is no queue.
     */
    public record TakeTicketBrief(long nowMillis, boolean stockKnown, int available, int held, int sold)
            implements EntryProcessor<String, QueueState, Ticket> {
        @Override
        public Ticket process(Map.Entry<String, QueueState> entry) {
            QueueState after = new TakeTicket(nowMillis, stockKnown, available, held, sold).process(entry);
            return after == null ? null : new Ticket(after.acceptsJoins() ? after.issued() : 0, after.status(),
                    after.soldOut());
        }
    }

    /**
     * What {@link TakeTicketBrief} answers: the ticket taken (0 when none: closed or sold out), the queue's status
     * and whether it is sold out, after the call.
     */
    public record Ticket(long ticket, QueueStatus status, boolean soldOut) {
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
            return update(entry, state -> (stockKnown ? state.withStock(available, held, sold) : state).advancedTo(nowMillis));
        }
    }

    /** Moves the queue to {@code target}; answers the new state, or the unchanged one when not allowed. */
    public record Move(QueueStatus target, long nowMillis) implements EntryProcessor<String, QueueState, QueueState> {
        @Override
        public QueueState process(Map.Entry<String, QueueState> entry) {
            return update(entry, state -> state.movedTo(target, nowMillis));
        }
    }

    public record ChangeSettings(int ratePerMinute, int batchSize, int activeCap, long nowMillis)
            implements EntryProcessor<String, QueueState, QueueState> {
        @Override
        public QueueState process(Map.Entry<String, QueueState> entry) {
            return update(entry, state -> state.withSettings(ratePerMinute, batchSize, activeCap, nowMillis));
        }
    }

    /** Sets (or with 0 clears) the opening time; only before opening. Answers the state. */
    public record Schedule(long opensAtMillis, long nowMillis)
            implements EntryProcessor<String, QueueState, QueueState> {
        @Override
        public QueueState process(Map.Entry<String, QueueState> entry) {
            return update(entry, state -> {
                QueueState settled = state.advancedTo(nowMillis);
                return settled.status() == QueueStatus.PRE_QUEUE ? settled.withSchedule(opensAtMillis) : settled;
            });
        }
    }

    /**
     * A fan at {@code place} left (their admission, if running, ends now); {@code tookStock}: they had taken stock.
     * Answers the state.
     */
    public record Finish(long place, long nowMillis, boolean tookStock)
            implements EntryProcessor<String, QueueState, QueueState> {
        @Override
        public QueueState process(Map.Entry<String, QueueState> entry) {
            return update(entry, state -> state.advancedTo(nowMillis).withFinished(place, nowMillis, tookStock));
        }
    }

    /** The admitted fan at {@code place} took stock for the first time. Answers the state. */
    public record Took(long place, long nowMillis) implements EntryProcessor<String, QueueState, QueueState> {
        @Override
        public QueueState process(Map.Entry<String, QueueState> entry) {
            return update(entry, state -> state.advancedTo(nowMillis).withTook(place, nowMillis));
        }
    }

    /**
     * On a spot map entry (fan id to ticket): binds {@code ticket} to the fan unless the fan already holds an earlier
     * place, so one account keeps one place and binding more places never improves it or takes an admission away
     * (admitted places are the earliest). Earlier means the lower place: once the queue has opened, a pre-queue
     * ticket's place is its shuffled one ({@code seed}, {@code preQueueSize}); before opening (seed null), tickets
     * in the order they were taken. Answers {@code [kept, displaced]}: the ticket the fan holds after the call, and
     * the one it held before when the call replaced it (else 0). Atomic on the fan's key, so two edges binding two
     * places of one account end with one.
     */
    public record KeepEarlier(int ticket, byte[] seed, long preQueueSize)
            implements EntryProcessor<String, Integer, long[]> {
        public KeepEarlier {
            if (ticket < 1) {
                throw new IllegalArgumentException("ticket must be positive");
            }
        }

        /** The rank of a ticket: its place once the queue has opened, else the ticket itself. */
        long rank(long t) {
            if (seed == null || preQueueSize < 0 || t > preQueueSize) {
                return t;
            }
            return new Shuffle(seed, preQueueSize).shuffledIndex(t - 1) + 1;
        }

        @Override
        public long[] process(Map.Entry<String, Integer> entry) {
            Integer held = entry.getValue();
            if (held != null && rank(held) <= rank(ticket)) {
                return new long[] {held, 0};
            }
            entry.setValue(ticket);
            return new long[] {ticket, held == null ? 0 : held};
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
