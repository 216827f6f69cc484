package dev.floodgate.contracts.error;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One entry of the common error body: {@code message} for people, {@code field} naming the offending input (omitted
 * when there is none) and {@code code} for programs (see {@link ErrorCode}). An error made without a code gets the
 * default of its status when it becomes an {@link ApiException}, so every error body on the wire carries one.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiError(String message, String field, ErrorCode code) {
    public ApiError {
        if (message == null || message.isBlank()) {
            throw new IllegalArgumentException("an error needs a message");
        }
    }

    public ApiError(String message, String field) {
        this(message, field, null);
    }

    public static ApiError of(String message) {
        return new ApiError(message, null, null);
    }

    public ApiError withCode(ErrorCode newCode) {
        return new ApiError(message, field, newCode);
    }
}
