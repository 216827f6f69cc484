package dev.floodgate.edge.event;

import dev.floodgate.contracts.http.Json;
import dev.floodgate.grid.catalog.SeatId;
import dev.floodgate.grid.inventory.Inventory;
import dev.floodgate.grid.stripe.Stripe;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The seat map of a seated category as fans see it: per section, per row, the seat numbers and one letter per seat
 * ({@code A} available, {@code H} held, {@code S} sold). Built from one read-only grid call per section and kept
 * for {@code maxAgeMillis} as ready JSON, so a crowd reading the map costs the grid one read per category and
 * interval (one caller builds it; the others wait for it or take the previous one while it is fresh).
 */
public final class SeatMap {
    /** Categories whose maps are kept; past this the cache starts over (bounded memory). */
    static final int MAX_CACHED = 1_000;

    public record View(String eventId, String categoryId, int capacity, int available, int held, int sold,
                       List<SectionView> sections) {
    }

    public record SectionView(String sectionId, List<RowView> rows) {
    }

    /** {@code states.charAt(i)} is the state of seat {@code seats.get(i)}. */
    public record RowView(String rowId, List<Integer> seats, String states) {
    }

    private record Built(long atMillis, byte[] json) {
    }

    /** One slot per category: whoever finds it stale rebuilds it, under the slot's lock. */
    private static final class Slot {
        private Built built;
    }

    private final Inventory inventory;
    private final long maxAgeMillis;
    private final LongSupplier clock;
    private final Map<String, Slot> slots = new ConcurrentHashMap<>();

    public SeatMap(Inventory inventory, long maxAgeMillis, LongSupplier clock) {
        this.inventory = inventory;
        this.maxAgeMillis = maxAgeMillis;
        this.clock = clock;
    }

    /** The map as JSON, at most {@code maxAgeMillis} old. */
    public byte[] json(String eventId, String categoryId) {
        if (slots.size() > MAX_CACHED) {
            slots.clear();
        }
        Slot slot = slots.computeIfAbsent(eventId + "/" + categoryId, k -> new Slot());
        synchronized (slot) {
            long now = clock.getAsLong();
            if (slot.built == null || now - slot.built.atMillis() >= maxAgeMillis) {
                slot.built = new Built(now, Json.write(build(eventId, categoryId)));
            }
            return slot.built.json();
        }
    }

    View build(String eventId, String categoryId) {
        List<SectionView> sections = new ArrayList<>();
        int[] count = new int[3];
        for (Inventory.SectionSeats section : inventory.seatMap(eventId, categoryId)) {
            Map<String, TreeMap<Integer, Byte>> rows = new LinkedHashMap<>();
            for (int i = 0; i < section.seatIds().length; i++) {
                SeatId seat = SeatId.parse(section.seatIds()[i]).orElseThrow();
                rows.computeIfAbsent(seat.row(), k -> new TreeMap<>()).put(seat.number(), section.states()[i]);
                count[section.states()[i]]++;
            }
            List<RowView> rowViews = new ArrayList<>();
            rows.forEach((rowId, seats) -> {
                StringBuilder states = new StringBuilder(seats.size());
                seats.values().forEach(s -> states.append(letter(s)));
                rowViews.add(new RowView(rowId, List.copyOf(seats.keySet()), states.toString()));
            });
            sections.add(new SectionView(section.sectionId(), rowViews));
        }
        int capacity = count[0] + count[1] + count[2];
        return new View(eventId, categoryId, capacity, count[Stripe.SEAT_AVAILABLE], count[Stripe.SEAT_HELD],
                count[Stripe.SEAT_SOLD], sections);
    }

    private static char letter(byte state) {
        return switch (state) {
            case Stripe.SEAT_AVAILABLE -> 'A';
            case Stripe.SEAT_HELD -> 'H';
            case Stripe.SEAT_SOLD -> 'S';
            default -> throw new IllegalStateException("seat state " + state);
        };
    }
}
