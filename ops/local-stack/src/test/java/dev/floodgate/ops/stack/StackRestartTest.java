package dev.floodgate.ops.stack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.floodgate.runtime.ServiceConfig;
import io.helidon.http.Method;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stopping the local stack and starting it again on the same data loses nothing that was acknowledged: the events
 * come back from PostgreSQL, the grid is rebuilt from the orders, a paid seat stays sold, a fan's order stays
 * readable, and the provider SIMULATOR still knows the charge that paid it, so the payment audit still agrees.
 */
class StackRestartTest {
    @Test
    void aRestartKeepsEventsOrdersSoldSeatsAndTheChargesThatPaidThem() {
        StackSettings settings = StackSettings.from(ServiceConfig.load("local-stack.yaml"))
                .onFreePortsIn(Path.of("target", "restart-" + UUID.randomUUID()).toAbsolutePath());
        String event = DemoEvent.EVENT_ID;
        JsonNode paid;
        try (LocalStack first = LocalStack.start(settings, System.out)) {
            StackClient client = new StackClient(first, settings);
            paid = client.buyOne(event, "standing", "4242424242424242");
            assertThat(paid.get("status").asText()).isEqualTo("PAID");
            assertThat(audit(client, first).get("ok").asBoolean()).isTrue();
        }

        try (LocalStack second = LocalStack.start(settings, System.out)) {
            StackClient client = new StackClient(second, settings);
            // The provider still knows the charge that paid the order. Before the SIMULATOR kept its books on disk,
            // the audit answered ok false here, listing the order as PAID "without one succeeded charge".
            JsonNode audit = audit(client, second);
            assertThat(audit.get("paidOrdersWithoutOneSucceededCharge")).as(audit.toString()).isEmpty();
            assertThat(audit.get("succeededCharges").asInt()).as(audit.toString()).isEqualTo(1);
            assertThat(audit.get("ok").asBoolean()).as(audit.toString()).isTrue();
            JsonNode standing = client.category(event, "standing");
            assertThat(standing.get("sold").asInt()).isEqualTo(1);
            assertThat(standing.get("held").asInt()).isZero();
            assertThat(standing.get("available").asInt()).isEqualTo(standing.get("capacity").asInt() - 1);
            // Still on sale after the restart: the next fan buys normally.
            assertThat(client.buyOne(event, "standing", "4242424242424242").get("status").asText()).isEqualTo("PAID");
            assertThat(client.category(event, "standing").get("sold").asInt()).isEqualTo(2);
            JsonNode after = audit(client, second);
            assertThat(after.get("succeededCharges").asInt()).as(after.toString()).isEqualTo(2);
            assertThat(after.get("ok").asBoolean()).as(after.toString()).isTrue();
        }
        // Where the README says the books are (./floodgate reset deletes the data folder with them).
        assertThat(settings.dataDir().resolve("simulator").resolve("ledger.jsonl")).isNotEmptyFile();
    }

    /** The payment-worker's audit: orders = grid = the provider's charges and refunds. */
    private static JsonNode audit(StackClient client, LocalStack stack) {
        return client.call(Method.GET, stack.workerUrl() + "/api/operator/audit", null, null, 200);
    }
}
