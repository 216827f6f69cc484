package dev.floodgate.edge.limit;

import dev.floodgate.contracts.http.Json;
import dev.floodgate.edge.support.RunningEdge;
import dev.floodgate.edge.support.TestGrid;
import dev.floodgate.engines.fixture.Engines;
import dev.floodgate.engines.fixture.SharedEngines;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The per-address limit behind a trusted proxy, over HTTP: the test client stands for the proxy (loopback is trusted)
 * and appends the real client's address, as an ingress does, after whatever the client wrote itself.
 */
@ExtendWith(SharedEngines.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ForwardedForLimitTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private RunningEdge edge;

    @BeforeAll
    void start(Engines engines) {
        // A burst of 3 that barely refills, so the fourth call of one address within the test is over the limit.
        edge = new RunningEdge(engines, Map.of(
                "limits.trusted-proxies", "127.0.0.0/8,::1",
                "limits.per-address.per-second", "0.01",
                "limits.per-address.burst", "3"));
    }

    @AfterAll
    void stop() {
        edge.close();
    }

    /** A join through the proxy: the client wrote {@code written}, the proxy appended {@code client}. */
    private HttpResponse<String> joinVia(String eventId, String written, String client) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(edge.server.url() + "/api/events/" + eventId
                        + "/queue"))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer not-a-token")
                .header("X-Forwarded-For", written + ", " + client)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aClientCannotDodgeThePerAddressJoinLimitByWritingItsOwnForwardedFor() throws Exception {
        String eventId = TestGrid.uniqueEventId("xff");
        for (int i = 1; i <= 3; i++) {
            // Within the limit: on to the token check, which refuses the token.
            assertThat(joinVia(eventId, "203.0.113." + i, "198.51.100.7").statusCode()).isEqualTo(401);
        }

        HttpResponse<String> limited = joinVia(eventId, "203.0.113.99", "198.51.100.7");

        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).isPresent();
        assertThat(Json.MAPPER.readTree(limited.body()).at("/errors/0/code").asText()).isEqualTo("RATE_LIMITED");
        assertThat(joinVia(eventId, "203.0.113.99", "198.51.100.8").statusCode())
                .as("another client behind the same proxy has its own limit").isEqualTo(401);
    }
}
