package dev.floodgate.edge.queue;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.crdt.pncounter.PNCounter;
import com.hazelcast.map.IMap;
import com.hazelcast.topic.ITopic;
import dev.floodgate.contracts.error.ApiException;
import dev.floodgate.contracts.error.ErrorCode;
import dev.floodgate.grid.queue.QueueProcessors;
import dev.floodgate.grid.queue.QueueState;
import dev.floodgate.grid.queue.QueueStatus;
import dev.floodgate.grid.queue.Shuffle;
import dev.floodgate.grid.stripe.StockCounters;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The waiting rooms of all events, leaderless: each event's {@link QueueState} is one grid entry changed by entry
 * processors; each fan's spot is one entry {@code fanId -> ticket} in the event's spot map. Nothing else is stored
 * per fan.
 *
 * <p>Costs: a status read answers from this edge's copies ({@link LocalCopies}): the fan's ticket (fixed while
 * they hold the spot) and the event's state, re-read from the grid through the state processor (which also admits
 * what the elapsed time, the cap and the stock allow, idempotently) once the copy is {@code stateMaxAge} old. So an
 * answer never comes from a state older than {@code stateMaxAge}: a fan whose turn has come sees ADMITTED at most
 * that much later, and sooner on news (pause, close, settings, sold out: the grid topic drops every edge's copy).
 * Before an admission is answered the ticket is confirmed with the grid, so a fan who left through another edge is
 * never admitted on a stale copy.
 * A join is one get, one processor call (answering only the ticket when this edge keeps copies) and one
 * putIfAbsent. Nothing scans. The stock goes into the state with each
 * grid call, read from a short per-edge cache.
 */
public final class WaitingRoom {
    public static final String STATE_MAP = QueueState.MAP;
    /** Grid topic of leaves ({@code eventId \n fanId}): every edge drops its copy of that fan's ticket. */
    public static final String LEFT_TOPIC = "floodgate-queue-left";
    /** Grid PN counters of unbound anonymous places, one per event (name + event id). */
    public static final String UNBOUND_COUNTER = "floodgate-queue-unbound.";

    /** Place ids of anonymous visitors start with this; fan ids never contain '~' (uuids, provider:claim). */
    public static final String PLACE_PREFIX = "place~";
    /** How long an anonymous place whose turn came waits to be bound, unless configured. */
    public static final Duration DEFAULT_SIGN_IN_GRACE = Duration.ofMinutes(2);

    private static final SecureRandom RANDOM = new SecureRandom();

    private final HazelcastInstance hz;
    private final IMap<String, QueueState> states;
    private final Clock clock;
    private final Duration admissionWindow;
    private final QueueMetrics metrics;
    private final StockSource stock;
    private final double holdReturnShare;
    private final Places places = new Places();
    private final Map<String, Boolean> soldOutSeen = new ConcurrentHashMap<>();
    private final LocalCopies copies;
    private final ITopic<String> left;
    private final UUID leftListener;
    private volatile Consumer<String> onNews = eventId -> {
    };
    private volatile Duration signInGrace = DEFAULT_SIGN_IN_GRACE;
    private volatile Duration stockReserve;

    public WaitingRoom(HazelcastInstance hz, Clock clock, Duration admissionWindow, QueueMetrics metrics) {
        this(hz, clock, admissionWindow, metrics, StockSource.none(), 0.25);
    }

    /**
     * @param holdReturnShare share of held tickets assumed to come back to stock, for the odds (an assumption, not
     *                        a measurement: the inventory does not count returned holds yet)
     */
    public WaitingRoom(HazelcastInstance hz, Clock clock, Duration admissionWindow, QueueMetrics metrics,
                       StockSource stock, double holdReturnShare) {
        this(hz, clock, admissionWindow, metrics, stock, holdReturnShare, Duration.ZERO, 0);
    }

    /**
     * @param stateMaxAge how old this edge's copy of a queue's state may be when a status read answers from it
     *                    (zero: every read goes to the grid)
     * @param maxLocalTickets fans' tickets kept on this edge (zero: none; every read asks the grid)
     */
    public WaitingRoom(HazelcastInstance hz, Clock clock, Duration admissionWindow, QueueMetrics metrics,
                       StockSource stock, double holdReturnShare, Duration stateMaxAge, int maxLocalTickets) {
        this.hz = hz;
        this.copies = new LocalCopies(stateMaxAge.toMillis(), maxLocalTickets);
        if (copies.keepsTickets()) {
            this.left = hz.getTopic(LEFT_TOPIC);
            this.leftListener = left.addMessageListener(m -> {
                String[] parts = m.getMessageObject().split("\n", 2);
                if (parts.length == 2) {
                    copies.forgetTicket(parts[0], parts[1]);
                }
            });
        } else {
            this.left = null;
            this.leftListener = null;
        }
        this.states = hz.getMap(STATE_MAP);
        this.clock = clock;
        this.admissionWindow = admissionWindow;
        this.metrics = metrics;
        this.stock = stock;
        this.holdReturnShare = holdReturnShare;
        this.stockReserve = Duration.ofMillis(Math.min(admissionWindow.toMillis(), QueueState.DEFAULT_RESERVE_MILLIS));
    }

    /**
     * How long after admission a shopper who has taken nothing yet has stock reserved for them (1 ms..the admission
     * window), for queues created from now on. Longer keeps more of the last tickets for slow shoppers; shorter
     * sells out sooner when admitted fans walk away without holding.
     */
    public void stockReserve(Duration reserve) {
        if (reserve.toMillis() < 1 || reserve.compareTo(admissionWindow) > 0) {
            throw new IllegalArgumentException("admission.reserve-millis must be 1.." + admissionWindow.toMillis());
        }
        this.stockReserve = reserve;
    }

    /**
     * How long an anonymous place whose turn came may take to be bound before it yields its turn (at most the
     * admission window: a bound place is admitted for what is left of it).
     */
    public void signInGrace(Duration grace) {
        if (grace.isNegative() || grace.compareTo(admissionWindow) > 0) {
            throw new IllegalArgumentException("queue.sign-in-grace-millis must be 0.." + admissionWindow.toMillis());
        }
        this.signInGrace = grace;
    }

    /** Called with an event id when this edge sees the queue change in a way fans must hear of at once. */
    void onNews(Consumer<String> listener) {
        this.onNews = listener;
    }

    private IMap<String, Integer> spots(String eventId) {
        return hz.getMap(QueueState.spotsMap(eventId));
    }

    /** Creates the event's queue (not open yet, with a fresh secret seed) unless it exists; answers the state. */
    public QueueState create(String eventId, int ratePerMinute, int batchSize, int activeCap) {
        byte[] seed = new byte[Shuffle.SEED_BYTES];
        RANDOM.nextBytes(seed);
        return states.executeOnKey(eventId, new QueueProcessors.Create(QueueState.preQueue(eventId, ratePerMinute,
                batchSize, activeCap, admissionWindow.toMillis(), stockReserve.toMillis(), seed)));
    }

    public QueueState create(String eventId, int ratePerMinute, int batchSize) {
        return create(eventId, ratePerMinute, batchSize, 0);
    }

    /** The queue's state with the current stock taken in and admissions brought up to now. */
    public Optional<QueueState> state(String eventId) {
        return Optional.ofNullable(advance(eventId));
    }

    /** Reads the grid: takes the current stock in and admits what the time allows (any edge, idempotent). */
    QueueState advance(String eventId) {
        long now = clock.millis();
        Optional<StockCounters> counters = stock.read(eventId);
        QueueProcessors.Advance advance = counters
                .map(c -> new QueueProcessors.Advance(now, true, c.available(), c.held(), c.sold()))
                .orElse(QueueProcessors.Advance.timeOnly(now));
        return remember(seen(states.executeOnKey(eventId, advance)), now);
    }

    /** This edge's copy of the state while young enough, else {@link #advance} (see the class comment). */
    QueueState current(String eventId) {
        QueueState copy = copies.fresh(eventId, clock.millis());
        return copy != null ? copy : advance(eventId);
    }

    /**
     * The state as last advanced (this edge's copy while young enough, else the grid's, read-only): for observers such
     * as the metrics, which must not move admission themselves (an advance while nobody waits banks no credit, so a
     * gauge's advance would decide when the next fan is let in).
     */
    QueueState peek(String eventId) {
        QueueState copy = copies.fresh(eventId, clock.millis());
        return copy != null ? copy : states.executeOnKey(eventId, new QueueProcessors.Read());
    }

    private QueueState remember(QueueState state, long asOfMillis) {
        copies.remember(state, asOfMillis);
        return state;
    }

    /** News about the event reached this edge: the next read goes to the grid. */
    void forget(String eventId) {
        copies.forget(eventId);
    }

    private QueueState seen(QueueState state) {
        if (state != null) {
            seenSoldOut(state.eventId(), state.soldOut());
        }
        return state;
    }

    private void seenSoldOut(String eventId, boolean soldOut) {
        Boolean before = soldOutSeen.put(eventId, soldOut);
        if (before != null && before != soldOut) {
            onNews.accept(eventId);
        }
    }

    /**
     * Gives the fan a ticket, or the one they already have. Two racing joins of one fan may both take a ticket,
     * but only one is bound to the fan (putIfAbsent); the other is forfeited and admits nobody.
     */
    public FanPlace join(String eventId, String fanId) {
        IMap<String, Integer> spots = spots(eventId);
        Integer existing = spots.get(fanId);
        if (existing != null) {
            copies.rememberTicket(eventId, fanId, existing);
            return status(eventId, existing);
        }
        long now = clock.millis();
        Optional<StockCounters> counters = stock.read(eventId);
        boolean stockKnown = counters.isPresent();
        int available = counters.map(StockCounters::available).orElse(0);
        int held = counters.map(StockCounters::held).orElse(0);
        int sold = counters.map(StockCounters::sold).orElse(0);
        QueueState after = null;
        QueueProcessors.Ticket taken;
        if (copies.keepsStates()) {
            // The view comes from this edge's copy (as for a status read), so the grid need not send the state.
            taken = states.executeOnKey(eventId, new QueueProcessors.TakeTicketBrief(now, stockKnown, available,
                    held, sold));
            if (taken != null) {
                seenSoldOut(eventId, taken.soldOut());
            }
        } else {
            after = remember(seen(states.executeOnKey(eventId, new QueueProcessors.TakeTicket(now, stockKnown,
                    available, held, sold))), now);
            taken = after == null ? null : new QueueProcessors.Ticket(after.acceptsJoins() ? after.issued() : 0,
                    after.status(), after.soldOut());
        }
        if (taken == null) {
            throw ApiException.notFound("no queue for this event");
        }
        if (taken.status() == QueueStatus.CLOSED) {
            throw ApiException.conflict("this event's queue is closed").withCode(ErrorCode.QUEUE_CLOSED);
        }
        if (taken.soldOut()) {
            throw ApiException.conflict("sold out: no tickets are left for this event, so the queue takes no new "
                    + "fans; try again later in case held tickets return").withCode(ErrorCode.SOLD_OUT);
        }
        long ticket = taken.ticket();
        if (ticket > Integer.MAX_VALUE) {
            throw ApiException.unavailable("this queue is full").withCode(ErrorCode.QUEUE_FULL);
        }
        Integer winner = spots.putIfAbsent(fanId, (int) ticket);
        if (winner != null) {
            states.executeOnKey(eventId, new QueueProcessors.Forfeit());
            copies.rememberTicket(eventId, fanId, winner);
            return status(eventId, winner);
        }
        copies.rememberTicket(eventId, fanId, (int) ticket);
        metrics.joined();
        return (after != null ? view(after, ticket, now) : status(eventId, ticket)).joined(true);
    }

    /** The fan's ticket in the event's queue as the grid has it, or null when they have not joined. */
    public Integer ticketOf(String eventId, String fanId) {
        Integer ticket = spots(eventId).get(fanId);
        if (ticket != null) {
            copies.rememberTicket(eventId, fanId, ticket);
        }
        return ticket;
    }

    /** Where the fan stands now (from this edge's copies, see the class comment); 404 when they have not joined. */
    public FanPlace status(String eventId, String fanId) {
        Integer ticket = copies.ticket(eventId, fanId);
        boolean local = ticket != null;
        if (!local) {
            ticket = ticketOf(eventId, fanId);
        }
        if (ticket == null) {
            throw ApiException.notFound("you have not joined this event's queue");
        }
        FanPlace place = status(eventId, ticket);
        if (local && place.state() == FanPlace.FanState.ADMITTED) {
            // An admission token is about to be given: the spot must still be this fan's in the grid.
            Integer confirmed = ticketOf(eventId, fanId);
            if (!ticket.equals(confirmed)) {
                copies.forgetTicket(eventId, fanId);
                return status(eventId, fanId);
            }
        }
        return place;
    }

    private FanPlace status(String eventId, long ticket) {
        QueueState state = current(eventId);
        if (state == null) {
            throw ApiException.notFound("no queue for this event");
        }
        return view(state, ticket, clock.millis());
    }

    /**
     * The fan gives up their spot. If admitted, their admission ends now (they stop counting as an active shopper);
     * if waiting, their place admits nobody. Answers whether they had a spot.
     */
    public boolean leave(String eventId, String fanId) {
        Integer ticket = spots(eventId).remove(fanId);
        forgetEverywhere(eventId, fanId);
        if (ticket == null) {
            return false;
        }
        placeGone(eventId, fanId);
        finish(eventId, ticket, took(eventId).remove(fanId) != null);
        return true;
    }

    /**
     * The fan took stock (a hold went through): the first time in their admission, the queue stops reserving stock
     * for them. Later holds, and fans without a spot (admitted some other way), change nothing.
     */
    public void tookStock(String eventId, String fanId) {
        if (took(eventId).putIfAbsent(fanId, Boolean.TRUE, 2 * admissionWindow.toMillis(),
                TimeUnit.MILLISECONDS) != null) {
            return;
        }
        Integer ticket = ticketOf(eventId, fanId);
        QueueState state = ticket == null ? null : current(eventId);
        if (state == null) {
            return;
        }
        long now = clock.millis();
        remember(states.executeOnKey(eventId, new QueueProcessors.Took(places.placeOf(state, ticket), now)), now);
    }

    private IMap<String, Boolean> took(String eventId) {
        return hz.getMap(QueueState.tookMap(eventId));
    }

    /** Every edge drops its copy of this key's ticket (the key's spot changed or went). */
    private void forgetEverywhere(String eventId, String key) {
        copies.forgetTicket(eventId, key);
        if (left != null) {
            left.publish(eventId + '\n' + key);
        }
    }

    /** The spot of {@code ticket} is given up: its admission, if running, ends now; else it admits nobody. */
    private void finish(String eventId, long ticket) {
        finish(eventId, ticket, false);
    }

    private void finish(String eventId, long ticket, boolean tookStock) {
        QueueState state = advance(eventId);
        long place = state == null ? 0 : places.placeOf(state, ticket);
        long now = clock.millis();
        remember(states.executeOnKey(eventId, new QueueProcessors.Finish(place, now, tookStock)), now);
    }

    /** An anonymous visitor's new place: its id (the place token's subject) and where it stands. */
    public record Anonymous(String placeId, FanPlace place) {
    }

    /** A visitor without a session takes a place: nothing is stored but the grid's spot, as for a fan's join. */
    public Anonymous joinAnonymously(String eventId) {
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        String placeId = PLACE_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(id);
        Anonymous taken = new Anonymous(placeId, join(eventId, placeId));
        unbound(eventId).incrementAndGet();
        return taken;
    }

    /** Anonymous places of the event still in the queue and not bound (a grid PN counter: AP, no CP subsystem). */
    public long unboundPlaces(String eventId) {
        return Math.max(0, unbound(eventId).get());
    }

    private PNCounter unbound(String eventId) {
        return hz.getPNCounter(UNBOUND_COUNTER + eventId);
    }

    /** A place's spot went (bound, yielded, left): exactly once, by whoever removed it. */
    private void placeGone(String eventId, String id) {
        if (isPlace(id)) {
            unbound(eventId).decrementAndGet();
        }
    }

    public static boolean isPlace(String id) {
        return id.startsWith(PLACE_PREFIX);
    }

    /**
     * Where an anonymous place stands. When its turn has come it is AWAITING_SIGN_IN until the grace time after its
     * admission (its admission expiry then says by when); past that it yields its turn: the spot goes (once, by
     * whichever edge removes it) and the answer is ADMISSION_EXPIRED.
     */
    public FanPlace placeStatus(String eventId, String placeId) {
        FanPlace place = status(eventId, placeId);
        if (place.state() == FanPlace.FanState.ADMISSION_EXPIRED) {
            // Its whole window passed unread: the spot goes now (nothing to finish, the admission is over).
            if (spots(eventId).remove(placeId, (int) place.ticket())) {
                placeGone(eventId, placeId);
                forgetEverywhere(eventId, placeId);
            }
            return place;
        }
        if (place.state() != FanPlace.FanState.ADMITTED) {
            return place;
        }
        Instant expires = place.admissionExpiresAt();
        Instant signInBy = expires.minus(admissionWindow).plus(signInGrace);
        if (signInBy.isAfter(expires)) {
            signInBy = expires;
        }
        if (clock.instant().isBefore(signInBy)) {
            return place.withState(FanPlace.FanState.AWAITING_SIGN_IN, signInBy);
        }
        if (spots(eventId).remove(placeId, (int) place.ticket())) {
            placeGone(eventId, placeId);
            forgetEverywhere(eventId, placeId);
            finish(eventId, place.ticket());
        }
        return place.withState(FanPlace.FanState.ADMISSION_EXPIRED, signInBy);
    }

    /**
     * Binds an anonymous place to a fan: one place per account. When the fan holds no place the place becomes
     * theirs; when they hold one, the earlier of the two (the lower place; before opening, the lower ticket) is kept
     * and the other given up, so binding more places never improves a fan's turn nor takes an admission away, and
     * never gives two admissions, also when two edges bind two places of one fan at once (the choice is one atomic
     * step on the fan's spot). A bind repeated after it went through
     * answers the fan's place. 404 when neither the place nor a place of the fan is there; 409 when the place's
     * turn has passed.
     */
    public FanPlace bind(String eventId, String placeId, String fanId) {
        if (!isPlace(placeId) || isPlace(fanId)) {
            throw new IllegalArgumentException("bind takes a place id and a fan id");
        }
        IMap<String, Integer> spots = spots(eventId);
        Integer placeTicket = spots.get(placeId);
        if (placeTicket == null) {
            if (ticketOf(eventId, fanId) == null) {
                throw ApiException.notFound("this place is no longer in the queue (it was bound, left or yielded "
                        + "its turn)");
            }
            return status(eventId, fanId);
        }
        if (placeStatus(eventId, placeId).state() == FanPlace.FanState.ADMISSION_EXPIRED) {
            throw ApiException.conflict("this place's turn has passed: it was not bound in time");
        }
        // Fresh from the grid (not this edge's copy): whether the queue has opened decides what "earlier" means.
        QueueState state = advance(eventId);
        long[] kept = spots.executeOnKey(fanId, new QueueProcessors.KeepEarlier(placeTicket,
                state == null ? null : state.revealedSeed(), state == null ? -1 : state.preQueueSize()));
        if (spots.remove(placeId, placeTicket)) {
            placeGone(eventId, placeId);
            forgetEverywhere(eventId, placeId);
            if (kept[0] != placeTicket) {
                finish(eventId, placeTicket);
            }
        }
        if (kept[1] != 0) {
            finish(eventId, kept[1]);
        }
        forgetEverywhere(eventId, fanId);
        return status(eventId, fanId);
    }

    /** The fan's view of a state: arithmetic only (no grid call), so a push to many fans costs one state read. */
    FanPlace view(QueueState state, long ticket, long now) {
        if (!state.opened()) {
            return new FanPlace(state.status() == QueueStatus.CLOSED ? FanPlace.FanState.CLOSED
                    : FanPlace.FanState.PRE_QUEUE, ticket, null, null, null,
                    chance(state, state.waiting() / 2.0, now), null, false);
        }
        long place = places.placeOf(state, ticket);
        long endsAt = state.admissionEndsAt(place);
        if (endsAt >= 0) {
            Instant expires = Instant.ofEpochMilli(endsAt).truncatedTo(ChronoUnit.SECONDS);
            FanPlace.FanState fanState = now < expires.toEpochMilli()
                    ? FanPlace.FanState.ADMITTED : FanPlace.FanState.ADMISSION_EXPIRED;
            return new FanPlace(fanState, ticket, place, 0L, 0L, null, expires, false);
        }
        long ahead = place - state.admittedUpTo() - 1;
        FanPlace.FanState fanState = switch (state.status()) {
            case PRE_QUEUE, OPEN -> state.soldOut() ? FanPlace.FanState.SOLD_OUT : FanPlace.FanState.WAITING;
            case PAUSED -> state.soldOut() ? FanPlace.FanState.SOLD_OUT : FanPlace.FanState.PAUSED;
            case CLOSED -> FanPlace.FanState.CLOSED;
        };
        Long wait = fanState == FanPlace.FanState.WAITING ? estimatedWaitSeconds(state, ahead, now) : null;
        Double chance = fanState == FanPlace.FanState.CLOSED ? Double.valueOf(0) : chance(state, ahead, now);
        return new FanPlace(fanState, ticket, place, ahead, wait, chance, null, false);
    }

    /**
     * From the measured admission rate (admissions over the last minute, which already reflects the cap and the
     * stock): whole batches until the fan's turn, over that rate. Null while nothing was admitted lately.
     */
    static Long estimatedWaitSeconds(QueueState state, long fansAhead, long nowMillis) {
        double perSecond = state.measuredRatePerSecond(nowMillis);
        if (perSecond <= 0) {
            return null;
        }
        long batches = Math.ceilDiv(fansAhead + 1, state.batchSize());
        return (long) Math.ceil(batches * state.batchSize() / perSecond);
    }

    /**
     * Honest odds: the tickets that can still reach the fan's place (available, plus the assumed share of held ones
     * coming back, less what active shoppers are still expected to take and what the fans ahead are expected to
     * take at the measured tickets per admitted fan), over what the fan is expected to take, clamped to 0..1.
     * Null while the stock is unknown.
     */
    Double chance(QueueState state, double fansAhead, long nowMillis) {
        if (!state.stockKnown()) {
            return null;
        }
        if (state.available() == 0 && state.held() == 0) {
            return 0.0;
        }
        double perFan = state.ticketsPerFan();
        double supply = state.available() + holdReturnShare * state.held() - state.pendingDemand(nowMillis)
                - fansAhead * perFan;
        double chance = Math.max(0, Math.min(1, supply / perFan));
        return Math.round(chance * 100) / 100.0;
    }

    public QueueState move(String eventId, QueueStatus target) {
        long now = clock.millis();
        QueueState after = remember(states.executeOnKey(eventId, new QueueProcessors.Move(target, now)), now);
        if (after == null) {
            throw ApiException.notFound("no queue for this event");
        }
        if (after.status() != target) {
            throw ApiException.conflict("the queue cannot go from " + after.status() + " to " + target);
        }
        onNews.accept(eventId);
        return after;
    }

    /** New rate, batch size and (when not null) cap on active shoppers (0 = none). */
    public QueueState changeSettings(String eventId, int ratePerMinute, int batchSize, Integer activeCap) {
        QueueState current = states.executeOnKey(eventId, new QueueProcessors.Read());
        if (current == null) {
            throw ApiException.notFound("no queue for this event");
        }
        long now = clock.millis();
        QueueState after = remember(states.executeOnKey(eventId, new QueueProcessors.ChangeSettings(ratePerMinute,
                batchSize, activeCap == null ? current.activeCap() : activeCap, now)), now);
        if (after == null) {
            throw ApiException.notFound("no queue for this event");
        }
        onNews.accept(eventId);
        return after;
    }

    /** Schedules the opening (null clears it); 409 once the queue has opened. */
    public QueueState schedule(String eventId, Instant opensAt) {
        long now = clock.millis();
        QueueState after = remember(states.executeOnKey(eventId, new QueueProcessors.Schedule(
                opensAt == null ? 0 : opensAt.toEpochMilli(), now)), now);
        if (after == null) {
            throw ApiException.notFound("no queue for this event");
        }
        if (after.opened()) {
            throw ApiException.conflict("the queue has already opened");
        }
        return after;
    }

    /** Tickets at places {@code from..} of the shuffled pre-queue (empty before opening). */
    public long[] shuffledTickets(QueueState state, long from, int count) {
        return places.ticketsAt(state, from, count);
    }

    public long now() {
        return clock.millis();
    }

    HazelcastInstance hazelcast() {
        return hz;
    }

    /** Stops listening for leaves (the edge closes). */
    public void close() {
        if (left != null) {
            try {
                left.removeMessageListener(leftListener);
            } catch (RuntimeException e) {
                // The grid is already gone: nothing listens any more.
            }
        }
    }
}
