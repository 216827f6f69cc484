package dev.floodgate.worker.gateway;

/**
 * A definite answer to a refund request. (No answer after every attempt is a {@link ProviderUnavailableException}:
 * then the refund may or may not exist, and asking again with the same key will tell.)
 */
public sealed interface RefundResult {
    /** HTTP calls it took, the first included. */
    int attempts();

    /** The money is on its way back. */
    record Succeeded(String refundId, int attempts) implements RefundResult {
    }

    /** The provider refused (a 4xx: unknown charge, not refundable, already refunded under another key...). */
    record Rejected(int httpStatus, String reason, int attempts) implements RefundResult {
    }
}
