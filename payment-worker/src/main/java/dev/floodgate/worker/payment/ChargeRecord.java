package dev.floodgate.worker.payment;

import java.util.UUID;

/** A row of {@code payment.charges}. */
public record ChargeRecord(UUID orderId, Status status, String providerChargeId, String declineCode,
                           String failureReason, int attempts, int deliveries, String orderStatus,
                           boolean settled) {
    public enum Status {
        UNKNOWN, SUCCEEDED, DECLINED, REJECTED, SKIPPED;

        /** The provider's answer is known (or there was nothing to ask): never ask again. */
        public boolean isFinal() {
            return this != UNKNOWN;
        }
    }
}
