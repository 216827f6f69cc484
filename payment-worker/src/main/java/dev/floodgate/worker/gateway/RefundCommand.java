package dev.floodgate.worker.gateway;

/**
 * One refund to ask the provider for: all of {@code amountMinor} back on charge {@code chargeId}.
 * {@code idempotencyKey} is derived from the order ({@code refund:<orderId>}) and the body is the same on every try,
 * so however often it is sent (retries, a crash before the answer was recorded, two workers) the provider refunds
 * at most once.
 */
public record RefundCommand(String idempotencyKey, String chargeId, long amountMinor, String reason) {
    public RefundCommand {
        if (idempotencyKey == null || idempotencyKey.isBlank() || chargeId == null || chargeId.isBlank()
                || amountMinor <= 0) {
            throw new IllegalArgumentException("a refund needs a key, a charge and a positive amount");
        }
    }

    /** The body of {@code POST /v1/refunds} (the key travels in the header). */
    record Body(String chargeId, long amountMinor, String reason) {
    }

    Body body() {
        return new Body(chargeId, amountMinor, reason);
    }
}
