package dev.floodgate.worker.gateway;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** A refund as the provider reports it; {@code reference} is the refunded charge's (the order id). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ProviderRefund(String id, String chargeId, String status, long amountMinor, String currency,
                             String reason, String reference, String created) {
    public static final String SUCCEEDED = "succeeded";
}
