package dev.floodgate.contracts.payment;

/** Default Pulsar topic names; every service can override them through configuration. */
public final class Topics {
    public static final String PAYMENT_REQUESTS = "persistent://public/default/floodgate-payment-requests";

    private Topics() {
    }
}
