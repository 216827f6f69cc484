package dev.floodgate.contracts.payment;

/**
 * What checkout asks the payment worker to do, carried by Pulsar. The order id is the provider's idempotency key:
 * however often this message is delivered, the fan is charged at most once.
 *
 * @param orderId         the order to pay (UUID text)
 * @param eventId         the event the order belongs to
 * @param holdId          the grid hold that becomes sold or returns to stock when the payment settles
 * @param fanId           who pays
 * @param amountMinor     amount in minor units (cents)
 * @param currency        ISO-4217 code
 * @param paymentMethodId the provider's token for the fan's card (we never see card numbers)
 * @param requestedAtEpochMillis when the order was placed
 */
public record PaymentRequest(String orderId, String eventId, String holdId, String fanId, long amountMinor,
                             String currency, String paymentMethodId, long requestedAtEpochMillis) {
    public PaymentRequest {
        if (orderId == null || eventId == null || holdId == null || fanId == null || currency == null
                || paymentMethodId == null) {
            throw new IllegalArgumentException("a payment request needs every field");
        }
        if (amountMinor <= 0) {
            throw new IllegalArgumentException("amount must be positive");
        }
    }
}
