package dev.floodgate.edge.queue;

import dev.floodgate.grid.queue.QueueState;
import dev.floodgate.grid.queue.Shuffle;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The shuffled places of each opened queue's pre-queue, computed once per edge from the revealed seed (the seed and
 * the pre-queue size never change after opening). Queues with up to {@link #MAX_TABLE} pre-queue tickets keep a
 * table (8 bytes per ticket on the edge, nothing in the grid); larger ones compute each place (180 hashes).
 */
final class Places {
    static final int MAX_TABLE = 2_000_000;

    private record Table(byte[] seed, long size, Shuffle shuffle, int[] places, int[] tickets) {
    }

    private final Map<String, Table> tables = new ConcurrentHashMap<>();

    /** The 1-based place of a ticket, or 0 while the queue has not opened. */
    long placeOf(QueueState state, long ticket) {
        if (!state.opened()) {
            return 0;
        }
        if (ticket > state.preQueueSize()) {
            return ticket;
        }
        Table table = table(state);
        return table.places != null ? table.places[(int) (ticket - 1)] : table.shuffle.shuffledIndex(ticket - 1) + 1;
    }

    /** Tickets in place order for places {@code from..from+count-1} (1-based) of the shuffled pre-queue. */
    long[] ticketsAt(QueueState state, long from, int count) {
        long size = state.preQueueSize();
        if (!state.opened() || size == 0 || from > size) {
            return new long[0];
        }
        Table table = table(state);
        if (table.tickets == null) {
            throw new UnsupportedOperationException("pre-queue too large to list");
        }
        int n = (int) Math.min(count, size - from + 1);
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = table.tickets[(int) (from - 1 + i)];
        }
        return out;
    }

    private Table table(QueueState state) {
        String eventId = state.eventId();
        Table table = tables.get(eventId);
        byte[] seed = state.revealedSeed();
        if (table != null && table.size == state.preQueueSize() && Arrays.equals(table.seed, seed)) {
            return table;
        }
        long size = state.preQueueSize();
        Shuffle shuffle = new Shuffle(seed, Math.max(1, size));
        int[] places = null;
        int[] tickets = null;
        if (size <= MAX_TABLE && size > 0) {
            places = shuffle.places();
            tickets = new int[places.length];
            for (int t = 1; t <= places.length; t++) {
                tickets[places[t - 1] - 1] = t;
            }
        }
        table = new Table(seed, size, shuffle, places, tickets);
        tables.put(eventId, table);
        return table;
    }
}
