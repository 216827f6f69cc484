package dev.floodgate.grid.queue;

/**
 * One event's waiting room, as stored in the grid and changed only by {@link QueueProcessors}. Positions start at 1;
 * fans at positions {@code <= admittedUpTo} are admitted. Admission is released in batches of {@code batchSize},
 * one batch every {@link #batchIntervalMillis()} ({@code batchSize} per {@code ratePerMinute} minutes), counted
 * from {@code lastAdmissionAtMillis}: the instant up to which elapsed time has already been turned into admissions.
 *
 * @param forfeited positions handed out to a racing duplicate join and never bound to a fan (counted out of "joined")
 */
public record QueueState(String eventId, QueueStatus status, long nextPosition, long admittedUpTo, int ratePerMinute,
                         int batchSize, long lastAdmissionAtMillis, long forfeited) {
    /** Grid map of each event's queue state (one entry per event). */
    public static final String MAP = "floodgate-queue-state";
    /** Grid map of fans' spots (one entry per fan and event). */
    public static final String SPOTS_MAP = "floodgate-queue-spots";

    public static final int MAX_RATE_PER_MINUTE = 1_000_000;
    public static final int MAX_BATCH_SIZE = 10_000;

    public QueueState {
        if (nextPosition < 1 || admittedUpTo < 0 || admittedUpTo > nextPosition - 1 || forfeited < 0) {
            throw new IllegalStateException("queue positions broken: next=" + nextPosition + " admitted="
                    + admittedUpTo + " forfeited=" + forfeited);
        }
        checkSettings(ratePerMinute, batchSize);
    }

    public static void checkSettings(int ratePerMinute, int batchSize) {
        if (ratePerMinute < 1 || ratePerMinute > MAX_RATE_PER_MINUTE) {
            throw new IllegalArgumentException("rate per minute must be 1.." + MAX_RATE_PER_MINUTE);
        }
        if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
            throw new IllegalArgumentException("batch size must be 1.." + MAX_BATCH_SIZE);
        }
    }

    /** A new event's queue: not open yet, nobody in it. */
    public static QueueState preQueue(String eventId, int ratePerMinute, int batchSize) {
        return new QueueState(eventId, QueueStatus.PRE_QUEUE, 1, 0, ratePerMinute, batchSize, 0, 0);
    }

    public long batchIntervalMillis() {
        return Math.max(1, Math.ceilDiv(batchSize * 60_000L, ratePerMinute));
    }

    /** Positions handed out so far (including forfeited ones). */
    public long issued() {
        return nextPosition - 1;
    }

    public long waiting() {
        return issued() - admittedUpTo;
    }

    public long joined() {
        return issued() - forfeited;
    }

    public boolean acceptsJoins() {
        return status != QueueStatus.CLOSED;
    }

    /** Hands out the next position. */
    public QueueState withJoin() {
        return new QueueState(eventId, status, nextPosition + 1, admittedUpTo, ratePerMinute, batchSize,
                lastAdmissionAtMillis, forfeited);
    }

    public QueueState withForfeit() {
        return new QueueState(eventId, status, nextPosition, admittedUpTo, ratePerMinute, batchSize,
                lastAdmissionAtMillis, forfeited + 1);
    }

    /**
     * Turns the time elapsed up to {@code nowMillis} into admitted batches; idempotent for the same or an earlier
     * time. Never admits past the last issued position, and banks no credit while nobody waits (a queue that sat
     * empty does not wave a later crowd in at once).
     */
    public QueueState advancedTo(long nowMillis) {
        if (status != QueueStatus.OPEN || nowMillis <= lastAdmissionAtMillis) {
            return this;
        }
        long interval = batchIntervalMillis();
        long batches = (nowMillis - lastAdmissionAtMillis) / interval;
        if (batches == 0) {
            return this;
        }
        long admitted = Math.min(issued(), admittedUpTo + Math.min(batches, issued()) * batchSize);
        long accountedUpTo = admitted == issued()
                ? nowMillis
                : lastAdmissionAtMillis + batches * interval;
        return new QueueState(eventId, status, nextPosition, admitted, ratePerMinute, batchSize, accountedUpTo,
                forfeited);
    }

    /** The state after moving to {@code target}, or null when that move is not allowed from here. */
    public QueueState movedTo(QueueStatus target, long nowMillis) {
        if (target == status) {
            return this;
        }
        boolean allowed = switch (target) {
            case OPEN -> status == QueueStatus.PRE_QUEUE || status == QueueStatus.PAUSED;
            case PAUSED -> status == QueueStatus.OPEN;
            case CLOSED -> true;
            case PRE_QUEUE -> false;
        };
        if (!allowed) {
            return null;
        }
        QueueState settled = advancedTo(nowMillis);
        // Opening or resuming releases the first batch at once, then one per interval; no credit from before.
        long accounted = target == QueueStatus.OPEN ? nowMillis - batchIntervalMillis() : nowMillis;
        return new QueueState(eventId, target, nextPosition, settled.admittedUpTo, ratePerMinute, batchSize,
                accounted, forfeited);
    }

    /** New settings from {@code nowMillis} on; time before it is admitted at the old rate. */
    public QueueState withSettings(int newRatePerMinute, int newBatchSize, long nowMillis) {
        QueueState settled = advancedTo(nowMillis);
        return new QueueState(eventId, status, nextPosition, settled.admittedUpTo, newRatePerMinute, newBatchSize,
                settled.lastAdmissionAtMillis, forfeited);
    }
}
