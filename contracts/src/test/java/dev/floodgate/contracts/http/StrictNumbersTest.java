package dev.floodgate.contracts.http;

import dev.floodgate.contracts.error.ApiException;
import dev.floodgate.contracts.error.ErrorCode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The shared mapper takes a JSON value of the field's own type only; each service's routes are tested too. */
class StrictNumbersTest {
    record Counts(int quantity, long amountMinor, Integer cap, boolean flag, double rate, String name) {
    }

    private static final String VALID =
            "{\"quantity\":1,\"amountMinor\":4500,\"cap\":3,\"flag\":true,\"rate\":1.5,\"name\":\"a\"}";

    @ParameterizedTest(name = "quantity: {0}")
    @ValueSource(strings = {"\"1\"", "1.5", "1.0", "1e2", "true", "null", "9999999999", "\"\"", "[1]", "{}"})
    void anIntTakesAJsonIntegerInItsRangeOnly(String value) {
        assertRefused(VALID.replace("\"quantity\":1", "\"quantity\":" + value), "quantity");
    }

    @ParameterizedTest(name = "amountMinor: {0}")
    @ValueSource(strings = {"\"4500\"", "45.5", "false", "null", "99999999999999999999"})
    void aLongTakesAJsonIntegerInItsRangeOnly(String value) {
        assertRefused(VALID.replace("\"amountMinor\":4500", "\"amountMinor\":" + value), "amountMinor");
    }

    @ParameterizedTest(name = "cap: {0}")
    @ValueSource(strings = {"\"3\"", "3.5", "true", "4294967296"})
    void aBoxedIntegerTakesAJsonIntegerOnly(String value) {
        assertRefused(VALID.replace("\"cap\":3", "\"cap\":" + value), "cap");
    }

    @ParameterizedTest(name = "flag: {0}")
    @ValueSource(strings = {"\"true\"", "1", "0", "null"})
    void aBooleanTakesAJsonBooleanOnly(String value) {
        assertRefused(VALID.replace("\"flag\":true", "\"flag\":" + value), "flag");
    }

    @ParameterizedTest(name = "rate: {0}")
    @ValueSource(strings = {"\"1.5\"", "true"})
    void aDecimalTakesAJsonNumberOnly(String value) {
        assertRefused(VALID.replace("\"rate\":1.5", "\"rate\":" + value), "rate");
    }

    @ParameterizedTest(name = "name: {0}")
    @ValueSource(strings = {"1", "1.5", "true"})
    void textTakesAJsonStringOnly(String value) {
        assertRefused(VALID.replace("\"name\":\"a\"", "\"name\":" + value), "name");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"\"quantity\":2", "\"cap\":null", "\"rate\":2", "\"amountMinor\":-9223372036854775808"})
    void valuesOfTheRightTypeAreRead(String replacement) {
        String field = replacement.substring(0, replacement.indexOf(':'));
        String json = VALID.replaceFirst(java.util.regex.Pattern.quote(field) + ":[^,}]+", replacement);

        Counts counts = JsonHttp.parse(json.getBytes(StandardCharsets.UTF_8), Counts.class);

        assertThat(counts).isNotNull();
    }

    private static void assertRefused(String json, String field) {
        ApiException e = catchThrowableOfType(ApiException.class,
                () -> JsonHttp.parse(json.getBytes(StandardCharsets.UTF_8), Counts.class));

        assertThat(e).as(json).isNotNull();
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.errors()).singleElement().satisfies(error -> {
            assertThat(error.field()).isEqualTo(field);
            assertThat(error.code()).isEqualTo(ErrorCode.VALIDATION);
        });
    }
}
