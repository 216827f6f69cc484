package dev.floodgate.worker.gateway;

/**
 * Every attempt ended without an answer (timeouts, connection errors, 5xx...). The outcome is unknown: the charge
 * may exist. Asking again with the same idempotency key later is safe and will tell.
 */
public final class ProviderUnavailableException extends Exception {
    private final int attempts;
    private final boolean shortCircuited;

    public ProviderUnavailableException(String message, int attempts, Throwable cause) {
        this(message, attempts, false, cause);
    }

    public ProviderUnavailableException(String message, int attempts, boolean shortCircuited, Throwable cause) {
        super(message + " after " + attempts + " attempt(s)", cause);
        this.attempts = attempts;
        this.shortCircuited = shortCircuited;
    }

    /** The circuit breaker was open: this call (or its last retry) never reached the provider. */
    public boolean shortCircuited() {
        return shortCircuited;
    }

    public int attempts() {
        return attempts;
    }
}
