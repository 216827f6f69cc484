package dev.floodgate.ops.stack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.floodgate.runtime.ServiceConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stopping the local stack and starting it again on the same data loses nothing that was acknowledged: the events
 * come back from PostgreSQL, the grid is rebuilt from the orders, a paid seat stays sold and a fan's order stays
 * readable.
 */
class StackRestartTest {
    @Test
    void aRestartKeepsEventsOrdersAndSoldSeats() {
        StackSettings settings = StackSettings.from(ServiceConfig.load("local-stack.yaml"))
                .onFreePortsIn(Path.of("target", "restart-" + UUID.randomUUID()).toAbsolutePath());
        String event = DemoEvent.EVENT_ID;
        JsonNode paid;
        try (LocalStack first = LocalStack.start(settings, System.out)) {
            paid = new StackClient(first, settings).buyOne(event, "standing", "4242424242424242");
            assertThat(paid.get("status").asText()).isEqualTo("PAID");
        }

        try (LocalStack second = LocalStack.start(settings, System.out)) {
            StackClient client = new StackClient(second, settings);
            JsonNode standing = client.category(event, "standing");
            assertThat(standing.get("sold").asInt()).isEqualTo(1);
            assertThat(standing.get("held").asInt()).isZero();
            assertThat(standing.get("available").asInt()).isEqualTo(standing.get("capacity").asInt() - 1);
            // Still on sale after the restart: the next fan buys normally.
            assertThat(client.buyOne(event, "standing", "4242424242424242").get("status").asText()).isEqualTo("PAID");
            assertThat(client.category(event, "standing").get("sold").asInt()).isEqualTo(2);
        }
    }
}
