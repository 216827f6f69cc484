package dev.floodgate.contracts.payment;

import com.fasterxml.jackson.databind.JsonNode;
import dev.floodgate.contracts.http.Json;

import java.io.IOException;

/**
 * What checkout asks the payment worker to do, carried by Pulsar on {@link Topics#PAYMENT_REQUESTS}: pay this order.
 * Nothing else travels: the worker reads amount, currency, card token, event and hold from the order row, the one
 * truth, so a message can never disagree with the order it names. The order id is also the provider's idempotency
 * key: however often this message is delivered, the fan is charged at most once.
 *
 * <p>Version 2 of the message. Version 1 (on {@link Topics#PAYMENT_REQUESTS_V1}) also carried the event, hold, fan,
 * amount, currency, card token and time of the order; a worker still drains that topic (its {@code orderId} is all
 * it reads), and checkout relays outbox rows an older checkout wrote there unchanged.
 *
 * @param orderId the order to pay (UUID text)
 */
public record PaymentRequest(String orderId) {
    /** Longest order id taken (a UUID is 36 characters): anything longer is not one of ours. */
    public static final int ORDER_ID_MAX_LENGTH = 64;

    public PaymentRequest {
        if (orderId == null || orderId.isBlank() || orderId.length() > ORDER_ID_MAX_LENGTH) {
            throw new IllegalArgumentException("a payment request needs an order id (1-" + ORDER_ID_MAX_LENGTH
                    + " characters)");
        }
    }

    /**
     * The request in a message of either version (a JSON object with a text {@code orderId}; a v1 message's other
     * fields are not read).
     *
     * @throws IllegalArgumentException when it is not such an object
     */
    public static PaymentRequest read(byte[] json) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("a payment request is a JSON object: " + e.getMessage(), e);
        }
        if (node == null || !node.isObject() || !node.path("orderId").isTextual()) {
            throw new IllegalArgumentException("a payment request is a JSON object with a text orderId");
        }
        return new PaymentRequest(node.get("orderId").asText());
    }
}
