package dev.floodgate.edge.token;

/** A token that must not be honoured; the reason is for logs and for the 401 message, never a secret. */
public final class TokenRejected extends RuntimeException {
    public TokenRejected(String reason) {
        super(reason, null, false, false);
    }
}
