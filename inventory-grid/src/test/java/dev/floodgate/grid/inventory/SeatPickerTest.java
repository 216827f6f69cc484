package dev.floodgate.grid.inventory;

import dev.floodgate.grid.catalog.Seating;
import dev.floodgate.grid.stripe.Stripe;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** "Best available": adjacent seats nearest a row's middle, else any seats of one section (pure, no member). */
class SeatPickerTest {
    /** A section of {@code rows} rows of {@code perRow} seats, the named seats not available. */
    private static Inventory.SectionSeats section(String id, int rows, int perRow, String... taken) {
        Seating.Section section = new Seating.Section(id, java.util.stream.IntStream.rangeClosed(1, rows)
                .mapToObj(r -> Seating.Row.of(Integer.toString(r), perRow)).toList());
        String[] ids = section.seatIds().toArray(new String[0]);
        byte[] states = new byte[ids.length];
        List<String> takenList = List.of(taken);
        for (int i = 0; i < ids.length; i++) {
            states[i] = takenList.contains(ids[i]) ? Stripe.SEAT_HELD : Stripe.SEAT_AVAILABLE;
        }
        return new Inventory.SectionSeats(id, ids, states);
    }

    @Test
    void adjacentSeatsNearestTheMiddleOfTheFirstRowThatHasThem() {
        assertThat(SeatPicker.pick(List.of(section("A", 2, 10)), 2)).containsExactly("A-1-5", "A-1-6");
        assertThat(SeatPicker.pick(List.of(section("A", 2, 5, "A-1-2", "A-1-4")), 2))
                .containsExactly("A-2-2", "A-2-3");
    }

    @Test
    void withoutAdjacentSeatsAnySeatsOfOneSection() {
        Inventory.SectionSeats gappy = section("A", 2, 3, "A-1-2", "A-2-2");
        assertThat(SeatPicker.pick(List.of(gappy), 3)).containsExactly("A-1-1", "A-1-3", "A-2-1");
    }

    @Test
    void nothingWhenNoSectionHasEnoughSeats() {
        Inventory.SectionSeats a = section("A", 1, 2, "A-1-1");
        Inventory.SectionSeats b = section("B", 1, 2, "B-1-2");
        assertThat(SeatPicker.pick(List.of(a, b), 2)).isEmpty();
        assertThat(SeatPicker.pick(List.of(a, section("C", 1, 3)), 2)).containsExactly("C-1-1", "C-1-2");
    }
}
