package dev.floodgate.grid.queue;

import java.util.Arrays;

/**
 * One event's waiting room, as stored in the grid (one entry per event) and changed only by {@link QueueProcessors}.
 * Its size does not grow with the number of fans: a few counters, a 32-byte seed and a ring of
 * {@value #RING} admission buckets.
 *
 * <h2>Tickets and places</h2>
 * Every join takes the next ticket (1, 2, ...). Fans who joined before opening ({@code ticket <= preQueueSize})
 * get their place from the {@link Shuffle} of the seed at opening; later fans' place is their ticket (FIFO behind
 * the shuffled pre-queue). Places {@code <= admittedUpTo} are admitted. The seed's SHA-256 is published while the
 * queue is in pre-queue; the seed itself once it is open.
 *
 * <h2>Admission</h2>
 * Leaderless: whoever calls {@link #advancedTo} turns elapsed time into admissions, idempotently. Each
 * {@link #batchIntervalMillis()} releases up to {@code batchSize} places, and never more than
 * <ul>
 *   <li>the operator's cap on active shoppers minus those active now ({@link #active}: admitted, admission window
 *   not over, not finished early), and</li>
 *   <li>what the last reported stock can still serve ({@link #stockRoom}): available units, less what the active
 *   shoppers who have not taken stock yet are expected to take ({@link #awaitingTake}), divided by the measured
 *   tickets per admitted fan.</li>
 * </ul>
 * Time blocked by the cap or by stock banks no credit.
 *
 * <h2>Admission buckets</h2>
 * Admissions are counted in time buckets of {@code bucketMillis} ({@code windowMillis / (RING - 3)}); a place
 * admitted in bucket {@code b} is admitted "at" the bucket's end, its admission (and its token) run until
 * {@code (b + 1) * bucketMillis + windowMillis}, and it counts as an active shopper until then unless finished
 * early. The ring keeps the upper place of each bucket, so the end of any running admission is known without
 * storing anything per fan; per bucket it also counts the fans who finished early and those who took stock.
 */
