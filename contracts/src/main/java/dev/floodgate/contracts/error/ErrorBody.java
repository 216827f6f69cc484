package dev.floodgate.contracts.error;

import java.util.List;

/**
 * The body of every error response in every Floodgate service:
 * {@code {"errors":[{"message":"...","field":"...","code":"..."}]}}.
 */
public record ErrorBody(List<ApiError> errors) {
    public ErrorBody {
        errors = List.copyOf(errors);
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("an error body needs at least one error");
        }
    }
}
