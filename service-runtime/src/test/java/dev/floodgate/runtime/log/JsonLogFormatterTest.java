package dev.floodgate.runtime.log;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.assertj.core.api.Assertions.assertThat;

class JsonLogFormatterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final JsonLogFormatter formatter = new JsonLogFormatter("checkout");

    private static LogRecord record(String logger, String message) {
        LogRecord r = new LogRecord(Level.WARNING, message);
        r.setLoggerName(logger);
        return r;
    }

    @Test
    void aLineIsOneJsonObjectWithTimeLevelServiceLoggerAndMessage() throws Exception {
        String line = formatter.format(record("dev.floodgate.worker.payment.PaymentProcessor", "line one\nline \"two\""));
        assertThat(line).endsWith("}\n").doesNotContain("\n{").hasLineCount(1);
        JsonNode n = JSON.readTree(line);
        assertThat(n.get("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(n.get("level").asText()).isEqualTo("WARNING");
        assertThat(n.get("service").asText()).as("from the logger's package").isEqualTo("payment-worker");
        assertThat(n.get("logger").asText()).isEqualTo("dev.floodgate.worker.payment.PaymentProcessor");
        assertThat(n.get("message").asText()).isEqualTo("line one\nline \"two\"");
    }

    @Test
    void aLibrarysLineNamesTheProcess() throws Exception {
        assertThat(JSON.readTree(formatter.format(record("com.zaxxer.hikari.pool", "x"))).get("service").asText())
                .isEqualTo("checkout");
    }

    @Test
    void theRequestIdInScopeIsOnTheLine() throws Exception {
        String[] line = new String[1];
        RequestId.run("order-req-42", () -> line[0] = formatter.format(record("dev.floodgate.checkout.X", "placed")));
        assertThat(JSON.readTree(line[0]).get("requestId").asText()).isEqualTo("order-req-42");
        assertThat(JSON.readTree(formatter.format(record("dev.floodgate.checkout.X", "later"))).has("requestId"))
                .isFalse();
    }

    @Test
    void fieldsBecomeFieldsOfTheLine() throws Exception {
        LogRecord r = record("floodgate.access.queue-edge", "GET / 200");
        r.setParameters(new Object[]{LogFields.of("status", 200, "path", "/api/events")});
        JsonNode n = JSON.readTree(formatter.format(r));
        assertThat(n.get("status").isInt()).isTrue();
        assertThat(n.get("path").asText()).isEqualTo("/api/events");
        assertThat(n.get("service").asText()).isEqualTo("queue-edge");
    }

    @Test
    void tokensAndCardNumbersNeverReachTheLine() throws Exception {
        String jwt = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJmYW4ifQ.c2lnbmF0dXJlLWJ5dGVz";
        LogRecord r = record("dev.floodgate.edge.X", "Authorization: Bearer abc.def.ghi token " + jwt
                + " card 4242 4242 4242 4242 order 1733246400002");
        r.setThrown(new IllegalStateException("rejected " + jwt));
        String line = formatter.format(r);
        assertThat(line).doesNotContain("abc.def.ghi").doesNotContain(jwt).doesNotContain("4242 4242")
                .contains("Bearer [redacted]").contains("[token]").contains("[card]")
                .as("a number that is not a card stays").contains("1733246400002");
        assertThat(JSON.readTree(line).get("error").asText()).contains("IllegalStateException");
    }
}
