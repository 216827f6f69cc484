package dev.floodgate.grid.stripe;

import com.hazelcast.core.ReadOnly;
import com.hazelcast.map.EntryProcessor;
import dev.floodgate.grid.hold.Hold;
import dev.floodgate.grid.hold.HoldResult;
import dev.floodgate.grid.hold.HoldStatus;

import java.util.Map;
import java.util.function.Function;

/**
 * The entry processors that move stock: each runs on the partition thread that owns one stripe, so the change is
 * atomic. They carry every input (including the time), so the backup replica replays exactly the same change.
 */
public final class HoldProcessors {
    private HoldProcessors() {
    }

    /** Applies an operation to the stripe and writes it back only when something changed. */
    private static HoldResult apply(Map.Entry<StockKey, Stripe> entry, Function<Stripe, HoldResult> operation,
                                    boolean writeOnDone) {
        Stripe stripe = entry.getValue();
        if (stripe == null) {
            return HoldResult.of(HoldResult.Outcome.NOT_FOUND);
        }
        HoldResult result = operation.apply(stripe);
        if (writeOnDone && result.done()) {
            entry.setValue(stripe);
        }
        return result;
    }

    public record ReleaseHold(String holdId, String fanId) implements EntryProcessor<StockKey, Stripe, HoldResult> {
        @Override
        public HoldResult process(Map.Entry<StockKey, Stripe> entry) {
            return apply(entry, s -> s.release(holdId, fanId), true);
        }
    }

    public record MarkInCheckout(String holdId, String fanId, String orderId, long nowMillis, long untilMillis)
            implements EntryProcessor<StockKey, Stripe, HoldResult> {
        @Override
        public HoldResult process(Map.Entry<StockKey, Stripe> entry) {
            return apply(entry, s -> s.markInCheckout(holdId, fanId, orderId, nowMillis, untilMillis), true);
        }
    }

    public record MarkSold(String holdId, String orderId) implements EntryProcessor<StockKey, Stripe, HoldResult> {
        @Override
        public HoldResult process(Map.Entry<StockKey, Stripe> entry) {
            return apply(entry, s -> s.markSold(holdId, orderId), true);
        }
    }

    public record ReleaseForOrder(String holdId, String orderId)
            implements EntryProcessor<StockKey, Stripe, HoldResult> {
        @Override
        public HoldResult process(Map.Entry<StockKey, Stripe> entry) {
            return apply(entry, s -> s.releaseForOrder(holdId, orderId), true);
        }
    }

    /**
     * Takes the units of a hold on its stripe ({@link Stripe#take}), also answering what the stripe had available, so
     * a caller short of stock knows how much to borrow from the other stripes.
     */
    public record Take(String holdId, String fanId, int quantity, long expiresAtMillis)
            implements EntryProcessor<StockKey, Stripe, Taken> {
        @Override
        public Taken process(Map.Entry<StockKey, Stripe> entry) {
            Stripe stripe = entry.getValue();
            if (stripe == null) {
                return new Taken(HoldResult.of(HoldResult.Outcome.NOT_FOUND), 0, false);
            }
            HoldResult result = stripe.take(holdId, fanId, quantity, expiresAtMillis);
            if (result.done()) {
                entry.setValue(stripe);
            }
            return Taken.of(result, stripe.available(), asked(entry.getKey(), holdId, fanId, quantity, expiresAtMillis));
        }
    }

