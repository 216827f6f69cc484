package dev.floodgate.edge.operator;

import dev.floodgate.contracts.error.ApiException;
import dev.floodgate.grid.catalog.SeatId;

import java.util.List;

/**
 * {@code POST /api/operator/events/{id}/categories/{categoryId}/seats} body: seat ids to add and to remove, all of
 * one section. A new row is created by adding its first seat.
 */
public record SeatEdit(List<String> add, List<String> remove) {
    public static final int MAX_SEATS = 2_000;

    public SeatEdit {
        add = check(add, "add");
        remove = check(remove, "remove");
        if (add.isEmpty() && remove.isEmpty()) {
            throw ApiException.badRequest("name seats to add or remove", "add");
        }
        if (add.size() + remove.size() > MAX_SEATS) {
            throw ApiException.badRequest("at most " + MAX_SEATS + " seats per edit", "add");
        }
        if (java.util.stream.Stream.concat(add.stream(), remove.stream())
                .map(s -> SeatId.parse(s).orElseThrow().section()).distinct().count() > 1) {
            throw ApiException.badRequest("one edit changes the seats of one section", "add");
        }
    }

    private static List<String> check(List<String> seats, String field) {
        if (seats == null) {
            return List.of();
        }
        for (int i = 0; i < seats.size(); i++) {
            if (SeatId.parse(seats.get(i)).isEmpty()) {
                throw ApiException.badRequest("not a seat id (section-row-number, such as A-12-7)",
                        field + "[" + i + "]");
            }
        }
        return List.copyOf(seats);
    }
}
