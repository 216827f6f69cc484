package dev.floodgate.ops.simulator;

import dev.floodgate.contracts.error.ApiException;

import java.time.Instant;
import java.util.List;

/** SIMULATOR: the JSON bodies of the simulated card processor's API (Stripe-like, camelCase). */
public final class Api {
    private static final java.util.regex.Pattern CURRENCY = java.util.regex.Pattern.compile("[A-Z]{3}");
    private static final java.util.regex.Pattern CHARGE_ID = java.util.regex.Pattern.compile("ch_[A-Za-z0-9]{1,64}");

    private Api() {
    }

    /** {@code POST /v1/payment-methods}: what the fan's browser sends to the provider (never to Floodgate). */
    public record PaymentMethodRequest(String cardNumber, Integer expMonth, Integer expYear, String cvc) {
        public PaymentMethodRequest {
            if (cardNumber == null || cardNumber.isBlank()) {
                throw ApiException.badRequest("card number is required", "cardNumber");
            }
            cardNumber = cardNumber.replace(" ", "");
            if (!TestCards.passesLuhn(cardNumber)) {
                throw ApiException.badRequest("card number is invalid", "cardNumber");
            }
            if (expMonth == null || expMonth < 1 || expMonth > 12) {
                throw ApiException.badRequest("expiry month must be 1..12", "expMonth");
            }
            if (expYear == null || expYear < 2000 || expYear > 2100) {
                throw ApiException.badRequest("expiry year must be a four-digit year", "expYear");
            }
            if (cvc == null || !cvc.matches("[0-9]{3,4}")) {
                throw ApiException.badRequest("cvc must be 3 or 4 digits", "cvc");
            }
        }

        /** No card number in logs or toString, even in a simulator. */
        @Override
        public String toString() {
            return "PaymentMethodRequest[last4=" + cardNumber.substring(cardNumber.length() - 4) + "]";
        }
    }

    /** A tokenised card: all that a merchant ever sees of it. */
    public record PaymentMethod(String id, String last4, String brand) {
    }

    /** {@code POST /v1/charges} (with an {@code Idempotency-Key} header). */
    public record ChargeRequest(Long amountMinor, String currency, String paymentMethodId, String reference) {
        public static final long MAX_AMOUNT_MINOR = 99_999_999L;

        public ChargeRequest {
            if (amountMinor == null || amountMinor <= 0 || amountMinor > MAX_AMOUNT_MINOR) {
                throw ApiException.badRequest("amount must be 1.." + MAX_AMOUNT_MINOR + " minor units", "amountMinor");
            }
            if (currency == null || !CURRENCY.matcher(currency).matches()) {
                throw ApiException.badRequest("currency must be an ISO-4217 code such as EUR", "currency");
            }
            if (paymentMethodId == null || paymentMethodId.isBlank() || paymentMethodId.length() > 100) {
                throw ApiException.badRequest("payment method id is required", "paymentMethodId");
            }
            if (reference != null && (reference.isBlank() || reference.length() > 200)) {
                throw ApiException.badRequest("reference must be 1-200 characters", "reference");
            }
        }
    }

    /**
     * A charge, whatever its outcome: a declined attempt is a charge too (status {@code declined}, a decline code),
     * as with real processors.
     */
    public record Charge(String id, String status, String declineCode, long amountMinor, String currency,
                         String paymentMethodId, String reference, Instant created, long amountRefunded) {
        public static final String SUCCEEDED = "succeeded";
        public static final String DECLINED = "declined";

        /** This charge as it stands after refunds of {@code refunded} minor units in total. */
        public Charge withAmountRefunded(long refunded) {
            return refunded == amountRefunded ? this : new Charge(id, status, declineCode, amountMinor, currency,
                    paymentMethodId, reference, created, refunded);
        }
    }

    /**
     * {@code POST /v1/refunds} (with an {@code Idempotency-Key} header): give back (part of) a succeeded charge.
     * Without {@code amountMinor}, whatever is not yet refunded.
     */
    public record RefundRequest(String chargeId, Long amountMinor, String reason) {
        public RefundRequest {
            if (chargeId == null || !CHARGE_ID.matcher(chargeId).matches()) {
                throw ApiException.badRequest("a charge id is required", "chargeId");
            }
            if (amountMinor != null && (amountMinor <= 0 || amountMinor > ChargeRequest.MAX_AMOUNT_MINOR)) {
                throw ApiException.badRequest("amount must be 1.." + ChargeRequest.MAX_AMOUNT_MINOR + " minor units",
                        "amountMinor");
            }
            if (reason != null && (reason.isBlank() || reason.length() > 200)) {
                throw ApiException.badRequest("reason must be 1-200 characters", "reason");
            }
        }
    }

    /** Money given back on a charge. The simulator refunds at once: {@code status} is always {@code succeeded}. */
    public record Refund(String id, String chargeId, String status, long amountMinor, String currency,
                         String reason, String reference, Instant created) {
        public static final String SUCCEEDED = "succeeded";
    }

    /** A list of refunds: {@code {"data":[...]}}. */
    public record RefundList(List<Refund> data) {
    }

    /** A list of charges: {@code {"data":[...]}}. */
    public record ChargeList(List<Charge> data) {
    }
}