public record QueueState(String eventId, QueueStatus status, long nextTicket, long admittedUpTo, int ratePerMinute,
                         int batchSize, long lastAdmissionAtMillis, long forfeited, int activeCap, long windowMillis,
                         long reserveMillis, long bucketMillis, long ringHead, long ringBase, long[] ringUpTo,
                         int[] ringDone, int[] ringTook, byte[] seed, long preQueueSize, long opensAtMillis, long openedAtMillis, boolean stockKnown,
                         int available, int held, int sold, long left) {
    /** Grid map of each event's queue state (one entry per event). */
    public static final String MAP = "floodgate-queue-state";
    /** Config pattern of the per-event spot maps: fan id to ticket ({@link #spotsMap(String)}). */
    public static final String SPOTS_MAP = "floodgate-queue-spots.*";

    public static final int MAX_RATE_PER_MINUTE = 1_000_000;
    public static final int MAX_BATCH_SIZE = 10_000;
    public static final int MAX_ACTIVE_CAP = 10_000_000;
    public static final int RING = 32;
    /** Fewer admitted fans than this and the tickets-per-fan figure is the prior (1), not a measurement. */
    public static final int MEASURE_AFTER_ADMITTED = 20;
    /** How long an admitted shopper who has taken nothing has stock reserved, unless configured otherwise. */
    public static final long DEFAULT_RESERVE_MILLIS = 120_000;
    /** Horizon of the measured admission rate. */
    public static final long RATE_HORIZON_MILLIS = 60_000;

    public QueueState {
        if (nextTicket < 1 || admittedUpTo < 0 || admittedUpTo > nextTicket - 1 || forfeited < 0 || left < 0) {
            throw new IllegalStateException("queue positions broken: next=" + nextTicket + " admitted="
                    + admittedUpTo + " forfeited=" + forfeited);
        }
        if (ringUpTo == null || ringUpTo.length != RING || ringDone == null || ringDone.length != RING
                || ringTook == null || ringTook.length != RING || reserveMillis < 1 || reserveMillis > windowMillis
                || seed == null || seed.length != Shuffle.SEED_BYTES || windowMillis < 1 || bucketMillis < 1) {
            throw new IllegalStateException("queue state malformed");
        }
        checkSettings(ratePerMinute, batchSize, activeCap);
    }

    /**
     * Config pattern of the per-event maps of admitted fans who took stock ({@link #tookMap(String)}: fan id to true,
     * expiring after twice the admission window): makes "took stock" count once per fan, and tells a leave it did.
     */
    public static final String TOOK_MAP = "floodgate-queue-took.*";

    /** The admitted fans of one event who took stock. */
    public static String tookMap(String eventId) {
        return TOOK_MAP.substring(0, TOOK_MAP.length() - 1) + eventId;
    }

    /** The spots of one event: fan id to ticket. */
    public static String spotsMap(String eventId) {
        return SPOTS_MAP.substring(0, SPOTS_MAP.length() - 1) + eventId;
    }

    public static void checkSettings(int ratePerMinute, int batchSize, int activeCap) {
        if (ratePerMinute < 1 || ratePerMinute > MAX_RATE_PER_MINUTE) {
            throw new IllegalArgumentException("rate per minute must be 1.." + MAX_RATE_PER_MINUTE);
        }
        if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
            throw new IllegalArgumentException("batch size must be 1.." + MAX_BATCH_SIZE);
        }
        if (activeCap < 0 || activeCap > MAX_ACTIVE_CAP) {
            throw new IllegalArgumentException("active cap must be 0 (none).." + MAX_ACTIVE_CAP);
        }
    }

    /** A new event's queue: not open yet, nobody in it; stock reserved for {@value #DEFAULT_RESERVE_MILLIS} ms. */
    public static QueueState preQueue(String eventId, int ratePerMinute, int batchSize, int activeCap,
                                      long windowMillis, byte[] seed) {
        return preQueue(eventId, ratePerMinute, batchSize, activeCap, windowMillis,
                Math.min(windowMillis, DEFAULT_RESERVE_MILLIS), seed);
    }

    /**
     * A new event's queue: not open yet, nobody in it.
     *
     * @param reserveMillis how long after admission a shopper who has taken nothing yet still has stock reserved
     *                      for them (1..windowMillis); see {@link #awaitingTake}
     */
    public static QueueState preQueue(String eventId, int ratePerMinute, int batchSize, int activeCap,
                                      long windowMillis, long reserveMillis, byte[] seed) {
        long bucket = Math.max(1, Math.ceilDiv(windowMillis, RING - 3));
        long[] upTo = new long[RING];
        return new QueueState(eventId, QueueStatus.PRE_QUEUE, 1, 0, ratePerMinute, batchSize, 0, 0, activeCap,
                windowMillis, reserveMillis, bucket, -1, 0, upTo, new int[RING], new int[RING], seed.clone(), -1, 0,
                0, false, 0, 0, 0, 0);
    }

    // ---- reading ----

    public long batchIntervalMillis() {
        return Math.max(1, Math.ceilDiv(batchSize * 60_000L, ratePerMinute));
    }

    /** Tickets handed out so far (including forfeited ones). */
    public long issued() {
        return nextTicket - 1;
    }

    public long waiting() {
        return issued() - admittedUpTo;
    }

    public long joined() {
        return issued() - forfeited;
    }

    public boolean opened() {
        return preQueueSize >= 0;
    }

    public boolean soldOut() {
        return stockKnown && available == 0;
    }

    public boolean acceptsJoins() {
        return status != QueueStatus.CLOSED && !soldOut();
    }

    /** Hex SHA-256 of the seed. */
    public String commitment() {
        return Shuffle.commitment(seed);
    }

    /** The seed, once the queue has opened (null before: only the commitment is public then). */
    public byte[] revealedSeed() {
        return opened() ? seed.clone() : null;
    }

    /** The 1-based place of a ticket, or 0 while the pre-queue is not shuffled yet. Costs 180 hashes in pre-queue. */
    public long placeOf(long ticket) {
        if (ticket > preQueueSize) {
            return opened() ? ticket : 0;
        }
        return new Shuffle(seed, preQueueSize).shuffledIndex(ticket - 1) + 1;
    }

    /** Shoppers admitted whose admission runs at {@code nowMillis} and who did not finish early. */
    public long active(long nowMillis) {
        long total = 0;
        for (long b = oldestBucket(); b <= ringHead && ringHead >= 0; b++) {
            if (b >= 0 && bucketEnd(b) + windowMillis > nowMillis) {
                total += count(b) - ringDone[slot(b)];
            }
        }
        return total;
    }

    /**
     * When the admission of an admitted place ends (also when that is past), or 0 when it ended long ago; -1 when
     * the place is not admitted.
     */
    public long admissionEndsAt(long place) {
        if (place < 1 || place > admittedUpTo) {
            return -1;
        }
        long b = bucketOf(place);
        return b < 0 ? 0 : bucketEnd(b) + windowMillis;
    }

    /** Admissions per second over the last minute (or since opening), from the ring; 0 when none. */
    public double measuredRatePerSecond(long nowMillis) {
        if (!opened() || ringHead < 0) {
            return 0;
        }
        long horizon = Math.max(RATE_HORIZON_MILLIS, 3 * bucketMillis);
        long from = nowMillis - horizon;
        long admitted = 0;
        for (long b = oldestBucket(); b <= ringHead; b++) {
            if (b >= 0 && bucketEnd(b) > from) {
                admitted += count(b);
            }
        }
        long elapsed = Math.min(horizon, Math.max(nowMillis - openedAtMillis, batchIntervalMillis()));
        return admitted * 1000.0 / Math.max(1, elapsed);
    }

    /** Tickets taken (held or sold) per admitted fan; the prior 1 until {@value #MEASURE_AFTER_ADMITTED} are in. */
    public double ticketsPerFan() {
        if (!stockKnown || admittedUpTo < MEASURE_AFTER_ADMITTED) {
            return 1.0;
        }
        return Math.max(0.1, (double) (held + sold) / admittedUpTo);
    }

    /**
     * Active shoppers who have not taken stock yet and were admitted less than {@code reserveMillis} ago (by
     * bucket). A shopper who took stock is out of it for good: what they hold is no longer available, what they
     * bought is sold, and a hold that expires comes back to stock for the queue. One who never takes anything stops
     * being waited for after {@code reserveMillis}, so abandoned admissions cannot keep the last tickets off sale
     * for the whole admission window.
     */
    public long awaitingTake(long nowMillis) {
        long total = 0;
        long reserve = Math.min(reserveMillis, windowMillis);
        for (long b = oldestBucket(); b <= ringHead && ringHead >= 0; b++) {
            if (b >= 0 && bucketEnd(b) + reserve > nowMillis) {
                int s = slot(b);
                total += Math.max(0, count(b) - ringDone[s] - ringTook[s]);
            }
        }
        return total;
    }

    /** Tickets the active shoppers are still expected to take (what they hold is already out of stock). */
    public double pendingDemand(long nowMillis) {
        return awaitingTake(nowMillis) * ticketsPerFan();
    }

    /** More fans the last reported stock can serve (Long.MAX_VALUE while no stock was reported). */
    public long stockRoom(long nowMillis) {
        if (!stockKnown) {
            return Long.MAX_VALUE;
        }
        double room = available - pendingDemand(nowMillis);
        return room <= 0 ? 0 : (long) Math.ceil(room / ticketsPerFan());
    }

    public long capRoom(long nowMillis) {
        return activeCap == 0 ? Long.MAX_VALUE : Math.max(0, activeCap - active(nowMillis));
    }

    // ---- changing ----

    /** Hands out the next ticket. */
    public QueueState withJoin() {
        return copy().nextTicket(nextTicket + 1).build();
    }

    public QueueState withForfeit() {
        return copy().forfeited(forfeited + 1).build();
    }

    /** The stock as a member reported it (counted over all categories). */
    public QueueState withStock(int newAvailable, int newHeld, int newSold) {
        if (stockKnown && newAvailable == available && newHeld == held && newSold == sold) {
            return this;
        }
        return copy().stock(newAvailable, newHeld, newSold).build();
    }

    /**
     * A fan left: if their admission is running it ends now (no longer an active shopper). {@code tookStock}: they
     * had taken stock ({@link #withTook}), so they move from "took" to "done" rather than counting twice.
     */
    public QueueState withFinished(long place, long nowMillis, boolean tookStock) {
        long ends = admissionEndsAt(place);
        if (ends < 0) {
            return copy().left(left + 1).build();
        }
        if (ends <= nowMillis) {
            return this;
        }
        int s = slot(bucketOf(place));
        Builder next = copy().left(left + 1);
        if (tookStock && next.ringTook[s] > 0) {
            next.ringTook[s]--;
        }
        if (next.ringDone[s] + next.ringTook[s] < count(bucketOf(place))) {
            next.ringDone[s]++;
        }
        return next.build();
    }

    /**
     * The admitted fan at {@code place} took stock for the first time (the caller sees to "first"): they no longer
     * have stock reserved for them ({@link #awaitingTake}). Nothing changes once their admission is over.
     */
    public QueueState withTook(long place, long nowMillis) {
        long ends = admissionEndsAt(place);
        if (ends <= nowMillis) {
            return this;
        }
        long b = bucketOf(place);
        int s = slot(b);
        if (ringDone[s] + ringTook[s] >= count(b)) {
            return this;
        }
        Builder next = copy();
        next.ringTook[s]++;
        return next.build();
    }

    public QueueState withSchedule(long newOpensAtMillis) {
        return copy().opensAt(newOpensAtMillis).build();
    }

    /**
     * Opens when the schedule says so, then turns the time elapsed up to {@code nowMillis} into admissions;
     * idempotent for the same or an earlier time.
     */
    public QueueState advancedTo(long nowMillis) {
        QueueState s = this;
        if (status == QueueStatus.PRE_QUEUE && opensAtMillis > 0 && nowMillis >= opensAtMillis) {
            s = s.openedAt(opensAtMillis);
        }
        return s.admitted(nowMillis);
    }

    private QueueState admitted(long nowMillis) {
        if (status != QueueStatus.OPEN || nowMillis <= lastAdmissionAtMillis) {
            return this;
        }
        long interval = batchIntervalMillis();
        long batches = (nowMillis - lastAdmissionAtMillis) / interval;
        if (batches == 0) {
            return this;
        }
        long byRate = Math.min(batches, issued() + 1) * batchSize;
        long k = Math.min(Math.min(byRate, waiting()), Math.min(capRoom(nowMillis), stockRoom(nowMillis)));
        // Held back by anything but the rate (nobody waits, cap, stock): bank no credit.
        long accountedUpTo = k < byRate ? nowMillis : lastAdmissionAtMillis + batches * interval;
        Builder next = copy().lastAdmissionAt(accountedUpTo);
        if (k > 0) {
            next.admit(k, nowMillis);
        }
        return next.build();
    }

    private QueueState openedAt(long atMillis) {
        // Opening releases the first batch at once, then one per interval.
        return copy().status(QueueStatus.OPEN).preQueueSize(issued()).openedAt(atMillis)
                .lastAdmissionAt(atMillis - batchIntervalMillis()).build();
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
        if (target == QueueStatus.OPEN && !settled.opened()) {
            return settled.openedAt(nowMillis);
        }
        if (target == QueueStatus.OPEN) {
            // Resuming releases a batch at once; no credit from the pause.
            return settled.copy().status(QueueStatus.OPEN).lastAdmissionAt(nowMillis - batchIntervalMillis()).build();
        }
        if (settled.status == target) {
            return settled;
        }
        return settled.copy().status(target).lastAdmissionAt(nowMillis).build();
    }

    /** New settings from {@code nowMillis} on; time before it is admitted with the old ones. */
    public QueueState withSettings(int newRatePerMinute, int newBatchSize, int newActiveCap, long nowMillis) {
        QueueState settled = advancedTo(nowMillis);
        return settled.copy().settings(newRatePerMinute, newBatchSize, newActiveCap).build();
    }

    // ---- the ring ----

    private int slot(long bucket) {
        return (int) Math.floorMod(bucket, RING);
    }

    private long oldestBucket() {
        return ringHead - RING + 1;
    }

    private long bucketEnd(long bucket) {
        return (bucket + 1) * bucketMillis;
    }

    private long upToAt(long bucket) {
        return bucket < oldestBucket() || bucket < 0 ? ringBase : ringUpTo[slot(bucket)];
    }

    private long count(long bucket) {
        return upToAt(bucket) - upToAt(bucket - 1);
    }

    /** The bucket a place was admitted in, or -1 when it has left the ring (ended long ago). */
    private long bucketOf(long place) {
        if (ringHead < 0 || place <= ringBase) {
            return -1;
        }
        for (long b = Math.max(0, oldestBucket()); b <= ringHead; b++) {
            if (upToAt(b) >= place) {
                return b;
            }
        }
        return -1;
    }

    // ---- copying ----

    private Builder copy() {
        return new Builder(this);
    }

    private static final class Builder {
        private final String eventId;
        private QueueStatus status;
        private long nextTicket;
        private long admittedUpTo;
        private int ratePerMinute;
        private int batchSize;
        private long lastAdmissionAtMillis;
        private long forfeited;
        private int activeCap;
        private final long windowMillis;
        private final long reserveMillis;
        private final long bucketMillis;
        private long ringHead;
        private long ringBase;
        private final long[] ringUpTo;
        private final int[] ringDone;
        private final int[] ringTook;
        private final byte[] seed;
        private long preQueueSize;
        private long opensAtMillis;
        private long openedAtMillis;
        private boolean stockKnown;
        private int available;
        private int held;
        private int sold;
        private long left;

        Builder(QueueState s) {
            eventId = s.eventId;
            status = s.status;
            nextTicket = s.nextTicket;
            admittedUpTo = s.admittedUpTo;
            ratePerMinute = s.ratePerMinute;
            batchSize = s.batchSize;
            lastAdmissionAtMillis = s.lastAdmissionAtMillis;
            forfeited = s.forfeited;
            activeCap = s.activeCap;
            windowMillis = s.windowMillis;
            reserveMillis = s.reserveMillis;
            bucketMillis = s.bucketMillis;
            ringHead = s.ringHead;
            ringBase = s.ringBase;
            ringUpTo = Arrays.copyOf(s.ringUpTo, RING);
            ringDone = Arrays.copyOf(s.ringDone, RING);
            ringTook = Arrays.copyOf(s.ringTook, RING);
            seed = s.seed;
            preQueueSize = s.preQueueSize;
            opensAtMillis = s.opensAtMillis;
            openedAtMillis = s.openedAtMillis;
            stockKnown = s.stockKnown;
            available = s.available;
            held = s.held;
            sold = s.sold;
            left = s.left;
        }

        Builder status(QueueStatus v) {
            status = v;
            return this;
        }

        Builder nextTicket(long v) {
            nextTicket = v;
            return this;
        }

        Builder forfeited(long v) {
            forfeited = v;
            return this;
        }

        Builder left(long v) {
            left = v;
            return this;
        }

        Builder lastAdmissionAt(long v) {
            lastAdmissionAtMillis = v;
            return this;
        }

        Builder preQueueSize(long v) {
            preQueueSize = v;
            return this;
        }

        Builder openedAt(long v) {
            openedAtMillis = v;
            return this;
        }

        Builder opensAt(long v) {
            opensAtMillis = v;
            return this;
        }

        Builder settings(int rate, int batch, int cap) {
            ratePerMinute = rate;
            batchSize = batch;
            activeCap = cap;
            return this;
        }

        Builder stock(int newAvailable, int newHeld, int newSold) {
            stockKnown = true;
            available = newAvailable;
            held = newHeld;
            sold = newSold;
            return this;
        }

        /** Admits {@code k} more places in the bucket of {@code nowMillis}, rolling the ring forward. */
        void admit(long k, long nowMillis) {
            long bucket = nowMillis / bucketMillis;
            if (ringHead < 0) {
                Arrays.fill(ringUpTo, admittedUpTo);
                ringBase = admittedUpTo;
                ringHead = bucket;
            } else if (bucket > ringHead) {
                long carried = ringUpTo[(int) Math.floorMod(ringHead, RING)];
                // The bucket leaving the ring becomes the base (it is inside the old ring unless all of it rolls out).
                ringBase = bucket - ringHead >= RING ? carried : ringUpTo[(int) Math.floorMod(bucket - RING, RING)];
                for (long b = Math.max(ringHead + 1, bucket - RING + 1); b <= bucket; b++) {
                    ringUpTo[(int) Math.floorMod(b, RING)] = carried;
                    ringDone[(int) Math.floorMod(b, RING)] = 0;
                    ringTook[(int) Math.floorMod(b, RING)] = 0;
                }
                ringHead = bucket;
            }
            // A late caller (earlier clock) lands in the newest bucket: ends are never earlier than stated.
            admittedUpTo += k;
            ringUpTo[(int) Math.floorMod(ringHead, RING)] = admittedUpTo;
        }

        QueueState build() {
            return new QueueState(eventId, status, nextTicket, admittedUpTo, ratePerMinute, batchSize,
                    lastAdmissionAtMillis, forfeited, activeCap, windowMillis, reserveMillis, bucketMillis, ringHead,
                    ringBase, ringUpTo, ringDone, ringTook, seed, preQueueSize, opensAtMillis, openedAtMillis,
                    stockKnown, available, held, sold, left);
        }
    }
}
