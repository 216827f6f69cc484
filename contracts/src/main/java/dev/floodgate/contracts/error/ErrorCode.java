package dev.floodgate.contracts.error;

/**
 * The stable, machine-readable {@code code} of an error: apps branch on it, never on the message (whose words may
 * change). Every HTTP error status has a default code, so an error nobody gave a code still carries one; the
 * specific codes name the outcomes an app treats differently. Codes are only ever added, never renamed or removed.
 */
public enum ErrorCode {
    // Defaults, one per status class an error can have.
    /** 400: the request is malformed or a value is invalid ({@code field} names it when one is at fault). */
    VALIDATION,
    /** 401: no credentials, or credentials that are not valid. */
    UNAUTHENTICATED,
    /** 403: valid credentials, not allowed this (for example a token of another event). */
    FORBIDDEN,
    /** 404: no such resource. */
    NOT_FOUND,
    /** 405: the resource exists, not with this method. */
    METHOD_NOT_ALLOWED,
    /** 409: the request conflicts with the current state. */
    CONFLICT,
    /** 413: the body (or the request) is larger than the service takes. */
    PAYLOAD_TOO_LARGE,
    /** 415, 422 and any other 4xx: the request cannot be processed as sent. */
    UNPROCESSABLE,
    /** 429: too many requests; wait {@code Retry-After} seconds. */
    RATE_LIMITED,
    /** 500: a fault of the service; the request may or may not have had an effect (retry idempotently). */
    INTERNAL,
    /** 501: not supported here. */
    NOT_IMPLEMENTED,
    /** 503 (and 502/504): temporarily unavailable; retry after {@code Retry-After}. */
    UNAVAILABLE,

    // Specific codes of the fan and checkout APIs.
    /** Token expired (or not yet valid): renew it (fan token) or ask for a new turn (admission token). */
    TOKEN_EXPIRED,
    /** Token malformed, wrongly signed, from an unknown issuer or of the wrong kind. */
    TOKEN_INVALID,
    /**
     * A place token (queue first) is not valid: expired, malformed or not one of ours. The anonymous place it stood
     * for is gone; join again.
     */
    PLACE_TOKEN_INVALID,
    /** Nothing left to sell: the hold (or the join) cannot be served now; tickets may come back later. */
    SOLD_OUT,
    /** The event's queue is closed (or was never opened), so it takes no join. */
    QUEUE_CLOSED,
    /** The event's queue is paused: the operator's action is needed first. */
    QUEUE_PAUSED,
    /** The event's queue holds as many fans as it can take. */
    QUEUE_FULL,
    /** The fan already holds (or bought) as many tickets as the event allows per fan. */
    PER_FAN_LIMIT,
    /** A requested seat is held or sold by someone else ({@code field} {@code seats}). */
    SEAT_TAKEN,
    /** The hold does not exist, expired, or is another fan's. */
    HOLD_NOT_FOUND,
    /** The hold is already in checkout or sold. */
    HOLD_UNAVAILABLE,
    /** The order (or a refund/charge) does not exist or is another fan's. */
    ORDER_NOT_FOUND,
    /** An {@code Idempotency-Key} was used before with a different request. */
    IDEMPOTENCY_KEY_REUSED,
    /** An account with this email exists. */
    EMAIL_TAKEN;

    /** The code of an error nobody gave a specific one, by its HTTP status. */
    public static ErrorCode forStatus(int status) {
        return switch (status) {
            case 400 -> VALIDATION;
            case 401 -> UNAUTHENTICATED;
            case 403 -> FORBIDDEN;
            case 404, 410 -> NOT_FOUND;
            case 405 -> METHOD_NOT_ALLOWED;
            case 409 -> CONFLICT;
            case 413, 431 -> PAYLOAD_TOO_LARGE;
            case 429 -> RATE_LIMITED;
            case 501 -> NOT_IMPLEMENTED;
            case 502, 503, 504 -> UNAVAILABLE;
            default -> {
                if (status >= 400 && status < 500) {
                    yield UNPROCESSABLE;
                }
                if (status >= 500 && status < 600) {
                    yield INTERNAL;
                }
                throw new IllegalArgumentException("not an error status: " + status);
            }
        };
    }
}