    /**
     * A hold on the fan's home stripe: the fan's record and the units in one step ({@link Stripe#takeAtHome}), also
     * answering what the stripe had available (for borrowing, as {@link Take}).
     */
    public record TakeAtHome(String requestId, String holdId, String fanId, int quantity, int maxPerFan,
                             long nowMillis, long expiresAtMillis) implements EntryProcessor<StockKey, Stripe, Taken> {
        @Override
        public Taken process(Map.Entry<StockKey, Stripe> entry) {
            Stripe stripe = entry.getValue();
            if (stripe == null) {
                return new Taken(HoldResult.of(HoldResult.Outcome.NOT_FOUND), 0, false);
            }
            HoldResult result = stripe.takeAtHome(requestId, holdId, fanId, quantity, maxPerFan, nowMillis,
                    expiresAtMillis);
            if (result.done()) {
                entry.setValue(stripe);
            }
            return Taken.of(result, stripe.available(), asked(entry.getKey(), holdId, fanId, quantity, expiresAtMillis));
        }
    }

    /** The fresh hold a take of these inputs makes on that stripe. */
    public static Hold asked(StockKey key, String holdId, String fanId, int quantity, long expiresAtMillis) {
        return new Hold(holdId, key.eventId(), key.categoryId(), fanId, quantity, HoldStatus.HELD, null,
                expiresAtMillis);
    }

    /**
     * What {@link Take} or {@link TakeAtHome} did, and the units the stripe has available after it. When
     * {@code asAsked}, the take made exactly the hold its caller asked for ({@link #asked}); that hold is then not
     * sent back, the caller has it (this answer is on the path of every hold, so it is kept small).
     */
    public record Taken(HoldResult result, int available, boolean asAsked) {
        static Taken of(HoldResult result, int available, Hold asked) {
            return result.done() && asked.equals(result.hold())
                    ? new Taken(HoldResult.of(HoldResult.Outcome.DONE), available, true)
                    : new Taken(result, available, false);
        }

        /** The result, with the caller's own copy of the hold when the take made exactly that one. */
        public HoldResult resultFor(Hold asked) {
            return asAsked ? HoldResult.done(asked) : result;
        }
    }

    /** On the donor: lends up to {@code want} units to stripe {@code receiver} (see {@link Stripe#lend}). */
    public record Lend(String opId, int receiver, int want) implements EntryProcessor<StockKey, Stripe, Lent> {
        @Override
        public Lent process(Map.Entry<StockKey, Stripe> entry) {
            Stripe stripe = entry.getValue();
            if (stripe == null) {
                return Lent.none();
            }
            Lent lent = stripe.lend(opId, receiver, want);
            if (lent.given() > 0) {
                entry.setValue(stripe);
            }
            return lent;
        }
    }

    /** On the donor: the loans to {@code receiver} it still waits to hear about. */
    public record ReadLoans(int receiver) implements EntryProcessor<StockKey, Stripe, Lent>, ReadOnly {
        @Override
        public Lent process(Map.Entry<StockKey, Stripe> entry) {
            return entry.getValue() == null ? Lent.none() : entry.getValue().pendingTo(receiver, 0);
        }

        @Override
        public EntryProcessor<StockKey, Stripe, Lent> getBackupProcessor() {
            return null;
        }
    }

    /** On the receiver: applies the donor's loans it has not applied yet; answers the last one it has. */
    public record Receive(int donor, long[] seqs, int[] units) implements EntryProcessor<StockKey, Stripe, Long> {
        @Override
        public Long process(Map.Entry<StockKey, Stripe> entry) {
            Stripe stripe = entry.getValue();
            if (stripe == null) {
                // A receiver that does not exist cannot confirm anything: the units stay with the donor.
                return 0L;
            }
            long last = stripe.receive(donor, seqs, units);
            entry.setValue(stripe);
            return last;
        }
    }

    /** On the donor: forgets the loans to {@code receiver} up to {@code upTo}, which the receiver has applied. */
    public record Settle(int receiver, long upTo) implements EntryProcessor<StockKey, Stripe, Boolean> {
        @Override
        public Boolean process(Map.Entry<StockKey, Stripe> entry) {
            Stripe stripe = entry.getValue();
            if (stripe == null || !stripe.settle(receiver, upTo)) {
                return false;
            }
            entry.setValue(stripe);
            return true;
        }
    }

