package dev.floodgate.edge.queue;

import dev.floodgate.grid.queue.QueueState;

import java.util.Map;
import java.util.Set;
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
    private final Set<String> refreshing = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> tickets = new ConcurrentHashMap<>();

    LocalCopies(long stateMaxAgeMillis, int maxTickets) {
        this.stateMaxAgeMillis = Math.max(0, stateMaxAgeMillis);
        this.maxTickets = Math.max(0, maxTickets);
    }

    boolean keepsStates() {
        return stateMaxAgeMillis > 0;
    }

    /**
     * The event's state if this edge's copy may answer at {@code nowMillis}, else null and the caller must read the
     * grid (and {@link #remember} it, then {@link #refreshed}). While one caller refreshes, others keep answering
     * from the copy until it is twice the maximum age (a burst of reads does one grid call, not one each).
     */
    QueueState fresh(String eventId, long nowMillis) {
        if (stateMaxAgeMillis <= 0) {
            return null;
        }
        Copy copy = states.get(eventId);
        if (copy == null) {
            refreshing.add(eventId);
            return null;
        }
        long age = nowMillis - copy.asOfMillis;
        if (age >= 0 && age < stateMaxAgeMillis) {
            return copy.state;
        }
        if (!refreshing.add(eventId) && age >= 0 && age < 2 * stateMaxAgeMillis) {
            return copy.state;
        }
        return null;
    }

    void refreshed(String eventId) {
        refreshing.remove(eventId);
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
