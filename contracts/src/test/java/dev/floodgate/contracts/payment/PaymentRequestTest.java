package dev.floodgate.contracts.payment;

import dev.floodgate.contracts.http.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PaymentRequestTest {
    private static final String ORDER = "6f1c2a34-8d0e-4a7b-9b1f-2c3d4e5f6a7b";

    @Test
    void theMessageIsTheOrderIdAndNothingElse() {
        assertThat(new String(Json.write(new PaymentRequest(ORDER)), StandardCharsets.UTF_8))
                .isEqualTo("{\"orderId\":\"" + ORDER + "\"}");
    }

    @Test
    void aVersionTwoMessageReadsBack() {
        assertThat(PaymentRequest.read(Json.write(new PaymentRequest(ORDER)))).isEqualTo(new PaymentRequest(ORDER));
    }

    @Test
    void aVersionOneMessageGivesItsOrderIdAndTheRestIsNotRead() {
        String v1 = "{\"amountMinor\":9000,\"currency\":\"EUR\",\"eventId\":\"gig\",\"fanId\":\"fan-1\","
                + "\"holdId\":\"h-1\",\"orderId\":\"" + ORDER + "\",\"paymentMethodId\":\"pm_1\","
                + "\"requestedAtEpochMillis\":1700000000000}";
        assertThat(PaymentRequest.read(v1.getBytes(StandardCharsets.UTF_8))).isEqualTo(new PaymentRequest(ORDER));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "[]", "\"" + ORDER + "\"", "{}", "{\"orderId\":null}",
            "{\"orderId\":42}", "{\"orderId\":\"\"}", "{\"orderId\":\"   \"}"})
    void anythingElseIsRefused(String message) {
        assertThatThrownBy(() -> PaymentRequest.read(message.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anOrderIdLongerThanAnyOfOursIsRefused() {
        assertThatThrownBy(() -> new PaymentRequest("x".repeat(PaymentRequest.ORDER_ID_MAX_LENGTH + 1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
