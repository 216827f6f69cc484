package dev.floodgate.grid.catalog;

import java.util.Optional;

/** A seat's stable id, {@code <section>-<row>-<number>} such as {@code A-12-7}. */
public record SeatId(String section, String row, int number) {
    public SeatId {
        if (section == null || !Seating.LABEL.matcher(section).matches() || row == null
                || !Seating.LABEL.matcher(row).matches() || number < 1 || number > Seating.MAX_SEAT_NUMBER) {
            throw new IllegalArgumentException("a seat id is <section>-<row>-<number>: letters or digits,"
                    + " and a number 1.." + Seating.MAX_SEAT_NUMBER);
        }
    }

    public static Optional<SeatId> parse(String text) {
        if (text == null || text.length() > 22) {
            return Optional.empty();
        }
        String[] parts = text.split("-", -1);
        if (parts.length != 3 || parts[2].isEmpty() || parts[2].length() > 4 || parts[2].charAt(0) == '0'
                || !parts[2].chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Optional.empty();
        }
        try {
            return Optional.of(new SeatId(parts[0], parts[1], Integer.parseInt(parts[2])));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return section + "-" + row + "-" + number;
    }
}
