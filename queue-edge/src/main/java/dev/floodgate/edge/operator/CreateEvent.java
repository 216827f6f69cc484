package dev.floodgate.edge.operator;

import dev.floodgate.contracts.error.ApiException;
import dev.floodgate.contracts.http.Ids;
import dev.floodgate.grid.catalog.CategoryInfo;
import dev.floodgate.grid.catalog.EventInfo;
import dev.floodgate.grid.catalog.Seating;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /api/operator/events} body. {@code queue} is optional (the configured defaults apply).
 * Every limit is checked here with the offending field named; {@link EventInfo} re-checks its own invariants.
 */
public record CreateEvent(String eventId, String name, Instant startsAt, int maxPerFan, long holdTtlSeconds,
                          List<Category> categories, QueueSettings queue) {

    /**
     * A category: general admission with a {@code capacity}, or seated with {@code sections} (capacity then left
     * out or equal to the seat count).
     */
    public record Category(String categoryId, String name, Integer capacity, long priceMinor, String currency,
                           List<SectionSpec> sections) {
    }

    /**
     * A section of seats: {@code rowCount} rows (labelled 1..rowCount) of {@code seatsPerRow} seats, or explicit
     * {@code rows}.
     */
    public record SectionSpec(String sectionId, Integer rowCount, Integer seatsPerRow, List<RowSpec> rows) {
    }

    /** A row: {@code seats} seats numbered 1..seats, or the explicit {@code seatNumbers}. */
    public record RowSpec(String rowId, Integer seats, List<Integer> seatNumbers) {
    }

    public CreateEvent {
        Ids.slug(eventId, "eventId");
        requireName(name, "name");
        if (startsAt == null) {
            throw ApiException.badRequest("is required (ISO-8601 instant)", "startsAt");
        }
        if (maxPerFan < 1 || maxPerFan > EventInfo.MAX_PER_FAN_LIMIT) {
            throw ApiException.badRequest("must be 1.." + EventInfo.MAX_PER_FAN_LIMIT, "maxPerFan");
        }
        if (holdTtlSeconds < 1 || holdTtlSeconds > EventInfo.MAX_HOLD_TTL_MILLIS / 1000) {
            throw ApiException.badRequest("must be 1.." + EventInfo.MAX_HOLD_TTL_MILLIS / 1000, "holdTtlSeconds");
        }
        if (categories == null || categories.isEmpty() || categories.size() > EventInfo.MAX_CATEGORIES) {
            throw ApiException.badRequest("1.." + EventInfo.MAX_CATEGORIES + " categories are required", "categories");
        }
        categories = List.copyOf(categories);
        for (int i = 0; i < categories.size(); i++) {
            Category c = categories.get(i);
            String at = "categories[" + i + "].";
            if (c == null) {
                throw ApiException.badRequest("must not be null", "categories[" + i + "]");
            }
            Ids.slug(c.categoryId(), at + "categoryId");
            requireName(c.name(), at + "name");
            if (c.sections() != null) {
                Seating seating = seating(c.sections(), at + "sections");
                if (c.capacity() != null && c.capacity() != seating.seatCount()) {
                    throw ApiException.badRequest("a seated category's capacity is its seat count ("
                            + seating.seatCount() + "): leave it out", at + "capacity");
                }
            } else if (c.capacity() == null || c.capacity() < 0 || c.capacity() > CategoryInfo.MAX_CAPACITY) {
                throw ApiException.badRequest("must be 0.." + CategoryInfo.MAX_CAPACITY, at + "capacity");
            }
            if (c.priceMinor() <= 0 || c.priceMinor() > 100_000_000L) {
                throw ApiException.badRequest("must be 1..100000000 (minor units)", at + "priceMinor");
            }
            if (c.currency() == null || !c.currency().matches("[A-Z]{3}")) {
                throw ApiException.badRequest("must be an ISO-4217 code such as EUR", at + "currency");
            }
        }
        if (categories.stream().map(Category::categoryId).distinct().count() != categories.size()) {
            throw ApiException.badRequest("category ids must be unique within an event", "categories");
        }
    }

    /** The sections as a {@link Seating}, every limit checked with the offending field named. */
    static Seating seating(List<SectionSpec> specs, String at) {
        if (specs.isEmpty() || specs.size() > Seating.MAX_SECTIONS) {
            throw ApiException.badRequest("1.." + Seating.MAX_SECTIONS + " sections", at);
        }
        List<Seating.Section> sections = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            SectionSpec spec = specs.get(i);
            String field = at + "[" + i + "]";
            if (spec == null) {
                throw ApiException.badRequest("must not be null", field);
            }
            try {
                if (spec.rows() != null) {
                    if (spec.rowCount() != null || spec.seatsPerRow() != null) {
                        throw ApiException.badRequest("give rows, or rowCount and seatsPerRow, not both", field);
                    }
                    if (spec.rows().size() > Seating.MAX_ROWS_PER_SECTION) {
                        throw ApiException.badRequest("at most " + Seating.MAX_ROWS_PER_SECTION + " rows",
                                field + ".rows");
                    }
                    List<Seating.Row> rows = new ArrayList<>();
                    for (int r = 0; r < spec.rows().size(); r++) {
                        rows.add(row(spec.rows().get(r), field + ".rows[" + r + "]"));
                    }
                    sections.add(new Seating.Section(spec.sectionId(), rows));
                } else {
                    if (spec.rowCount() == null || spec.seatsPerRow() == null) {
                        throw ApiException.badRequest("give rows, or rowCount and seatsPerRow", field);
                    }
                    if (spec.seatsPerRow() < 1 || spec.seatsPerRow() > Seating.MAX_SEATS_PER_SECTION) {
                        throw ApiException.badRequest("must be 1.." + Seating.MAX_SEATS_PER_SECTION,
                                field + ".seatsPerRow");
                    }
                    sections.add(Seating.Section.grid(spec.sectionId(), spec.rowCount(), spec.seatsPerRow()));
                }
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(e.getMessage(), field);
            }
        }
        try {
            return new Seating(sections);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage(), at);
        }
    }

    private static Seating.Row row(RowSpec spec, String field) {
        if (spec == null) {
            throw ApiException.badRequest("must not be null", field);
        }
        if ((spec.seats() == null) == (spec.seatNumbers() == null)) {
            throw ApiException.badRequest("give seats (a count) or seatNumbers", field);
        }
        try {
            if (spec.seats() != null) {
                return Seating.Row.of(spec.rowId(), spec.seats());
            }
            if (spec.seatNumbers().size() > Seating.MAX_SEAT_NUMBER) {
                throw new IllegalArgumentException("at most " + Seating.MAX_SEAT_NUMBER + " seats a row");
            }
            return new Seating.Row(spec.rowId(), spec.seatNumbers());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw ApiException.badRequest(e.getMessage() == null ? "bad row" : e.getMessage(), field);
        }
    }

    private static void requireName(String name, String field) {
        if (name == null || name.isBlank() || name.length() > 200) {
            throw ApiException.badRequest("must be 1-200 characters", field);
        }
    }

    EventInfo toEventInfo() {
        return new EventInfo(eventId, name, startsAt.toEpochMilli(), maxPerFan, holdTtlSeconds * 1000,
                categories.stream().map(c -> c.sections() != null
                        ? CategoryInfo.seated(c.categoryId(), c.name(), c.priceMinor(), c.currency(),
                                seating(c.sections(), "sections"))
                        : new CategoryInfo(c.categoryId(), c.name(), c.capacity(), c.priceMinor(), c.currency()))
                        .toList());
    }
}
