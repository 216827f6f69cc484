package dev.floodgate.grid.inventory;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.floodgate.grid.catalog.Catalog;
import dev.floodgate.grid.catalog.CategoryInfo;
import dev.floodgate.grid.catalog.EventInfo;
import dev.floodgate.grid.catalog.SeatId;
import dev.floodgate.grid.catalog.Seating;
import dev.floodgate.grid.hold.Hold;
import dev.floodgate.grid.hold.HoldId;
import dev.floodgate.grid.hold.HoldResult;
import dev.floodgate.grid.hold.HoldStatus;
import dev.floodgate.grid.stripe.FanHolds;
import dev.floodgate.grid.stripe.HoldProcessors;
import dev.floodgate.grid.stripe.Lent;
import dev.floodgate.grid.stripe.StockCounters;
import dev.floodgate.grid.stripe.StockKey;
import dev.floodgate.grid.stripe.Stripe;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Stock and holds of every category, striped over grid entries (the stripe count of each category is in the
 * catalog). All changes go through entry processors ({@link HoldProcessors}, {@link FanHolds}); this class picks
 * the entries, passes the time in, and moves stock between stripes when one runs dry.
 *
 * <p>Every fan has a <em>home stripe</em> in each event: one stripe of the event's most striped category, picked
 * from the fan id ({@link #homeKey}). It keeps the fan's {@link FanHolds} records (per-fan limit, retries), so a
 * hold of that category, taken on that stripe, is one entry processor. A hold elsewhere (another category, a seat
 * section) reserves in the home stripe first, then takes the units on its own stripe, picked from the fan and
 * request id.
 * Either way a hold's id names its stripe and is the same on every retry. When that stripe is short, it borrows
 * from the other stripes ({@link Stripe#lend}) and tries again; a fan hears "not enough" only after every other
 * stripe answered that it had nothing to lend.
 */
public final class Inventory {
    public static final String MAP = "floodgate-stock";
    public static final int MAX_STRIPES = CategoryInfo.MAX_STRIPES;
    /** Borrow-and-retry rounds before a hold gives up under heavy contention for the last units. */
    static final int MAX_ROUNDS = 8;

    private final IMap<StockKey, Stripe> stock;
    private final Catalog catalog;
    private final Clock clock;
    /** Stripe counts and per-fan limits never change once an event is in the catalog: cached after one read. */
    private final Map<String, EventInfo> layouts = new ConcurrentHashMap<>();

    public Inventory(HazelcastInstance hz, Catalog catalog, Clock clock) {
        this.stock = hz.getMap(MAP);
        this.catalog = catalog;
        this.clock = clock;
    }

    /**
     * Creates the stock of every category of the event (adding the event to the catalog first if it is not there);
     * categories that already have stock are left alone. Stripe counts are the catalog's.
     */
    public void stock(EventInfo event) {
        EventInfo stored = catalog.find(event.eventId()).orElseGet(() -> {
            catalog.add(event);
            return catalog.find(event.eventId()).orElseThrow();
        });
        for (CategoryInfo category : stored.categories()) {
            int stripes = stripes(category);
            if (category.seated()) {
                for (int i = 0; i < stripes; i++) {
                    stock.executeOnKey(new StockKey(stored.eventId(), category.categoryId(), i),
                            new HoldProcessors.InitSeats(category.seating().sections().get(i).seatIds()
                                    .toArray(new String[0])));
                }
                continue;
            }
            for (int i = 0; i < stripes; i++) {
                int share = category.capacity() / stripes + (i < category.capacity() % stripes ? 1 : 0);
                stock.executeOnKey(new StockKey(stored.eventId(), category.categoryId(), i),
                        new HoldProcessors.InitStripe(share));
            }
        }
    }

    /**
     * Holds {@code quantity} units for the fan, all or nothing, within the event's per-fan limit. The same fan and
     * request id always map to the same hold id, so a retried request finds its hold instead of taking a second
     * one, on whichever stripe.
     */
    public HoldResult hold(String eventId, String categoryId, String fanId, String requestId, int quantity,
                           Duration holdTtl) {
        long start = System.nanoTime();
        return confirmedIfSlow(eventId, start, holdOnce(eventId, categoryId, fanId, requestId, quantity, holdTtl));
    }

    private HoldResult holdOnce(String eventId, String categoryId, String fanId, String requestId, int quantity,
                                Duration holdTtl) {
        if (quantity < 1) {
            throw new IllegalArgumentException("quantity must be at least 1");
        }
        EventInfo event = layout(eventId).orElse(null);
        CategoryInfo category = event == null ? null : event.category(categoryId).orElse(null);
        if (category == null) {
            return HoldResult.of(HoldResult.Outcome.NOT_FOUND);
        }
        if (category.seated()) {
            return holdBestSeats(event, category, fanId, requestId, quantity, holdTtl);
        }
        int stripes = stripes(category);
        long now = clock.millis();
        long expiresAt = now + holdTtl.toMillis();
        StockKey homeKey = homeKey(event, fanId);
        if (homeKey.categoryId().equals(categoryId)) {
            // The fans' records live in this category: record and units in one step, borrowing if it is short.
            String holdId = HoldId.forRequest(categoryId, homeKey.stripe(), fanId, requestId).toString();
            return take(homeKey, stripes, quantity, new HoldProcessors.TakeAtHome(requestId, holdId, fanId, quantity,
                    event.maxPerFan(), now, expiresAt), HoldProcessors.asked(homeKey, holdId, fanId, quantity, expiresAt));
        }
        int stripe = Math.floorMod((fanId + '\n' + requestId).hashCode(), stripes);
        String holdId = HoldId.forRequest(categoryId, stripe, fanId, requestId).toString();

        // 1. The fan's record first: a crash after it leaves a record without a hold (harmless), never the reverse.
        FanHolds.Reservation reservation = stock.executeOnKey(homeKey,
                new FanHolds.Reserve(fanId, requestId, holdId, quantity, event.maxPerFan(), now, expiresAt));
        if (reservation == null) {
            return HoldResult.of(HoldResult.Outcome.NOT_FOUND);
        }
        if (reservation.outcome() == FanHolds.Outcome.LIMIT_REACHED) {
            return HoldResult.of(HoldResult.Outcome.LIMIT_REACHED);
        }
        FanHolds.Entry record = reservation.entry();
        if (!record.holdId().equals(holdId)) {
            // The request id was used for a hold of another category (or seats): not this one.
            return HoldResult.of(HoldResult.Outcome.WRONG_STATE);
        }
        // 2. The units, on the hold's stripe, borrowing from the others if it is short.
        StockKey key = new StockKey(eventId, categoryId, stripe);
        HoldResult result = take(key, stripes, record.quantity(), new HoldProcessors.Take(record.holdId(), fanId,
                record.quantity(), record.expiresAtMillis()), HoldProcessors.asked(key, record.holdId(), fanId,
                record.quantity(), record.expiresAtMillis()));
        settleRecord(homeKey, fanId, reservation, result, now);
        return result;
    }

    /** Step 3 of a two-step hold: a new record whose hold could not be taken goes; a retry's is put back if missing. */
    private void settleRecord(StockKey homeKey, String fanId, FanHolds.Reservation reservation, HoldResult result,
                              long now) {
        if (reservation.outcome() == FanHolds.Outcome.NEW && !result.done()) {
            stock.executeOnKey(homeKey, new FanHolds.Forget(fanId, reservation.entry().holdId(), now));
        } else if (reservation.outcome() == FanHolds.Outcome.EXISTING && result.done()) {
            stock.executeOnKey(homeKey, new FanHolds.Ensure(fanId, reservation.entry(), now));
        }
    }

    /**
     * The fan's home stripe in the event: a stripe of the event's {@link #homeCategory}, from a hash of the fan id.
     * Categories and their stripe counts never change once the event exists, so a fan's home never moves.
     */
    public static StockKey homeKey(EventInfo event, String fanId) {
        CategoryInfo home = homeCategory(event);
        int h = fanId.hashCode() * 0x9E3779B1;
        return new StockKey(event.eventId(), home.categoryId(), Math.floorMod(h ^ (h >>> 16), stripes(home)));
    }

    /**
     * Where fans' records live: the general-admission category with the most stripes (the first of those on a
     * tie), else the seated one with the most sections. The most striped category is the big, hot one, whose holds
     * are then one step; and the records of all fans spread over the most entries (a small category with one
     * stripe would make its stripe every hold's hot key).
     */
    static CategoryInfo homeCategory(EventInfo event) {
        CategoryInfo best = null;
        for (CategoryInfo c : event.categories()) {
            if (best == null || (best.seated() && !c.seated())
                    || (best.seated() == c.seated() && stripes(c) > stripes(best))) {
                best = c;
            }
        }
        return best;
    }

    // ---- seats -----------------------------------------------------------------------------------------------

    /**
     * Holds the named seats for the fan, all or nothing, within the event's per-fan limit; the seats must all be
     * in one section (one grid entry, so one atomic step). Same fan and request id with the same seats answer the
     * same hold (retries); with other seats {@code WRONG_STATE}. Any seat held or sold: {@code SEAT_TAKEN} naming
     * the seats, nothing taken. The lifecycle after that (release, checkout, sale, expiry) is the general one.
     *
     * @throws IllegalArgumentException for no seats, a seat twice, a malformed seat id or seats of two sections
     */
    public HoldResult holdSeats(String eventId, String categoryId, String fanId, String requestId,
                                List<String> seats, Duration holdTtl) {
        long start = System.nanoTime();
        return confirmedIfSlow(eventId, start, holdSeatsOnce(eventId, categoryId, fanId, requestId, seats, holdTtl));
    }

    private HoldResult holdSeatsOnce(String eventId, String categoryId, String fanId, String requestId,
                                     List<String> seats, Duration holdTtl) {
        if (seats.isEmpty() || new HashSet<>(seats).size() != seats.size()) {
            throw new IllegalArgumentException("name one or more seats, each once");
        }
        List<SeatId> parsed = new ArrayList<>();
        for (String seat : seats) {
            parsed.add(SeatId.parse(seat).orElseThrow(() -> new IllegalArgumentException("not a seat id: " + seat)));
        }
        String section = parsed.getFirst().section();
        if (parsed.stream().anyMatch(p -> !p.section().equals(section))) {
            throw new IllegalArgumentException("the seats of one hold must be in one section");
        }
        EventInfo event = layout(eventId).orElse(null);
        CategoryInfo category = event == null ? null : event.category(categoryId).orElse(null);
        if (category == null || !category.seated()) {
            return HoldResult.of(HoldResult.Outcome.NOT_FOUND);
        }
        // Sections never change once the event exists, so the cached layout answers where a section lives.
        Integer index = category.seating().sectionIndex(section).orElse(null);
        if (index == null) {
            return HoldResult.seats(HoldResult.Outcome.UNKNOWN_SEAT, seats);
        }
        long now = clock.millis();
        long expiresAt = now + holdTtl.toMillis();
        String holdId = HoldId.forRequest(categoryId, index, fanId, requestId).toString();
        StockKey homeKey = homeKey(event, fanId);
        FanHolds.Reservation reservation = stock.executeOnKey(homeKey,
                new FanHolds.Reserve(fanId, requestId, holdId, seats.size(), event.maxPerFan(), now, expiresAt));
        if (reservation == null) {
            return HoldResult.of(HoldResult.Outcome.NOT_FOUND);
        }
        if (reservation.outcome() == FanHolds.Outcome.LIMIT_REACHED) {
            return HoldResult.of(HoldResult.Outcome.LIMIT_REACHED);
        }
        FanHolds.Entry record = reservation.entry();
        if (!record.holdId().equals(holdId)) {
            // The request id was used for another hold (another section or category): not this one.
            return HoldResult.of(HoldResult.Outcome.WRONG_STATE);
        }
        HoldResult result = stock.executeOnKey(new StockKey(eventId, categoryId, index),
                new HoldProcessors.TakeSeats(holdId, fanId, seats.toArray(new String[0]), record.expiresAtMillis()));
        settleRecord(homeKey, fanId, reservation, result, now);
        return result;
    }

    /** Rounds of "read the map, pick, hold" before a best-available hold gives up under contention. */
    static final int BEST_SEAT_ROUNDS = 4;

    /**
     * Best available: {@code quantity} seats side by side in one row, front rows and the middle of the row first,
     * sections in order; failing that, any {@code quantity} seats of one section. Picked from a fresh read of the
     * seats, then held by name ({@link #holdSeats}); if someone took one meanwhile, read and pick again (a few
     * rounds). A retry of a request that already holds seats answers that hold.
     */
    private HoldResult holdBestSeats(EventInfo event, CategoryInfo category, String fanId, String requestId,
                                     int quantity, Duration holdTtl) {
        FanHolds.Entry earlier = stock.executeOnKey(homeKey(event, fanId),
                new FanHolds.Find(fanId, requestId, clock.millis()));
        if (earlier != null) {
            Optional<Hold> hold = find(event.eventId(), earlier.holdId());
            if (hold.isPresent() && hold.get().fanId().equals(fanId)) {
                return hold.get().quantity() == quantity && hold.get().categoryId().equals(category.categoryId())
                        ? HoldResult.done(hold.get()) : HoldResult.of(HoldResult.Outcome.WRONG_STATE);
            }
        }
        for (int round = 0; round < BEST_SEAT_ROUNDS; round++) {
            List<String> pick = SeatPicker.pick(seatMap(event.eventId(), category.categoryId()), quantity);
            if (pick.isEmpty()) {
                return HoldResult.of(HoldResult.Outcome.NOT_ENOUGH_STOCK);
            }
            HoldResult result = holdSeats(event.eventId(), category.categoryId(), fanId, requestId, pick, holdTtl);
            if (result.outcome() != HoldResult.Outcome.SEAT_TAKEN) {
                return result;
            }
        }
        return HoldResult.of(HoldResult.Outcome.NOT_ENOUGH_STOCK);
    }

    /** One section's seats and their states ({@link Stripe#SEAT_AVAILABLE}, ...), for the seat map. */
    public record SectionSeats(String sectionId, String[] seatIds, byte[] states) {
    }

    /**
     * The seats of a seated category and their states, section by section: one read-only call per section (a few
     * bytes a seat), no scan of holds. Empty for an unknown or general-admission category.
     */
    public List<SectionSeats> seatMap(String eventId, String categoryId) {
        CategoryInfo category = layout(eventId).flatMap(e -> e.category(categoryId)).orElse(null);
        if (category == null || !category.seated()) {
            return List.of();
        }
        Map<StockKey, HoldProcessors.SeatStates> read = stock.executeOnKeys(keys(eventId, categoryId),
                new HoldProcessors.ReadSeats());
        List<SectionSeats> out = new ArrayList<>();
        for (int i = 0; i < category.seating().sections().size(); i++) {
            HoldProcessors.SeatStates states = read.get(new StockKey(eventId, categoryId, i));
            out.add(new SectionSeats(category.seating().sections().get(i).sectionId(),
                    states == null ? new String[0] : states.seatIds(),
                    states == null ? new byte[0] : states.states()));
        }
        return out;
    }

    /** What a seat edit did; {@code seats} are the seats at fault when refused. */
    public record SeatChange(Outcome outcome, StockCounters counters, List<String> seats) {
        public enum Outcome { DONE, NOT_FOUND, NOT_SEATED, BAD_SEATS, NOT_AVAILABLE }
    }

    /**
     * Adds and removes seats of one section of a seated category, all or nothing: a removed seat must exist and be
     * available (neither held nor sold), an added one must not exist. Sections themselves are fixed. Serialised
     * with other edits of the event by the catalog lock; grid first, then the catalog (PostgreSQL first inside it),
     * as capacity edits.
     *
     * @throws IllegalArgumentException for malformed seat ids, seats of several sections, or no seats at all
     */
    public SeatChange changeSeats(String eventId, String categoryId, List<String> add, List<String> remove) {
        List<SeatId> adding = add.stream().map(s -> SeatId.parse(s)
                .orElseThrow(() -> new IllegalArgumentException("not a seat id: " + s))).toList();
        List<SeatId> removing = remove.stream().map(s -> SeatId.parse(s)
                .orElseThrow(() -> new IllegalArgumentException("not a seat id: " + s))).toList();
        if (adding.isEmpty() && removing.isEmpty()) {
            throw new IllegalArgumentException("name seats to add or remove");
        }
        String section = (adding.isEmpty() ? removing : adding).getFirst().section();
        if (java.util.stream.Stream.concat(adding.stream(), removing.stream())
                .anyMatch(s -> !s.section().equals(section))) {
            throw new IllegalArgumentException("one edit changes the seats of one section");
        }
        catalog.lock(eventId);
        try {
            EventInfo event = catalog.find(eventId).orElse(null);
            CategoryInfo category = event == null ? null : event.category(categoryId).orElse(null);
            if (category == null) {
                return new SeatChange(SeatChange.Outcome.NOT_FOUND, null, List.of());
            }
            if (!category.seated()) {
                return new SeatChange(SeatChange.Outcome.NOT_SEATED, null, List.of());
            }
            Integer index = category.seating().sectionIndex(section).orElse(null);
            if (index == null) {
                return new SeatChange(SeatChange.Outcome.BAD_SEATS, null, List.of(section));
            }
            Seating edited;
            try {
                edited = category.seating().edit(index, adding, removing);
            } catch (IllegalArgumentException e) {
                List<String> fault = new ArrayList<>();
                removing.stream().filter(s -> !category.seating().contains(s)).forEach(s -> fault.add(s.toString()));
                adding.stream().filter(category.seating()::contains).forEach(s -> fault.add(s.toString()));
                return new SeatChange(SeatChange.Outcome.BAD_SEATS, null, fault.isEmpty() ? add : fault);
            }
            String[] faults = stock.executeOnKey(new StockKey(eventId, categoryId, index), new HoldProcessors.EditSeats(
                    "seats-" + UUID.randomUUID(), add.toArray(new String[0]), remove.toArray(new String[0])));
            if (faults.length > 0) {
                return new SeatChange(SeatChange.Outcome.NOT_AVAILABLE, counters(eventId, categoryId),
                        List.of(faults));
            }
            EventInfo updated = event.withCategory(category.withSeating(edited));
            catalog.replace(updated);
            layouts.put(eventId, updated);
            return new SeatChange(SeatChange.Outcome.DONE, counters(eventId, categoryId), List.of());
        } finally {
            catalog.unlock(eventId);
        }
    }

    /** Runs {@code take} on stripe {@code homeKey}; while that stripe is short, borrows for it and runs it again. */
    private HoldResult take(StockKey homeKey, int stripes, int quantity,
                            com.hazelcast.map.EntryProcessor<StockKey, Stripe, HoldProcessors.Taken> take, Hold asked) {
        String eventId = homeKey.eventId();
        String categoryId = homeKey.categoryId();
        int home = homeKey.stripe();
        for (int round = 0; round < MAX_ROUNDS; round++) {
            HoldProcessors.Taken taken = stock.executeOnKey(homeKey, take);
            if (taken.result().outcome() != HoldResult.Outcome.NOT_ENOUGH_STOCK || stripes == 1) {
                return taken.resultFor(asked);
            }
            if (borrow(eventId, categoryId, stripes, home, quantity - taken.available()) == 0) {
                // Every other stripe had nothing to lend when asked; loans from elsewhere may have landed since.
                HoldResult last = stock.executeOnKey(homeKey, take).resultFor(asked);
                // Units in transit between two other stripes were invisible to every donor just now. Sold out must
                // be exact, so while the category still has enough (in transit counts), go round again.
                if (last.outcome() != HoldResult.Outcome.NOT_ENOUGH_STOCK
                        || counters(eventId, categoryId).available() < quantity) {
                    return last;
                }
            }
        }
        return HoldResult.of(HoldResult.Outcome.NOT_ENOUGH_STOCK);
    }

    /** Moves up to {@code need} units from the other stripes to stripe {@code home}; answers the units moved. */
    private int borrow(String eventId, String categoryId, int stripes, int home, int need) {
        int got = 0;
        int start = ThreadLocalRandom.current().nextInt(1, stripes);
        for (int n = 0; n < stripes - 1 && got < need; n++) {
            int donor = (home + 1 + (start - 1 + n) % (stripes - 1)) % stripes;
            StockKey donorKey = new StockKey(eventId, categoryId, donor);
            Lent lent = stock.executeOnKey(donorKey,
                    new HoldProcessors.Lend(UUID.randomUUID().toString(), home, need - got));
            if (lent.seqs().length > 0) {
                deliver(stock, donorKey, home, lent);
            }
            got += lent.given();
        }
        return got;
    }

    /**
     * Applies the donor's pending loans to the receiver, then lets the donor forget those the receiver confirmed.
     * Safe to repeat and to run concurrently with another delivery of the same loans.
     */
    public static void deliver(IMap<StockKey, Stripe> stock, StockKey donor, int receiver, Lent pending) {
        long last = stock.executeOnKey(new StockKey(donor.eventId(), donor.categoryId(), receiver),
                new HoldProcessors.Receive(donor.stripe(), pending.seqs(), pending.units()));
        if (last > 0) {
            stock.executeOnKey(donor, new HoldProcessors.Settle(receiver, last));
        }
    }

    /** Delivers every pending loan of the donor to {@code receiver} (recovery after a borrower died). */
    public static void recoverLoans(IMap<StockKey, Stripe> stock, StockKey donor, int receiver) {
        Lent pending = stock.executeOnKey(donor, new HoldProcessors.ReadLoans(receiver));
        if (pending.seqs().length > 0) {
            deliver(stock, donor, receiver, pending);
        }
    }

    public Optional<Hold> find(String eventId, String holdId) {
        return key(eventId, holdId).map(k -> stock.executeOnKey(k, new HoldProcessors.ReadHold(holdId)));
    }

    public HoldResult release(String eventId, String holdId, String fanId) {
        HoldResult result = on(eventId, holdId, new HoldProcessors.ReleaseHold(holdId, fanId));
        if (result.done()) {
            forgetRecord(eventId, fanId, holdId);
        }
        return result;
    }

    /** Marks the hold as being paid for by the order, keeping it at least until {@code checkoutTtl} from now. */
    public HoldResult markInCheckout(String eventId, String holdId, String fanId, String orderId, Duration checkoutTtl) {
        long start = System.nanoTime();
        return confirmedIfSlow(eventId, start, markInCheckoutOnce(eventId, holdId, fanId, orderId, checkoutTtl));
    }

    private HoldResult markInCheckoutOnce(String eventId, String holdId, String fanId, String orderId,
                                          Duration checkoutTtl) {
        long now = clock.millis();
        Optional<StockKey> key = key(eventId, holdId);
        if (key.isEmpty()) {
            return HoldResult.of(HoldResult.Outcome.NOT_FOUND);
        }
        // The fan's record is extended first, so it never ends before the hold it counts (on the home stripe itself,
        // the hold's own step extends it).
        StockKey homeKey = layout(eventId).map(e -> homeKey(e, fanId)).orElse(null);
        if (homeKey != null && !homeKey.equals(key.get())) {
            stock.executeOnKey(homeKey, new FanHolds.Extend(fanId, holdId, now + checkoutTtl.toMillis(), now));
        }
        return stock.executeOnKey(key.get(), new HoldProcessors.MarkInCheckout(holdId, fanId, orderId, now,
                now + checkoutTtl.toMillis()));
    }

    public HoldResult markSold(String eventId, String holdId, String orderId) {
        long start = System.nanoTime();
        HoldResult result = confirmedIfSlow(eventId, start,
                on(eventId, holdId, new HoldProcessors.MarkSold(holdId, orderId)));
        forgetFor(eventId, result);
        return result;
    }

    /** A sale-path write answered slower than this is read back before it counts: see {@link #confirmedIfSlow}. */
    static final Duration SLOW_WRITE = Duration.ofSeconds(2);

    /**
     * A write that took the sale a step further (hold, in checkout, sold) and was answered slowly is read back
     * before anyone is told: the read goes through the stock map's split-brain protection, so it fails on a member
     * cut off from the majority. Why: a write the cut-off member applied in the first seconds of a network split
     * (before it knew) cannot get its backup acknowledged, and normally fails (Grid: fail on indeterminate state);
     * but NetworkSplitTest saw such a write answered as a success 20-25 s later, when that member dropped the others
     * and no backup was owed any more: a hold the merge then discards, its stock sold again by the majority. A write
     * answered within {@link #SLOW_WRITE} either had its backup acknowledged or ran on a member that still had the
     * majority. Normal writes take milliseconds, so the read-back costs nothing in a drop.
     */
    private HoldResult confirmedIfSlow(String eventId, long startNanos, HoldResult result) {
        if (!result.done() || result.hold() == null || System.nanoTime() - startNanos < SLOW_WRITE.toNanos()) {
            return result;
        }
        Hold now = find(eventId, result.hold().holdId()).orElse(null);
        if (now == null || now.status() != result.hold().status()) {
            throw new com.hazelcast.core.IndeterminateOperationStateException("hold " + result.hold().holdId()
                    + " not found as written after a slow answer: retry the same request");
        }
        return result;
    }

    public HoldResult releaseForOrder(String eventId, String holdId, String orderId) {
        HoldResult result = on(eventId, holdId, new HoldProcessors.ReleaseForOrder(holdId, orderId));
        forgetFor(eventId, result);
        return result;
    }

    private void forgetFor(String eventId, HoldResult result) {
        if (result.done() && result.hold() != null) {
            forgetRecord(eventId, result.hold().fanId(), result.hold().holdId());
        }
    }

    /**
     * Drops the fan's record of a hold that went back to stock or was sold, after its stripe changed. A hold on the
     * fan's home stripe dropped its record in that same step, so there is nothing left to do.
     */
    private void forgetRecord(String eventId, String fanId, String holdId) {
        EventInfo event = layout(eventId).orElse(null);
        if (event == null) {
            return;
        }
        StockKey homeKey = homeKey(event, fanId);
        if (!key(eventId, holdId).map(homeKey::equals).orElse(false)) {
            stock.executeOnKey(homeKey, new FanHolds.Forget(fanId, holdId, clock.millis()));
        }
    }

    /** The category's counters summed over its stripes (units lent between stripes count as available). */
    public StockCounters counters(String eventId, String categoryId) {
        return stock.executeOnKeys(keys(eventId, categoryId), new HoldProcessors.ReadCounters()).values().stream()
                .reduce(StockCounters.EMPTY, StockCounters::plus);
    }

    public StockCounters counters(EventInfo event) {
        return event.categories().stream().map(c -> counters(event.eventId(), c.categoryId()))
                .reduce(StockCounters.EMPTY, StockCounters::plus);
    }

    /** Figures of every category of the event, in catalog order (for operators and metrics gauges). */
    public List<CategoryStock> figures(String eventId) {
        EventInfo event = catalog.find(eventId).orElse(null);
        if (event == null) {
            return List.of();
        }
        List<CategoryStock> out = new ArrayList<>();
        for (CategoryInfo c : event.categories()) {
            Map<StockKey, StockCounters> perStripe = stock.executeOnKeys(keys(eventId, c.categoryId()),
                    new HoldProcessors.ReadCounters());
            StockCounters sum = perStripe.values().stream().reduce(StockCounters.EMPTY, StockCounters::plus);
            int transit = stock.executeOnKeys(keys(eventId, c.categoryId()), new HoldProcessors.ReadInFlight())
                    .values().stream().mapToInt(Integer::intValue).sum();
            out.add(new CategoryStock(eventId, c.categoryId(), stripes(c), sum, transit, c.capacity()));
        }
        return out;
    }

    /** Figures of every category of every event in the catalog. */
    public List<CategoryStock> figures() {
        List<CategoryStock> out = new ArrayList<>();
        for (EventInfo event : catalog.all()) {
            out.addAll(figures(event.eventId()));
        }
        return out;
    }

    /** Every hold on the category's stripes, sold ones included (audits and tests). */
    public List<Hold> holds(String eventId, String categoryId) {
        List<Hold> out = new ArrayList<>();
        stock.executeOnKeys(keys(eventId, categoryId), new HoldProcessors.ReadHolds()).values()
                .forEach(list -> out.addAll(List.of(list.holds())));
        return out;
    }

    /**
     * Checks the invariant of one category and answers its counters: available + held + sold = capacity (none
     * negative), the grid's capacity is the catalog's, and the units of the live (held, in checkout) and sold holds
     * add up to the held and sold counters. Throws {@link IllegalStateException} naming what disagrees.
     */
    public StockCounters audit(String eventId, String categoryId) {
        CategoryInfo category = catalog.find(eventId).flatMap(e -> e.category(categoryId))
                .orElseThrow(() -> new IllegalArgumentException("no such category " + eventId + "/" + categoryId));
        StockCounters counters = counters(eventId, categoryId);
        int live = 0;
        int soldUnits = 0;
        for (Hold h : holds(eventId, categoryId)) {
            if (h.status() == HoldStatus.SOLD) {
                soldUnits += h.quantity();
            } else {
                live += h.quantity();
            }
        }
        if (counters.capacity() != category.capacity() || counters.held() != live || counters.sold() < soldUnits) {
            throw new IllegalStateException("stock audit of " + eventId + "/" + categoryId + " failed: " + counters
                    + " catalog capacity=" + category.capacity() + " units in live holds=" + live
                    + " units in sold holds=" + soldUnits);
        }
        if (category.seated()) {
            auditSeats(eventId, category);
        }
        return counters;
    }

    /**
     * Seated: the grid's seats are the catalog's, each seat in at most one hold, and a seat is held exactly when a
     * live hold has it and sold exactly when a sold hold has it.
     */
    private void auditSeats(String eventId, CategoryInfo category) {
        Map<String, Byte> expected = new java.util.HashMap<>();
        for (Hold h : holds(eventId, category.categoryId())) {
            for (String seat : h.seats()) {
                byte state = h.status() == HoldStatus.SOLD ? Stripe.SEAT_SOLD : Stripe.SEAT_HELD;
                if (expected.put(seat, state) != null) {
                    throw new IllegalStateException("seat audit of " + eventId + "/" + category.categoryId()
                            + " failed: seat " + seat + " is in two holds");
                }
            }
        }
        Set<String> catalogSeats = new HashSet<>();
        category.seating().sections().forEach(s -> catalogSeats.addAll(s.seatIds()));
        Set<String> gridSeats = new HashSet<>();
        for (SectionSeats section : seatMap(eventId, category.categoryId())) {
            for (int i = 0; i < section.seatIds().length; i++) {
                String seat = section.seatIds()[i];
                byte want = expected.getOrDefault(seat, Stripe.SEAT_AVAILABLE);
                if (!gridSeats.add(seat) || section.states()[i] != want) {
                    throw new IllegalStateException("seat audit of " + eventId + "/" + category.categoryId()
                            + " failed: seat " + seat + " is " + section.states()[i] + ", its holds say " + want);
                }
            }
        }
        if (!gridSeats.equals(catalogSeats)) {
            throw new IllegalStateException("seat audit of " + eventId + "/" + category.categoryId()
                    + " failed: the grid's seats are not the catalog's");
        }
    }

    /**
     * Sets a category's capacity. Raising adds available units; lowering removes available units only, so it
     * cannot go below what is held or sold ({@code TOO_LOW}). Edits of one event are serialised by a grid lock.
     * Order: grid first, then the catalog (PostgreSQL first inside it): a crash in between leaves the catalog's
     * capacity behind the grid's, which {@link #audit} reports.
     */
    public CapacityChange changeCapacity(String eventId, String categoryId, int newCapacity) {
        if (newCapacity < 0 || newCapacity > CategoryInfo.MAX_CAPACITY) {
            throw new IllegalArgumentException("capacity must be 0.." + CategoryInfo.MAX_CAPACITY);
        }
        catalog.lock(eventId);
        try {
            EventInfo event = catalog.find(eventId).orElse(null);
            CategoryInfo category = event == null ? null : event.category(categoryId).orElse(null);
            if (category == null) {
                return new CapacityChange(CapacityChange.Outcome.NOT_FOUND, null, 0);
            }
            if (category.seated()) {
                return new CapacityChange(CapacityChange.Outcome.SEATED, counters(eventId, categoryId), 0);
            }
            StockCounters now = counters(eventId, categoryId);
            int delta = newCapacity - now.capacity();
            String opId = "capacity-" + UUID.randomUUID();
            StockKey first = new StockKey(eventId, categoryId, 0);
            if (delta > 0) {
                stock.executeOnKey(first, new HoldProcessors.AddCapacity(opId, delta));
            } else if (delta < 0) {
                // Gather the available units on stripe 0, then remove them there in one step, all or nothing.
                if (stripes(category) > 1) {
                    borrow(eventId, categoryId, stripes(category), 0, -delta);
                }
                if (!stock.executeOnKey(first, new HoldProcessors.RemoveCapacity(opId, -delta))) {
                    StockCounters after = counters(eventId, categoryId);
                    return new CapacityChange(CapacityChange.Outcome.TOO_LOW, after, after.held() + after.sold());
                }
            }
            EventInfo updated = event.withCategory(category.withCapacity(newCapacity));
            catalog.replace(updated);
            layouts.put(eventId, updated);
            return new CapacityChange(CapacityChange.Outcome.DONE, counters(eventId, categoryId), 0);
        } finally {
            catalog.unlock(eventId);
        }
    }

    private Set<StockKey> keys(String eventId, String categoryId) {
        int stripes = layout(eventId).flatMap(e -> e.category(categoryId)).map(Inventory::stripes).orElse(1);
        Set<StockKey> keys = new HashSet<>();
        for (int i = 0; i < stripes; i++) {
            keys.add(new StockKey(eventId, categoryId, i));
        }
        return keys;
    }

    private Optional<EventInfo> layout(String eventId) {
        EventInfo cached = layouts.get(eventId);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<EventInfo> found = catalog.find(eventId);
        found.ifPresent(e -> layouts.put(eventId, e));
        return found;
    }

    static int stripes(CategoryInfo category) {
        return Math.max(1, category.stripes());
    }

    private HoldResult on(String eventId, String holdId,
                          com.hazelcast.map.EntryProcessor<StockKey, Stripe, HoldResult> processor) {
        return key(eventId, holdId).map(k -> stock.executeOnKey(k, processor))
                .orElse(HoldResult.of(HoldResult.Outcome.NOT_FOUND));
    }

    private Optional<StockKey> key(String eventId, String holdId) {
        Optional<HoldId> id = HoldId.parse(holdId);
        if (id.isEmpty()) {
            return Optional.empty();
        }
        int stripes = layout(eventId).flatMap(e -> e.category(id.get().categoryId())).map(Inventory::stripes)
                .orElse(0);
        return id.filter(i -> i.stripe() < stripes).map(i -> new StockKey(eventId, i.categoryId(), i.stripe()));
    }

    /** The stripe keys of one category: where each stripe lives, for tests and tools. */
    public Map<Integer, StockKey> stripeKeys(String eventId, String categoryId) {
        Map<Integer, StockKey> out = new LinkedHashMap<>();
        for (StockKey k : keys(eventId, categoryId)) {
            out.put(k.stripe(), k);
        }
        return out;
    }
}
