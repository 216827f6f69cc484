package dev.floodgate.worker.gateway;

/**
 * A definite answer from the provider. (No answer at all, after every attempt, is a
 * {@link ProviderUnavailableException}: then the charge may or may not exist.)
 */
public sealed interface ChargeResult {
    /** HTTP calls it took, the first included. */
    int attempts();

    /** The money was taken. */
    record Succeeded(String chargeId, int attempts) implements ChargeResult {
    }

    /** The card was declined; nothing was taken. */
    record Declined(String chargeId, String declineCode, int attempts) implements ChargeResult {
    }

    /** The provider refused the request itself (a 4xx other than a decline): nothing was taken. */
    record Rejected(int httpStatus, String reason, int attempts) implements ChargeResult {
    }
}
