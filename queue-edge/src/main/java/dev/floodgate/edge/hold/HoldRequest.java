package dev.floodgate.edge.hold;

import dev.floodgate.contracts.error.ApiException;
import dev.floodgate.contracts.http.Ids;
import dev.floodgate.grid.catalog.EventInfo;
import dev.floodgate.grid.catalog.SeatId;

import java.util.HashSet;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code POST /api/events/{eventId}/holds} body: a {@code quantity} of a category, or (seated categories) the
 * {@code seats} by id, with {@code quantity} then optional (if given it must be their count). {@code requestId} is
 * chosen by the client and makes the request safe to retry: the same fan and request id always answer with the
 * same hold.
 */
public record HoldRequest(String categoryId, Integer quantity, List<String> seats, String requestId) {
    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public HoldRequest {
        Ids.slug(categoryId, "categoryId");
        if (requestId == null || !REQUEST_ID.matcher(requestId).matches()) {
            throw ApiException.badRequest("must be 1-64 letters, digits, dashes or underscores", "requestId");
        }
        if (seats != null) {
            if (seats.isEmpty() || seats.size() > EventInfo.MAX_PER_FAN_LIMIT) {
                throw ApiException.badRequest("name 1.." + EventInfo.MAX_PER_FAN_LIMIT + " seats", "seats");
            }
            for (int i = 0; i < seats.size(); i++) {
                if (SeatId.parse(seats.get(i)).isEmpty()) {
                    throw ApiException.badRequest("not a seat id (section-row-number, such as A-12-7)",
                            "seats[" + i + "]");
                }
            }
            seats = List.copyOf(seats);
            if (new HashSet<>(seats).size() != seats.size()) {
                throw ApiException.badRequest("each seat at most once", "seats");
            }
            if (seats.stream().map(s -> SeatId.parse(s).orElseThrow().section()).distinct().count() > 1) {
                throw ApiException.badRequest("the seats of one hold must be in one section", "seats");
            }
            if (quantity != null && quantity != seats.size()) {
                throw ApiException.badRequest("must be the number of seats named (or left out)", "quantity");
            }
            quantity = seats.size();
        } else if (quantity == null || quantity < 1) {
            throw ApiException.badRequest("must be at least 1", "quantity");
        }
    }
}
