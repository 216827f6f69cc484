package dev.floodgate.worker.gateway;

/**
 * Every attempt ended without an answer (timeouts, connection errors, 5xx...). The outcome is unknown: the charge
 * may exist. Asking again with the same idempotency key later is safe and will tell.
 */
public final class ProviderUnavailableException extends Exception {
    private final int attempts;

    public ProviderUnavailableException(String message, int attempts, Throwable cause) {
        super(message + " after " + attempts + " attempt(s)", cause);
        this.attempts = attempts;
    }

    public int attempts() {
        return attempts;
    }
}
