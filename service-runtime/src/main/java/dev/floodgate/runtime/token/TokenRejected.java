package dev.floodgate.runtime.token;

/** A token that must not be honoured; the reason is for logs and for the 401 message, never a secret. */
public final class TokenRejected extends RuntimeException {
    private final boolean expired;

    public TokenRejected(String reason) {
        this(reason, false);
    }

    private TokenRejected(String reason, boolean expired) {
        super(reason, null, false, false);
        this.expired = expired;
    }

    /** A token that was good and has run out: apps renew it rather than sign in again (code TOKEN_EXPIRED). */
    public static TokenRejected ranOut() {
        return new TokenRejected("token expired", true);
    }

    public boolean expired() {
        return expired;
    }
}
