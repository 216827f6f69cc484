package dev.floodgate.contracts.payment;

/**
 * Default Pulsar topic names; every service can override them through configuration. A topic carries one version of
 * its message: a change Pulsar's schema check refuses (fields removed) gets a new topic, and the old one is drained.
 */
public final class Topics {
    /** Payment requests, version 2 ({@link PaymentRequest}: the order id only). */
    public static final String PAYMENT_REQUESTS = "persistent://public/default/floodgate-payment-requests-v2";
    /** Payment requests, version 1 (the order's fields copied into the message), written by Floodgate before v2. */
    public static final String PAYMENT_REQUESTS_V1 = "persistent://public/default/floodgate-payment-requests";

    private Topics() {
    }
}
