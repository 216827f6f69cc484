package dev.floodgate.grid.stripe;

import dev.floodgate.grid.hold.Hold;
import dev.floodgate.grid.hold.HoldResult;
import dev.floodgate.grid.hold.HoldStatus;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One stripe of a category's stock together with the holds taken from it. Stock and holds share one grid entry on
 * purpose: every change (hold, release, expiry, sale) is one entry-processor call on one partition, so the unit a
 * hold takes and the unit its expiry returns move atomically and exactly once, across backups and migrations too.
 *
 * <p>Stripes of one category lend each other stock when one runs dry. A loan is two steps on two entries, made
 * exactly-once without a distributed transaction: the donor takes the units out of its own capacity and records the
 * loan as an outbound {@link Transfer} numbered per receiver (1, 2, 3...); the receiver adds the units only for
 * numbers above the highest it has applied from that donor, and remembers the new highest; the donor then drops
 * the loans the receiver confirmed. Until then the units count as "in flight" (available, on the donor's books), so
 * the category's counters stay exact at every step, and whoever finds a pending loan (the borrower, or any
 * member's sweep after a crash) may deliver it again without ever adding a unit twice.
 *
 * <p>A stripe of a seated category is one section: it also keeps the section's seat ids and each seat's state
 * (available, held, sold), changed in the same step as the hold that takes, returns or sells the seat. Seats are not
 * fungible, so seated stripes never lend.
 *
 * <p>A stripe of the event's most striped category is also the <em>home</em> of some of the event's fans: it keeps their
 * {@link FanHolds} records (per-fan limit, retries). A hold taken on the fan's home stripe changes its record in the
 * same step ({@link #takeAtHome}); returning, selling or expiring a hold drops its record when it is here.
 *
 * <p>Mutable, but only ever changed inside an entry processor on its partition thread (the map stores it in OBJECT
 * format); everyone else gets copies.
 */
public final class Stripe {
    private final StockKey key;
    private int capacity;
    private int available;
    private int held;
    private int sold;
    private final Map<String, Hold> holds;
    /** The loans to and from the category's other stripes (see the class comment). */
    private final StripeLoans loans;
    /** Ids of recent one-off operations (loans, capacity and seat edits), so a retried call is not applied twice. */
    private final LinkedHashMap<String, Long> recentOps;
    static final int RECENT_OPS = 256;

    public static final byte SEAT_AVAILABLE = 0;
    public static final byte SEAT_HELD = 1;
    public static final byte SEAT_SOLD = 2;
    /** The section's seats (seated categories), else null. */
    private final StripeSeats seats;
    /** Records of the fans whose home this stripe is, by fan id (see {@link FanHolds}). */
    private final Map<String, FanHolds> fans;

    public Stripe(StockKey key, int capacity, int available, int held, int sold, Collection<Hold> holds) {
        this(key, capacity, available, held, sold, holds, List.of(), Map.of(), Map.of(), Map.of(), null, null,
                Map.of());
    }

    Stripe(StockKey key, int capacity, int available, int held, int sold, Collection<Hold> holds,
           List<Transfer> outbound, Map<Integer, Long> lastLentTo, Map<Integer, Long> lastAppliedFrom,
           Map<String, Long> recentOps, String[] seatIds, byte[] seatStates, Map<String, FanHolds> fans) {
        this.key = key;
        this.capacity = capacity;
        this.available = available;
        this.held = held;
        this.sold = sold;
        this.holds = new LinkedHashMap<>();
        for (Hold hold : holds) {
            this.holds.put(hold.holdId(), hold);
        }
        this.loans = new StripeLoans(outbound, lastLentTo, lastAppliedFrom);
        this.recentOps = new LinkedHashMap<>(recentOps);
        if ((seatIds == null) != (seatStates == null)) {
            throw new IllegalArgumentException("seat ids and seat states go together");
        }
        this.seats = seatIds == null ? null : new StripeSeats(seatIds, seatStates);
        this.fans = new java.util.HashMap<>(fans);
        checkInvariant();
    }

    public static Stripe empty(StockKey key, int capacity) {
        return new Stripe(key, capacity, capacity, 0, 0, List.of());
    }

    /** A section of a seated category: every seat available. */
    public static Stripe seated(StockKey key, String[] seatIds) {
        return new Stripe(key, seatIds.length, seatIds.length, 0, 0, List.of(), List.of(), Map.of(), Map.of(),
                Map.of(), seatIds.clone(), new byte[seatIds.length], Map.of());
    }

    /**
     * A section rebuilt from its seats and the holds on them (a cold grid): seats of in-checkout holds held, of sold
     * holds sold, the others available. Throws if a hold names a seat not in the section or a seat twice.
     */
    public static Stripe seatedWith(StockKey key, String[] seatIds, Collection<Hold> holds) {
        Stripe s = seated(key, seatIds);
        for (Hold hold : holds) {
            byte state = hold.status() == HoldStatus.SOLD ? SEAT_SOLD : SEAT_HELD;
            for (String seat : hold.seats()) {
                int i = s.seats.indexOf(seat);
                if (i < 0 || s.seats.state(i) != SEAT_AVAILABLE) {
                    throw new IllegalArgumentException("rebuild of " + key + ": seat " + seat
                            + " unknown or in two holds");
                }
                s.seats.set(i, state);
            }
            s.holds.put(hold.holdId(), hold);
            s.available -= hold.quantity();
            if (state == SEAT_SOLD) {
                s.sold += hold.quantity();
            } else {
                s.held += hold.quantity();
            }
        }
        s.checkInvariant();
        return s;
    }

    public boolean isSeated() {
        return seats != null;
    }

    // ---- seats -----------------------------------------------------------------------------------------------

    /**
     * Holds the given seats of this section for the fan, all or nothing: any seat unknown ({@code UNKNOWN_SEAT}) or
     * not available ({@code SEAT_TAKEN}, naming the seats) and nothing changes. The same hold id again with the same
     * seats answers the hold (a retry); with other seats it is {@code WRONG_STATE}.
     */
    public HoldResult takeSeats(String holdId, String fanId, String[] seats, long expiresAtMillis) {
        Hold existing = holds.get(holdId);
        if (existing != null) {
            if (!existing.fanId().equals(fanId)) {
                return HoldResult.of(HoldResult.Outcome.NOT_YOURS);
            }
            return existing.seats().equals(List.of(seats)) ? HoldResult.done(existing)
                    : HoldResult.of(HoldResult.Outcome.WRONG_STATE, existing);
        }
        if (this.seats == null || seats.length == 0) {
            return HoldResult.of(HoldResult.Outcome.NOT_FOUND);
        }
        List<String> unknown = new ArrayList<>();
        List<String> taken = new ArrayList<>();
        int[] at = new int[seats.length];
        for (int i = 0; i < seats.length; i++) {
            int index = this.seats.indexOf(seats[i]);
            if (index < 0) {
                unknown.add(seats[i]);
                continue;
            }
            at[i] = index;
            if (this.seats.state(index) != SEAT_AVAILABLE) {
                taken.add(seats[i]);
            }
            for (int j = 0; j < i; j++) {
                if (at[j] == index) {
                    throw new IllegalArgumentException("seat " + seats[i] + " asked for twice");
                }
            }
        }
        if (!unknown.isEmpty()) {
            return HoldResult.seats(HoldResult.Outcome.UNKNOWN_SEAT, unknown);
        }
        if (!taken.isEmpty()) {
            return HoldResult.seats(HoldResult.Outcome.SEAT_TAKEN, taken);
        }
        for (int index : at) {
            this.seats.set(index, SEAT_HELD);
        }
        Hold hold = new Hold(holdId, key.eventId(), key.categoryId(), fanId, seats.length, HoldStatus.HELD, null,
                expiresAtMillis, List.of(seats));
        holds.put(holdId, hold);
        available -= seats.length;
        held += seats.length;
        checkInvariant();
        return HoldResult.done(hold);
    }

    /** A copy of the seat ids (null: not seated). */
    public String[] seatIds() {
        return seats == null ? null : seats.ids();
    }

    /** A copy of the seat states, same order as {@link #seatIds()}. */
    public byte[] seatStates() {
        return seats == null ? null : seats.states();
    }

    /**
     * Adds and removes seats of this section, all or nothing, idempotent by {@code opId}: answers the seats at fault
     * (added ones that exist, removed ones unknown or not available), empty when done. Added seats go to the end.
     */
    public List<String> editSeats(String opId, String[] add, String[] remove) {
        if (seats == null) {
            throw new IllegalStateException(key + " is not seated");
        }
        if (recentOps.containsKey(opId)) {
            return List.of();
        }
        List<String> fault = seats.faults(add, remove);
        if (!fault.isEmpty()) {
            return fault;
        }
        int before = seats.size();
        seats.edit(add, remove);
        int delta = seats.size() - before;
        capacity += delta;
        available += delta;
        remember(opId, 0);
        checkInvariant();
        return List.of();
    }

    private void markSeats(Hold hold, byte state) {
        if (seats != null) {
            seats.mark(hold.seats(), state, hold.holdId(), key);
        }
    }

    // ---- loans between stripes -------------------------------------------------------------------------------

    /**
     * Lends up to {@code want} available units to stripe {@code receiver}. Idempotent by {@code opId}: a retried
     * call gives nothing more and answers the pending loans again.
     */
    public Lent lend(String opId, int receiver, int want) {
        if (receiver == key.stripe() || want <= 0 || seats != null) {
            return Lent.none();
        }
        if (recentOps.containsKey(opId)) {
            return loans.pendingTo(receiver, 0);
        }
        int give = Math.min(available, want);
        if (give == 0) {
            return loans.pendingTo(receiver, 0);
        }
        long seq = loans.lend(receiver, give);
        available -= give;
        capacity -= give;
        remember(opId, seq);
        checkInvariant();
        return loans.pendingTo(receiver, give);
    }

    /** The loans to {@code receiver} not confirmed yet. */
    public Lent pendingTo(int receiver, int given) {
        return loans.pendingTo(receiver, given);
    }

    /** Receivers this stripe has unconfirmed loans to. */
    public List<Integer> pendingReceivers() {
        return loans.pendingReceivers();
    }

    /**
     * Applies the loans of stripe {@code donor} numbered above the last one applied, in order, stopping at a gap.
     * Answers the number of the last loan applied from that donor (what the donor may now forget).
     */
    public long receive(int donor, long[] seqs, int[] units) {
        long[] applied = loans.receive(donor, seqs, units);
        if (applied[1] > 0) {
            capacity += (int) applied[1];
            available += (int) applied[1];
            checkInvariant();
        }
        return applied[0];
    }

    /** Forgets the loans to {@code receiver} numbered up to {@code upTo}: the receiver has them. */
    public boolean settle(int receiver, long upTo) {
        return loans.settle(receiver, upTo);
    }

    /** Units lent by this stripe and not yet confirmed by their receiver: available stock, in transit. */
    public int inFlight() {
        return loans.inFlight();
    }

    // ---- capacity edits --------------------------------------------------------------------------------------

    /** Adds units to this stripe's capacity (and to available). Idempotent by {@code opId}. */
    public boolean addCapacity(String opId, int units) {
        if (seats != null) {
            throw new IllegalStateException(key + " is seated: add seats instead");
        }
        if (recentOps.containsKey(opId)) {
            return false;
        }
        capacity += units;
        available += units;
        remember(opId, 0);
        checkInvariant();
        return true;
    }

    /**
     * Removes {@code units} of available stock from the capacity, all or nothing; idempotent by {@code opId}.
     * Answers whether the units are removed (now or by an earlier call with the same id).
     */
    public boolean removeCapacity(String opId, int units) {
        if (seats != null) {
            throw new IllegalStateException(key + " is seated: remove seats instead");
        }
        if (recentOps.containsKey(opId)) {
            return true;
        }
        if (available < units) {
            return false;
        }
        capacity -= units;
        available -= units;
        remember(opId, 0);
        checkInvariant();
        return true;
    }

    private void remember(String opId, long value) {
        recentOps.put(opId, value);
        if (recentOps.size() > RECENT_OPS) {
            Iterator<String> oldest = recentOps.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
    }

    public StockKey key() {
        return key;
    }

    /** This stripe's part of its category, units it lent and not yet confirmed counted as available. */
    public StockCounters counters() {
        int transit = inFlight();
        return new StockCounters(capacity + transit, available + transit, held, sold);
    }

    public List<Hold> holds() {
        return List.copyOf(holds.values());
    }

    public Hold hold(String holdId) {
        return holds.get(holdId);
    }

    public HoldResult take(String holdId, String fanId, int quantity, long expiresAtMillis) {
        Hold existing = holds.get(holdId);
        if (existing != null) {
            return existing.fanId().equals(fanId) ? HoldResult.done(existing) : HoldResult.of(HoldResult.Outcome.NOT_YOURS);
        }
        return takeNew(holdId, fanId, quantity, expiresAtMillis);
    }

    /** {@link #take} of a hold id the stripe does not have. */
    private HoldResult takeNew(String holdId, String fanId, int quantity, long expiresAtMillis) {
        if (seats != null) {
            return HoldResult.of(HoldResult.Outcome.WRONG_STATE); // a seated section holds named seats only
        }
        if (available < quantity) {
            return HoldResult.of(HoldResult.Outcome.NOT_ENOUGH_STOCK);
        }
        Hold hold = new Hold(holdId, key.eventId(), key.categoryId(), fanId, quantity, HoldStatus.HELD, null,
                expiresAtMillis);
        holds.put(holdId, hold);
        available -= quantity;
        held += quantity;
        checkInvariant();
        return HoldResult.done(hold);
    }

    /**
     * A hold on the fan's home stripe, in one step with the fan's record: a request id seen before answers its hold
     * (or {@code WRONG_STATE} when it named another hold), the fan's live units plus {@code quantity} may not exceed
     * {@code maxPerFan} ({@code LIMIT_REACHED}: {@link FanHolds#reserve}, the rule a hold on another stripe is checked
     * by too), then as {@link #take}. The record is written only with the hold.
     */
    public HoldResult takeAtHome(String requestId, String holdId, String fanId, int quantity, int maxPerFan,
                                 long nowMillis, long expiresAtMillis) {
        List<FanHolds.Entry> live = FanHolds.live(fans.get(fanId), nowMillis);
        Hold existing = holds.get(holdId);
        if (existing != null) {
            if (!existing.fanId().equals(fanId)) {
                return HoldResult.of(HoldResult.Outcome.NOT_YOURS);
            }
            // Put back a record lost with a rebuild; a sold hold no longer counts (its sale dropped the record).
            if (existing.status() != HoldStatus.SOLD && FanHolds.byHold(live, holdId) == null) {
                live.add(new FanHolds.Entry(requestId, holdId, existing.quantity(), existing.expiresAtMillis()));
                fans.put(fanId, FanHolds.of(live));
            }
            return HoldResult.done(existing);
        }
        FanHolds.Entry earlier = FanHolds.byRequest(live, requestId);
        if (earlier != null && !earlier.holdId().equals(holdId)) {
            return HoldResult.of(HoldResult.Outcome.WRONG_STATE); // the request id was used for another hold
        }
        // The hold is not here, so any record of it is stale (its hold went back to stock): taken afresh below.
        live.removeIf(e -> e.holdId().equals(holdId));
        FanHolds.Reservation reservation = FanHolds.reserve(live, requestId, holdId, quantity, maxPerFan,
                expiresAtMillis);
        if (reservation.outcome() == FanHolds.Outcome.LIMIT_REACHED) {
            return HoldResult.of(HoldResult.Outcome.LIMIT_REACHED);
        }
        HoldResult result = takeNew(holdId, fanId, quantity, expiresAtMillis);
        if (result.done()) {
            fans.put(fanId, FanHolds.of(live)); // the record and the units, in one step
        }
        return result;
    }

    /** The records of a fan whose home this stripe is (null: none). */
    public FanHolds fanHolds(String fanId) {
        return fans.get(fanId);
    }

    /** Replaces a fan's records (null: drops them). */
    public void setFanHolds(String fanId, FanHolds records) {
        if (records == null) {
            fans.remove(fanId);
        } else {
            fans.put(fanId, records);
        }
    }

    /** Drops the record of a hold that left the stripe, when its fan's home is here; otherwise the caller does. */
    private void forgetRecord(Hold hold) {
        FanHolds records = fans.get(hold.fanId());
        if (records == null) {
            return;
        }
        List<FanHolds.Entry> kept = new ArrayList<>(records.entries().length);
        for (FanHolds.Entry e : records.entries()) {
            if (!e.holdId().equals(hold.holdId())) {
                kept.add(e);
            }
        }
        setFanHolds(hold.fanId(), FanHolds.of(kept));
    }

    Map<String, FanHolds> fans() {
        return fans;
    }

    public HoldResult release(String holdId, String fanId) {
        Hold hold = holds.get(holdId);
        if (hold == null) {
            return HoldResult.of(HoldResult.Outcome.NOT_FOUND);
        }
        if (!hold.fanId().equals(fanId)) {
            return HoldResult.of(HoldResult.Outcome.NOT_YOURS);
        }
        if (hold.status() != HoldStatus.HELD) {
            return HoldResult.of(HoldResult.Outcome.WRONG_STATE, hold);
        }
        returnToStock(hold);
        return HoldResult.done(hold);
    }

    public HoldResult markInCheckout(String holdId, String fanId, String orderId, long nowMillis, long untilMillis) {
        Hold hold = holds.get(holdId);
        if (hold == null || hold.expiredAt(nowMillis)) {
            return HoldResult.of(HoldResult.Outcome.NOT_FOUND);
        }
        if (!hold.fanId().equals(fanId)) {
            return HoldResult.of(HoldResult.Outcome.NOT_YOURS);
        }
        if (hold.status() == HoldStatus.IN_CHECKOUT && orderId.equals(hold.orderId())) {
            return HoldResult.done(hold);
        }
        if (hold.status() != HoldStatus.HELD) {
            return HoldResult.of(HoldResult.Outcome.WRONG_STATE, hold);
        }
        Hold next = hold.inCheckout(orderId, Math.max(untilMillis, hold.expiresAtMillis()));
        holds.put(holdId, next);
        FanHolds records = fans.get(fanId);
        if (records != null) {
            List<FanHolds.Entry> live = FanHolds.live(records, nowMillis);
            FanHolds.extend(live, holdId, next.expiresAtMillis());
            setFanHolds(fanId, FanHolds.of(live));
        }
        return HoldResult.done(next);
    }

    public HoldResult markSold(String holdId, String orderId) {
        Hold hold = holds.get(holdId);
        if (hold == null) {
            return HoldResult.of(HoldResult.Outcome.NOT_FOUND);
        }
        if (!orderId.equals(hold.orderId())) {
            return HoldResult.of(HoldResult.Outcome.WRONG_STATE, hold);
        }
        if (hold.status() == HoldStatus.SOLD) {
            return HoldResult.done(hold);
        }
        Hold next = hold.sold();
        holds.put(holdId, next);
        forgetRecord(hold);
        markSeats(hold, SEAT_SOLD);
        held -= hold.quantity();
        sold += hold.quantity();
        checkInvariant();
        return HoldResult.done(next);
    }

    public HoldResult releaseForOrder(String holdId, String orderId) {
        Hold hold = holds.get(holdId);
        if (hold == null) {
            // Already back in stock (expired or released earlier): releasing again changes nothing.
            return HoldResult.of(HoldResult.Outcome.DONE);
        }
        if (!orderId.equals(hold.orderId()) || hold.status() == HoldStatus.SOLD) {
            return HoldResult.of(HoldResult.Outcome.WRONG_STATE, hold);
        }
        returnToStock(hold);
        return HoldResult.done(hold);
    }

    /** Returns every hold whose time has passed to stock; the number of units returned. */
    public int expire(long nowMillis) {
        int returned = 0;
        for (Iterator<Hold> it = holds.values().iterator(); it.hasNext(); ) {
            Hold hold = it.next();
            if (hold.expiredAt(nowMillis)) {
                it.remove();
                forgetRecord(hold);
                markSeats(hold, SEAT_AVAILABLE);
                available += hold.quantity();
                held -= hold.quantity();
                returned += hold.quantity();
            }
        }
        if (returned > 0) {
            checkInvariant();
        }
        return returned;
    }

    /** Drops fans' records whose time has passed (of holds on other stripes), so idle fans cost nothing. */
    public boolean pruneRecords(long nowMillis) {
        return fans.values().removeIf(r -> !FanHolds.anyLive(r, nowMillis));
    }

    public List<Hold> expiredAt(long nowMillis) {
        List<Hold> expired = new ArrayList<>();
        for (Hold hold : holds.values()) {
            if (hold.expiredAt(nowMillis)) {
                expired.add(hold);
            }
        }
        return expired;
    }

    private void returnToStock(Hold hold) {
        holds.remove(hold.holdId());
        forgetRecord(hold);
        markSeats(hold, SEAT_AVAILABLE);
        available += hold.quantity();
        held -= hold.quantity();
        checkInvariant();
    }

    private void checkInvariant() {
        if (available < 0 || held < 0 || sold < 0 || available + held + sold != capacity) {
            throw new IllegalStateException("stock invariant broken on " + key + ": capacity=" + capacity
                    + " available=" + available + " held=" + held + " sold=" + sold);
        }
        if (seats != null) {
            // The counters are the seat states counted (a few microseconds for a 5,000-seat section).
            int[] count = seats.counts();
            if (seats.size() != capacity || count[SEAT_AVAILABLE] != available || count[SEAT_HELD] != held
                    || count[SEAT_SOLD] != sold) {
                throw new IllegalStateException("seat invariant broken on " + key + ": seats=" + seats.size()
                        + " available/held/sold seats=" + count[0] + "/" + count[1] + "/" + count[2]
                        + " counters " + available + "/" + held + "/" + sold);
            }
        }
    }

    // Package-private accessors for the serializer.
    List<Transfer> outbound() {
        return loans.outbound();
    }

    Map<Integer, Long> lastLentTo() {
        return loans.lastLentTo();
    }

    Map<Integer, Long> lastAppliedFrom() {
        return loans.lastAppliedFrom();
    }

    Map<String, Long> recentOps() {
        return recentOps;
    }

    int capacity() {
        return capacity;
    }

    public int available() {
        return available;
    }

    int held() {
        return held;
    }

    int sold() {
        return sold;
    }
}