    /** Adds capacity (a raise) to the stripe; idempotent by {@code opId}. */
    public record AddCapacity(String opId, int units) implements EntryProcessor<StockKey, Stripe, Boolean> {
        @Override
        public Boolean process(Map.Entry<StockKey, Stripe> entry) {
            Stripe stripe = entry.getValue();
            if (stripe == null) {
                return false;
            }
            stripe.addCapacity(opId, units);
            entry.setValue(stripe);
            return true;
        }
    }

    /** Removes available units from the capacity, all or nothing; idempotent by {@code opId}. */
    public record RemoveCapacity(String opId, int units) implements EntryProcessor<StockKey, Stripe, Boolean> {
        @Override
        public Boolean process(Map.Entry<StockKey, Stripe> entry) {
            Stripe stripe = entry.getValue();
            if (stripe == null || !stripe.removeCapacity(opId, units)) {
                return false;
            }
            entry.setValue(stripe);
            return true;
        }
    }

    /**
     * A sweep of one stripe: returns expired holds to stock and answers the units returned and the stripes it has
     * unconfirmed loans to (which the sweeper then delivers: the recovery of loans whose borrower died).
     */
    public record Sweep(long nowMillis) implements EntryProcessor<StockKey, Stripe, Swept> {
        @Override
        public Swept process(Map.Entry<StockKey, Stripe> entry) {
            Stripe stripe = entry.getValue();
            if (stripe == null) {
                return new Swept(0, new int[0]);
            }
            int returned = stripe.expire(nowMillis);
            if (stripe.pruneRecords(nowMillis) | returned > 0) {
                entry.setValue(stripe);
            }
            return new Swept(returned, stripe.pendingReceivers().stream().mapToInt(Integer::intValue).toArray());
        }
    }

    public record Swept(int returned, int[] pendingReceivers) {
    }

    /** Every hold of the stripe (audits and tests). */
    public record ReadHolds() implements EntryProcessor<StockKey, Stripe, HoldList>, ReadOnly {
        @Override
        public HoldList process(Map.Entry<StockKey, Stripe> entry) {
            return new HoldList(entry.getValue() == null ? new Hold[0] : entry.getValue().holds().toArray(new Hold[0]));
        }

        @Override
        public EntryProcessor<StockKey, Stripe, HoldList> getBackupProcessor() {
            return null;
        }
    }

    public record HoldList(Hold[] holds) {
    }

    /** Units the stripe lent and its receivers have not confirmed yet. */
    public record ReadInFlight() implements EntryProcessor<StockKey, Stripe, Integer>, ReadOnly {
        @Override
        public Integer process(Map.Entry<StockKey, Stripe> entry) {
            return entry.getValue() == null ? 0 : entry.getValue().inFlight();
        }

        @Override
        public EntryProcessor<StockKey, Stripe, Integer> getBackupProcessor() {
            return null;
        }
    }

    /** Creates the stripe as given (a rebuild) unless it exists; answers whether it did. */
    public record RestoreStripe(int capacity, int available, int held, int sold, Hold[] holds)
            implements EntryProcessor<StockKey, Stripe, Boolean> {
        @Override
        public Boolean process(Map.Entry<StockKey, Stripe> entry) {
            if (entry.getValue() != null) {
                return false;
            }
            entry.setValue(new Stripe(entry.getKey(), capacity, available, held, sold, java.util.List.of(holds)));
            return true;
        }
    }

    /** Creates the stripe with its share of the capacity if it does not exist yet; answers whether it did. */
    public record InitStripe(int capacity) implements EntryProcessor<StockKey, Stripe, Boolean> {
        @Override
        public Boolean process(Map.Entry<StockKey, Stripe> entry) {
            if (entry.getValue() != null) {
                return false;
            }
            entry.setValue(Stripe.empty(entry.getKey(), capacity));
            return true;
        }
    }

