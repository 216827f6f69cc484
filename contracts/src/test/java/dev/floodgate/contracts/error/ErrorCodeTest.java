package dev.floodgate.contracts.error;

import dev.floodgate.contracts.http.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ErrorCodeTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "400, VALIDATION", "401, UNAUTHENTICATED", "403, FORBIDDEN", "404, NOT_FOUND", "405, METHOD_NOT_ALLOWED",
            "409, CONFLICT", "410, NOT_FOUND", "413, PAYLOAD_TOO_LARGE", "415, UNPROCESSABLE", "422, UNPROCESSABLE",
            "429, RATE_LIMITED", "431, PAYLOAD_TOO_LARGE", "500, INTERNAL", "501, NOT_IMPLEMENTED",
            "502, UNAVAILABLE", "503, UNAVAILABLE", "504, UNAVAILABLE", "599, INTERNAL"})
    void everyErrorStatusHasADefaultCode(int status, ErrorCode expected) {
        assertThat(ErrorCode.forStatus(status)).isEqualTo(expected);
    }

    @Test
    void aStatusThatIsNoErrorHasNoCode() {
        assertThatThrownBy(() -> ErrorCode.forStatus(200)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ErrorCode.forStatus(600)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anExceptionThrownWithoutACodeCarriesItsStatusDefault() {
        assertThat(ApiException.badRequest("quantity must be 1..4", "quantity").errors())
                .containsExactly(new ApiError("quantity must be 1..4", "quantity", ErrorCode.VALIDATION));
        assertThat(ApiException.tooManyRequests("slow down", 3).code()).isEqualTo(ErrorCode.RATE_LIMITED);
        assertThat(ApiException.unavailable("later").code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(new ApiException(409, List.of(ApiError.of("a"), ApiError.of("b"))).errors())
                .extracting(ApiError::code).containsExactly(ErrorCode.CONFLICT, ErrorCode.CONFLICT);
    }

    @Test
    void aSpecificCodeKeepsStatusMessageFieldAndRetryAfter() {
        ApiException soldOut = ApiException.tooManyRequests("wait", 7).withCode(ErrorCode.QUEUE_FULL);

        assertThat(soldOut.status()).isEqualTo(429);
        assertThat(soldOut.retryAfterSeconds()).isEqualTo(7L);
        assertThat(soldOut.errors()).containsExactly(new ApiError("wait", null, ErrorCode.QUEUE_FULL));
    }

    @Test
    void theBodyKeepsItsShapeAndGainsTheCode() {
        ApiException e = ApiException.conflict("sold out").withCode(ErrorCode.SOLD_OUT);

        assertThat(Json.writeString(e.body()))
                .isEqualTo("{\"errors\":[{\"message\":\"sold out\",\"code\":\"SOLD_OUT\"}]}");
        assertThat(Json.writeString(ApiException.badRequest("bad", "quantity").body()))
                .isEqualTo("{\"errors\":[{\"message\":\"bad\",\"field\":\"quantity\",\"code\":\"VALIDATION\"}]}");
    }
}
