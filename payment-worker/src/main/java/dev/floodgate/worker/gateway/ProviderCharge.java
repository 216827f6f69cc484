package dev.floodgate.worker.gateway;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** A charge as the provider reports it; fields we do not know are ignored (providers add fields). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ProviderCharge(String id, String status, String declineCode, long amountMinor, String currency,
                             String paymentMethodId, String reference, String created) {
    public static final String SUCCEEDED = "succeeded";
    public static final String DECLINED = "declined";
}
