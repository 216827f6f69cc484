package dev.floodgate.edge.queue;

import dev.floodgate.grid.queue.QueueState;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What one edge keeps of the grid so that a status read costs no grid call: each event's queue state as of its last
 * read here (answers use it while it is younger than {@code stateMaxAgeMillis}), and the tickets of fans seen here
 * (a ticket never changes while the fan holds the spot; a leave anywhere drops it, see {@link WaitingRoom}).
 * Bounded: when {@code maxTickets} are kept it starts over (the next reads ask the grid again).
 */
final class LocalCopies {
    private record Copy(QueueState state, long asOfMillis) {
    }

    private final long stateMaxAgeMillis;
    private final int maxTickets;
    private final Map<String, Copy> states = new ConcurrentHashMap<>();
    private final Map<String, Integer> tickets;

    LocalCopies(long stateMaxAgeMillis, int maxTickets) {
        this.stateMaxAgeMillis = Math.max(0, stateMaxAgeMillis);
        this.maxTickets = Math.max(0, maxTickets);
        // Sized up front: growing a map of this size under load cost a few percent of a join.
        this.tickets = new ConcurrentHashMap<>(Math.min(this.maxTickets, 1 << 18));
    }

    boolean keepsStates() {
        return stateMaxAgeMillis > 0;
    }

    /**
     * The event's state if this edge's copy is younger than the maximum age at {@code nowMillis}, else null: the
     * caller reads the grid and {@link #remember}s it. Readers that find the copy too old all read the grid (the
     * call is idempotent), so no answer ever comes from an older copy; that costs a few calls per maximum age.
     */
    QueueState fresh(String eventId, long nowMillis) {
        if (stateMaxAgeMillis <= 0) {
            return null;
        }
        Copy copy = states.get(eventId);
        if (copy == null) {
            return null;
        }
        long age = nowMillis - copy.asOfMillis;
        return age >= 0 && age < stateMaxAgeMillis ? copy.state : null;
    }

    /** A state read from (or written to) the grid by a call that started at {@code asOfMillis}; the later wins. */
    void remember(QueueState state, long asOfMillis) {
        if (stateMaxAgeMillis <= 0 || state == null) {
            return;
        }
        Copy next = new Copy(state, asOfMillis);
        states.merge(state.eventId(), next, (old, neu) -> neu.asOfMillis >= old.asOfMillis ? neu : old);
    }

    /** Drops the event's copy: news (pause, close, settings, sold out) must be seen at the next read. */
    void forget(String eventId) {
        states.remove(eventId);
    }

    Integer ticket(String eventId, String fanId) {
        return maxTickets == 0 ? null : tickets.get(key(eventId, fanId));
    }

    void rememberTicket(String eventId, String fanId, int ticket) {
        if (maxTickets == 0) {
            return;
        }
        if (tickets.size() >= maxTickets) {
            tickets.clear();
        }
        tickets.put(key(eventId, fanId), ticket);
    }

    void forgetTicket(String eventId, String fanId) {
        if (maxTickets > 0) {
            tickets.remove(key(eventId, fanId));
        }
    }

    boolean keepsTickets() {
        return maxTickets > 0;
    }

    private static String key(String eventId, String fanId) {
        // Event ids are slugs (no newline), so the key is unambiguous.
        return eventId + '\n' + fanId;
    }
}
