package dev.floodgate.contracts.error;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One entry of the common error body; {@code field} names the offending input and is omitted when there is none. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiError(String message, String field) {
    public ApiError {
        if (message == null || message.isBlank()) {
            throw new IllegalArgumentException("an error needs a message");
        }
    }

    public static ApiError of(String message) {
        return new ApiError(message, null);
    }
}
