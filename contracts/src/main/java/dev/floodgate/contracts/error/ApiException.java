package dev.floodgate.contracts.error;

import java.util.List;

/**
 * A request that cannot be served, with the HTTP status and the errors to report. Thrown anywhere in request
 * handling (including record constructors that validate input); the error handler turns it into the common body.
 */
public class ApiException extends RuntimeException {
    private final int status;
    private final List<ApiError> errors;
    private final Long retryAfterSeconds;

    public ApiException(int status, List<ApiError> errors) {
        this(status, errors, null);
    }

    private ApiException(int status, List<ApiError> errors, Long retryAfterSeconds) {
        super(errors.isEmpty() ? "HTTP " + status : errors.getFirst().message(), null, false, false);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("not an error status: " + status);
        }
        this.status = status;
        this.errors = List.copyOf(errors);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static ApiException of(int status, String message) {
        return new ApiException(status, List.of(ApiError.of(message)));
    }

    public static ApiException of(int status, String message, String field) {
        return new ApiException(status, List.of(new ApiError(message, field)));
    }

    public static ApiException badRequest(String message, String field) {
        return of(400, message, field);
    }

    public static ApiException unauthorized(String message) {
        return of(401, message);
    }

    public static ApiException forbidden(String message) {
        return of(403, message);
    }

    public static ApiException notFound(String message) {
        return of(404, message);
    }

    public static ApiException conflict(String message) {
        return of(409, message);
    }

    /** A 503 the client may retry: with {@code Retry-After: 1} so clients back off instead of hammering. */
    public static ApiException unavailable(String message) {
        return new ApiException(503, List.of(ApiError.of(message)), 1L);
    }

    public static ApiException tooManyRequests(String message, long retryAfterSeconds) {
        return new ApiException(429, List.of(ApiError.of(message)), retryAfterSeconds);
    }

    public int status() {
        return status;
    }

    public List<ApiError> errors() {
        return errors;
    }

    /** Seconds for a {@code Retry-After} header, or null. */
    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public ErrorBody body() {
        return new ErrorBody(errors);
    }
}
