package dev.floodgate.grid.catalog;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The numbered seats of a seated category: sections of rows of numbered seats. Each seat's id is
 * {@code <section>-<row>-<number>} ({@link SeatId}). Each section is one grid entry (see
 * {@code dev.floodgate.grid.stripe.Stripe}): sections are fixed once the event exists (their position is the
 * stripe number that hold ids name); rows and seats within a section can be added and removed.
 */
public record Seating(List<Section> sections) {
    public static final int MAX_SECTIONS = CategoryInfo.MAX_STRIPES;
    /** One section is one grid entry, changed in place: bounded so one entry stays small (~5 bytes a seat). */
    public static final int MAX_SEATS_PER_SECTION = 5_000;
    public static final int MAX_SEATS = 20_000;
    public static final int MAX_ROWS_PER_SECTION = 500;
    public static final int MAX_SEAT_NUMBER = 9_999;
    /** Section and row labels: letters and digits (no dash, so a seat id splits unambiguously). */
    static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]{1,8}");

    /** A row: its label and its seat numbers, ascending, each 1..{@value #MAX_SEAT_NUMBER}. */
    public record Row(String rowId, List<Integer> seats) {
        public Row {
            if (rowId == null || !LABEL.matcher(rowId).matches()) {
                throw new IllegalArgumentException("row ids must be 1-8 letters or digits");
            }
            seats = List.copyOf(seats);
            int last = 0;
            for (int n : seats) {
                if (n <= last || n > MAX_SEAT_NUMBER) {
                    throw new IllegalArgumentException("row " + rowId + ": seat numbers must ascend, each 1.."
                            + MAX_SEAT_NUMBER + " and unique");
                }
                last = n;
            }
        }

        /** Seats 1..count. */
        public static Row of(String rowId, int count) {
            if (count < 0 || count > MAX_SEAT_NUMBER) {
                throw new IllegalArgumentException("a row has 0.." + MAX_SEAT_NUMBER + " seats");
            }
            List<Integer> seats = new ArrayList<>(count);
            for (int i = 1; i <= count; i++) {
                seats.add(i);
            }
            return new Row(rowId, seats);
        }
    }

    public record Section(String sectionId, List<Row> rows) {
        public Section {
            if (sectionId == null || !LABEL.matcher(sectionId).matches()) {
                throw new IllegalArgumentException("section ids must be 1-8 letters or digits");
            }
            rows = List.copyOf(rows);
            if (rows.size() > MAX_ROWS_PER_SECTION) {
                throw new IllegalArgumentException("section " + sectionId + ": at most " + MAX_ROWS_PER_SECTION
                        + " rows");
            }
            Set<String> ids = new HashSet<>();
            for (Row r : rows) {
                if (!ids.add(r.rowId())) {
                    throw new IllegalArgumentException("section " + sectionId + ": row " + r.rowId() + " twice");
                }
            }
            if (seatCount(rows) > MAX_SEATS_PER_SECTION) {
                throw new IllegalArgumentException("section " + sectionId + ": at most " + MAX_SEATS_PER_SECTION
                        + " seats (split it into blocks)");
            }
        }

        public int seatCount() {
            return seatCount(rows);
        }

        private static int seatCount(List<Row> rows) {
            return rows.stream().mapToInt(r -> r.seats().size()).sum();
        }

        /** The seat ids of this section, row by row, in order. */
        public List<String> seatIds() {
            List<String> out = new ArrayList<>(seatCount());
            for (Row r : rows) {
                for (int n : r.seats()) {
                    out.add(new SeatId(sectionId, r.rowId(), n).toString());
                }
            }
            return out;
        }

        /** {@code rowCount} rows labelled 1..rowCount of {@code seatsPerRow} seats each. */
        public static Section grid(String sectionId, int rowCount, int seatsPerRow) {
            if (rowCount < 1 || rowCount > MAX_ROWS_PER_SECTION) {
                throw new IllegalArgumentException("a section has 1.." + MAX_ROWS_PER_SECTION + " rows");
            }
            List<Row> rows = new ArrayList<>();
            for (int r = 1; r <= rowCount; r++) {
                rows.add(Row.of(Integer.toString(r), seatsPerRow));
            }
            return new Section(sectionId, rows);
        }
    }

    public Seating {
        sections = List.copyOf(sections);
        if (sections.isEmpty() || sections.size() > MAX_SECTIONS) {
            throw new IllegalArgumentException("a seated category has 1.." + MAX_SECTIONS + " sections");
        }
        Set<String> ids = new HashSet<>();
        for (Section s : sections) {
            if (!ids.add(s.sectionId())) {
                throw new IllegalArgumentException("section " + s.sectionId() + " twice");
            }
        }
        if (sections.stream().mapToInt(Section::seatCount).sum() > MAX_SEATS) {
            throw new IllegalArgumentException("a seated category has at most " + MAX_SEATS + " seats");
        }
    }

    public int seatCount() {
        return sections.stream().mapToInt(Section::seatCount).sum();
    }

    /** The position of the section (its stripe number), if there is one of that id. */
    public Optional<Integer> sectionIndex(String sectionId) {
        for (int i = 0; i < sections.size(); i++) {
            if (sections.get(i).sectionId().equals(sectionId)) {
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }

    public boolean contains(SeatId seat) {
        return sectionIndex(seat.section()).map(i -> sections.get(i).rows().stream()
                .anyMatch(r -> r.rowId().equals(seat.row()) && r.seats().contains(seat.number()))).orElse(false);
    }

    /**
     * This seating with seats added to and removed from section {@code index}: added seats join their row (a new
     * row goes after the existing ones), rows left empty go. Throws {@link IllegalArgumentException} for a seat
     * added that exists, removed that does not, or of another section.
     */
    public Seating edit(int index, List<SeatId> add, List<SeatId> remove) {
        Section section = sections.get(index);
        Map<String, TreeSet<Integer>> rows = new LinkedHashMap<>();
        for (Row r : section.rows()) {
            rows.put(r.rowId(), new TreeSet<>(r.seats()));
        }
        for (SeatId s : remove) {
            TreeSet<Integer> row = rows.get(s.row());
            if (!s.section().equals(section.sectionId()) || row == null || !row.remove(s.number())) {
                throw new IllegalArgumentException("no seat " + s + " to remove");
            }
        }
        for (SeatId s : add) {
            if (!s.section().equals(section.sectionId())) {
                throw new IllegalArgumentException("seat " + s + " is not in section " + section.sectionId());
            }
            if (!rows.computeIfAbsent(s.row(), k -> new TreeSet<>()).add(s.number())) {
                throw new IllegalArgumentException("seat " + s + " exists");
            }
        }
        List<Row> edited = new ArrayList<>();
        rows.forEach((id, seats) -> {
            if (!seats.isEmpty()) {
                edited.add(new Row(id, List.copyOf(seats)));
            }
        });
        List<Section> out = new ArrayList<>(sections);
        out.set(index, new Section(section.sectionId(), edited));
        return new Seating(out);
    }
}
