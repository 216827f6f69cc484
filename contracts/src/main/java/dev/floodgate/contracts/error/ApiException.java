package dev.floodgate.contracts.error;

import java.util.List;

/**
 * A request that cannot be served, with the HTTP status and the errors to report, each with its {@link ErrorCode}
 * (the status's default unless {@link #withCode} names a specific one). Thrown anywhere in request
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
        // Whatever was thrown without a code carries its status's default: apps can always branch on a code.
        ErrorCode byStatus = ErrorCode.forStatus(status);
        this.errors = errors.stream().map(e -> e.code() == null ? e.withCode(byStatus) : e).toList();
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

    /**
     * The same error with a specific code on every entry: {@code throw ApiException.conflict("...").withCode(SOLD_OUT)}
     * keeps the status, message, field and Retry-After.
     */
    public ApiException withCode(ErrorCode code) {
        return new ApiException(status, errors.stream().map(e -> e.withCode(code)).toList(), retryAfterSeconds);
    }

    /** The code of the first error: what an app branches on. */
    public ErrorCode code() {
        return errors.isEmpty() ? ErrorCode.forStatus(status) : errors.getFirst().code();
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
