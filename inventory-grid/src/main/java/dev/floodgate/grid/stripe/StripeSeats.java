package dev.floodgate.grid.stripe;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A seated stripe's seats (one section): each seat's id and state ({@link Stripe#SEAT_AVAILABLE},
 * {@link Stripe#SEAT_HELD}, {@link Stripe#SEAT_SOLD}), in the section's order. Only the seats; the stripe keeps the
 * counters and holds and changes both in one step. Mutable like its stripe, on the partition thread only.
 */
final class StripeSeats {
    private String[] ids;
    private byte[] states;
    /** Seat id to position; rebuilt when needed (the map is kept in OBJECT format, so it stays warm). */
    private Map<String, Integer> index;

    StripeSeats(String[] ids, byte[] states) {
        if (ids.length != states.length) {
            throw new IllegalArgumentException("seat ids and seat states go together");
        }
        this.ids = ids;
        this.states = states;
    }

    /** Every seat available. */
    static StripeSeats available(String[] ids) {
        return new StripeSeats(ids.clone(), new byte[ids.length]);
    }

    int size() {
        return ids.length;
    }

    /** The seat's position, or -1 when the section has no such seat. */
    int indexOf(String seat) {
        Integer i = index().get(seat);
        return i == null ? -1 : i;
    }

    byte state(int index) {
        return states[index];
    }

    void set(int index, byte state) {
        states[index] = state;
    }

    /** Sets every named seat to {@code state}; a seat the section lacks breaks the caller's hold (it never should). */
    void mark(List<String> seats, byte state, String holdId, StockKey key) {
        for (String seat : seats) {
            int i = indexOf(seat);
            if (i < 0) {
                throw new IllegalStateException("hold " + holdId + " names seat " + seat + " not in " + key);
            }
            states[i] = state;
        }
    }

    /**
     * The seats at fault for an edit (removed ones unknown, not available or named twice; added ones existing or
     * named twice), empty when it can be made.
     */
    List<String> faults(String[] add, String[] remove) {
        List<String> fault = new ArrayList<>();
        Set<Integer> removing = new HashSet<>();
        for (String seat : remove) {
            int i = indexOf(seat);
            if (i < 0 || states[i] != Stripe.SEAT_AVAILABLE || !removing.add(i)) {
                fault.add(seat);
            }
        }
        Set<String> adding = new HashSet<>();
        for (String seat : add) {
            if (indexOf(seat) >= 0 || !adding.add(seat)) {
                fault.add(seat);
            }
        }
        return fault;
    }

    /** Makes an edit {@link #faults} found nothing wrong with: added seats go to the end, available. */
    void edit(String[] add, String[] remove) {
        Set<Integer> removing = new HashSet<>();
        for (String seat : remove) {
            removing.add(indexOf(seat));
        }
        Set<String> adding = new LinkedHashSet<>(List.of(add));
        int n = ids.length - removing.size() + adding.size();
        String[] newIds = new String[n];
        byte[] newStates = new byte[n];
        int k = 0;
        for (int i = 0; i < ids.length; i++) {
            if (!removing.contains(i)) {
                newIds[k] = ids[i];
                newStates[k++] = states[i];
            }
        }
        for (String seat : adding) {
            newIds[k++] = seat; // available (0)
        }
        ids = newIds;
        states = newStates;
        index = null;
    }

    /** Seats per state: {available, held, sold}. */
    int[] counts() {
        int[] count = new int[3];
        for (byte state : states) {
            count[state]++;
        }
        return count;
    }

    String[] ids() {
        return ids.clone();
    }

    byte[] states() {
        return states.clone();
    }

    private Map<String, Integer> index() {
        if (index == null) {
            Map<String, Integer> built = new HashMap<>(ids.length * 2);
            for (int i = 0; i < ids.length; i++) {
                built.put(ids[i], i);
            }
            index = built;
        }
        return index;
    }
}
