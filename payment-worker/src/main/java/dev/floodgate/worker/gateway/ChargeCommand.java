package dev.floodgate.worker.gateway;

/**
 * One charge to ask the provider for. {@code idempotencyKey} is the order id: however often this is sent (retries,
 * redeliveries, two workers at once) the provider makes at most one charge for it.
 */
public record ChargeCommand(String idempotencyKey, long amountMinor, String currency, String paymentMethodId,
                            String reference) {
    public ChargeCommand {
        if (idempotencyKey == null || idempotencyKey.isBlank() || amountMinor <= 0 || currency == null
                || paymentMethodId == null) {
            throw new IllegalArgumentException("a charge needs a key, a positive amount, a currency and a method");
        }
    }

    /** The body of {@code POST /v1/charges} (the key travels in the header). */
    record Body(long amountMinor, String currency, String paymentMethodId, String reference) {
    }

    Body body() {
        return new Body(amountMinor, currency, paymentMethodId, reference);
    }
}
