package dev.floodgate.edge.hold;

import dev.floodgate.contracts.error.ApiException;
import dev.floodgate.contracts.http.Ids;

import java.util.regex.Pattern;

/**
 * {@code POST /api/events/{eventId}/holds} body. {@code requestId} is chosen by the client and makes the request
 * safe to retry: the same fan and request id always answer with the same hold.
 */
public record HoldRequest(String categoryId, int quantity, String requestId) {
    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public HoldRequest {
        Ids.slug(categoryId, "categoryId");
        if (requestId == null || !REQUEST_ID.matcher(requestId).matches()) {
            throw ApiException.badRequest("must be 1-64 letters, digits, dashes or underscores", "requestId");
        }
        if (quantity < 1) {
            throw ApiException.badRequest("must be at least 1", "quantity");
        }
    }
}