    /** Reads one hold without copying the whole stripe out of the grid. */
    public record ReadHold(String holdId) implements EntryProcessor<StockKey, Stripe, Hold>, ReadOnly {
        @Override
        public Hold process(Map.Entry<StockKey, Stripe> entry) {
            return entry.getValue() == null ? null : entry.getValue().hold(holdId);
        }

        @Override
        public EntryProcessor<StockKey, Stripe, Hold> getBackupProcessor() {
            return null;
        }
    }

    /** Reads a stripe's counters without copying its holds. */
    public record ReadCounters() implements EntryProcessor<StockKey, Stripe, StockCounters>, ReadOnly {
        @Override
        public StockCounters process(Map.Entry<StockKey, Stripe> entry) {
            return entry.getValue() == null ? StockCounters.EMPTY : entry.getValue().counters();
        }

        @Override
        public EntryProcessor<StockKey, Stripe, StockCounters> getBackupProcessor() {
            return null;
        }
    }

    // ---- seats (a seated category's stripe is one section) ----------------------------------------------------

    /** Holds the named seats of the section, all or nothing (see {@link Stripe#takeSeats}). */
    public record TakeSeats(String holdId, String fanId, String[] seats, long expiresAtMillis)
            implements EntryProcessor<StockKey, Stripe, HoldResult> {
        @Override
        public HoldResult process(Map.Entry<StockKey, Stripe> entry) {
            return apply(entry, s -> s.takeSeats(holdId, fanId, seats, expiresAtMillis), true);
        }
    }

    /** Creates the section with every seat available if it does not exist yet; answers whether it did. */
    public record InitSeats(String[] seatIds) implements EntryProcessor<StockKey, Stripe, Boolean> {
        @Override
        public Boolean process(Map.Entry<StockKey, Stripe> entry) {
            if (entry.getValue() != null) {
                return false;
            }
            entry.setValue(Stripe.seated(entry.getKey(), seatIds));
            return true;
        }
    }

    /** Creates the section from its seats and the holds on them (a rebuild) unless it exists. */
    public record RestoreSeats(String[] seatIds, Hold[] holds) implements EntryProcessor<StockKey, Stripe, Boolean> {
        @Override
        public Boolean process(Map.Entry<StockKey, Stripe> entry) {
            if (entry.getValue() != null) {
                return false;
            }
            entry.setValue(Stripe.seatedWith(entry.getKey(), seatIds, java.util.List.of(holds)));
            return true;
        }
    }

    /** The section's seats and their states, for the seat map: one small read per section. */
    public record ReadSeats() implements EntryProcessor<StockKey, Stripe, SeatStates>, ReadOnly {
        @Override
        public SeatStates process(Map.Entry<StockKey, Stripe> entry) {
            Stripe s = entry.getValue();
            return s == null || !s.isSeated() ? new SeatStates(new String[0], new byte[0])
                    : new SeatStates(s.seatIds(), s.seatStates());
        }

        @Override
        public EntryProcessor<StockKey, Stripe, SeatStates> getBackupProcessor() {
            return null;
        }
    }

    /** Seat ids and states ({@link Stripe#SEAT_AVAILABLE}, ...), same order. */
    public record SeatStates(String[] seatIds, byte[] states) {
    }

    /** Adds and removes seats of the section, all or nothing, idempotent by {@code opId}; answers the seats at fault. */
    public record EditSeats(String opId, String[] add, String[] remove)
            implements EntryProcessor<StockKey, Stripe, String[]> {
        @Override
        public String[] process(Map.Entry<StockKey, Stripe> entry) {
            Stripe stripe = entry.getValue();
            if (stripe == null) {
                return remove.length > 0 ? remove : add;
            }
            java.util.List<String> fault = stripe.editSeats(opId, add, remove);
            if (fault.isEmpty()) {
                entry.setValue(stripe);
            }
            return fault.toArray(new String[0]);
        }
    }
}
