package dev.floodgate.edge.queue;

import dev.floodgate.grid.queue.QueueProcessors;
import dev.floodgate.grid.queue.QueueState;
import dev.floodgate.grid.queue.QueueStatus;
import dev.floodgate.grid.queue.Spot;
import dev.floodgate.grid.queue.SpotKey;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.floodgate.contracts.error.ApiException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * The waiting rooms of all events, leaderless: each event's {@link QueueState} is one grid entry changed by entry
 * processors, each fan's {@link Spot} another. A fan's status read costs one processor call on the state (which also
 * admits whatever the elapsed time allows, idempotently) and one read of the spot, plus one write the first time
 * the fan is seen admitted. Nothing scans.
 *
 * <p>Not yet here (later issues): pre-queue shuffle (positions are in join order), SSE pushes, per-fan caps across
 * events, bot checks, a near cache for the hot state entry.
 */
public final class WaitingRoom {
    public static final String STATE_MAP = QueueState.MAP;
    public static final String SPOTS_MAP = QueueState.SPOTS_MAP;

    private final IMap<String, QueueState> states;
    private final IMap<SpotKey, Spot> spots;
    private final Clock clock;
    private final Duration admissionWindow;
    private final QueueMetrics metrics;

    public WaitingRoom(HazelcastInstance hz, Clock clock, Duration admissionWindow, QueueMetrics metrics) {
        this.states = hz.getMap(STATE_MAP);
        this.spots = hz.getMap(SPOTS_MAP);
        this.clock = clock;
        this.admissionWindow = admissionWindow;
        this.metrics = metrics;
    }

    /** Creates the event's queue (not open yet) unless it exists; answers the stored state. */
    public QueueState create(String eventId, int ratePerMinute, int batchSize) {
        return states.executeOnKey(eventId,
                new QueueProcessors.Create(QueueState.preQueue(eventId, ratePerMinute, batchSize)));
    }

    /** The queue's state with admissions brought up to now. */
    public Optional<QueueState> state(String eventId) {
        return Optional.ofNullable(states.executeOnKey(eventId, new QueueProcessors.Advance(clock.millis())));
    }

    /**
     * Gives the fan a spot, or the spot they already have. Two racing joins of one fan may both take a position,
     * but only one is bound to the fan (putIfAbsent); the other is forfeited and admits nobody.
     */
    public FanPlace join(String eventId, String fanId) {
        SpotKey key = new SpotKey(eventId, fanId);
        Spot existing = spots.get(key);
        if (existing != null) {
            return place(eventId, key, existing, false);
        }
        long position = states.executeOnKey(eventId, new QueueProcessors.TakePosition());
        if (position < 0) {
            throw ApiException.notFound("no queue for this event");
        }
        if (position == 0) {
            throw ApiException.conflict("this event's queue is closed");
        }
        Spot mine = new Spot(position, 0);
        Spot winner = spots.putIfAbsent(key, mine);
        if (winner != null) {
            states.executeOnKey(eventId, new QueueProcessors.Forfeit());
            return place(eventId, key, winner, false);
        }
        metrics.joined();
        return place(eventId, key, mine, true);
    }

    /** Where the fan stands now; 404 when they have not joined. */
    public FanPlace status(String eventId, String fanId) {
        SpotKey key = new SpotKey(eventId, fanId);
        Spot spot = spots.get(key);
        if (spot == null) {
            throw ApiException.notFound("you have not joined this event's queue");
        }
        return place(eventId, key, spot, false);
    }

    public QueueState move(String eventId, QueueStatus target) {
        QueueState after = states.executeOnKey(eventId, new QueueProcessors.Move(target, clock.millis()));
        if (after == null) {
            throw ApiException.notFound("no queue for this event");
        }
        if (after.status() != target) {
            throw ApiException.conflict("the queue cannot go from " + after.status() + " to " + target);
        }
        return after;
    }

    public QueueState changeSettings(String eventId, int ratePerMinute, int batchSize) {
        QueueState after = states.executeOnKey(eventId,
                new QueueProcessors.ChangeSettings(ratePerMinute, batchSize, clock.millis()));
        if (after == null) {
            throw ApiException.notFound("no queue for this event");
        }
        return after;
    }

    private FanPlace place(String eventId, SpotKey key, Spot spot, boolean newlyJoined) {
        long now = clock.millis();
        QueueState state = states.executeOnKey(eventId, new QueueProcessors.Advance(now));
        if (state == null) {
            throw ApiException.notFound("no queue for this event");
        }
        if (spot.position() <= state.admittedUpTo()) {
            if (!spot.admissionStamped()) {
                QueueProcessors.Stamped stamped = spots.executeOnKey(key, new QueueProcessors.StampAdmission(now));
                if (stamped.justNow()) {
                    metrics.admitted();
                }
                spot = stamped.spot();
            }
            Instant expiresAt = Instant.ofEpochMilli(spot.admittedAtMillis()).plus(admissionWindow)
                    .truncatedTo(ChronoUnit.SECONDS);
            FanPlace.FanState fanState = now < expiresAt.toEpochMilli()
                    ? FanPlace.FanState.ADMITTED : FanPlace.FanState.ADMISSION_EXPIRED;
            return new FanPlace(fanState, spot.position(), 0, 0L, expiresAt, newlyJoined);
        }
        long ahead = spot.position() - state.admittedUpTo() - 1;
        FanPlace.FanState fanState = switch (state.status()) {
            case PRE_QUEUE -> FanPlace.FanState.PRE_QUEUE;
            case OPEN -> FanPlace.FanState.WAITING;
            case PAUSED -> FanPlace.FanState.PAUSED;
            case CLOSED -> FanPlace.FanState.CLOSED;
        };
        Long wait = state.status() == QueueStatus.OPEN ? estimatedWaitSeconds(state, ahead, now) : null;
        return new FanPlace(fanState, spot.position(), ahead, wait, null, newlyJoined);
    }

    /** Batches until the fan's turn times the interval, less the part of the current interval already gone. */
    static long estimatedWaitSeconds(QueueState state, long fansAhead, long nowMillis) {
        long batches = Math.ceilDiv(fansAhead + 1, state.batchSize());
        long millis = batches * state.batchIntervalMillis() - Math.max(0, nowMillis - state.lastAdmissionAtMillis());
        return Math.ceilDiv(Math.max(0, millis), 1000L);
    }
}
