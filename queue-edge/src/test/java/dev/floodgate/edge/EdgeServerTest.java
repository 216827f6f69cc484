package dev.floodgate.edge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.floodgate.edge.support.Http;
import dev.floodgate.edge.support.RunningEdge;
import dev.floodgate.edge.support.TestGrid;
import dev.floodgate.engines.fixture.Engines;
import dev.floodgate.engines.fixture.SharedEngines;
import dev.floodgate.grid.Grid;
import dev.floodgate.grid.GridSettings;
import dev.floodgate.runtime.ServiceConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** How the edge starts: alone with its own grid, beside others on a shared grid, several on one database. */
@ExtendWith(SharedEngines.class)
class EdgeServerTest {

    private static Map<String, String> dbOverrides(Engines engines) {
        return Map.of("server.port", "0", "db.url", engines.jdbcUrl(), "db.user", engines.user(),
                "db.password", engines.password(), "db.pool.max-size", "2",
                "operator.password", RunningEdge.OPERATOR_PASSWORD,
                "token.key-encryption-key", RunningEdge.TEST_KEY_ENCRYPTION_KEY);
    }

    @Test
    void instancesOnOneDatabaseShareTheSigningKeySoEitherAcceptsTheOthersTokens(Engines engines) {
        try (RunningEdge a = new RunningEdge(engines); RunningEdge b = new RunningEdge(engines)) {
            JsonNode jwksA = a.http.get("/.well-known/jwks.json").json();
            JsonNode jwksB = b.http.get("/.well-known/jwks.json").json();
            assertThat(jwksA).isEqualTo(jwksB);
            assertThat(jwksA.get("keys")).hasSize(1);

            String eventId = TestGrid.uniqueEventId("shared");
            a.createEvent(eventId, 10, 2, 60, 1);
            RunningEdge.SignedUp fan = a.signUp();
            assertThat(b.http.post("/api/events/" + eventId + "/queue", null, fan.auth()).status()).isEqualTo(201);
            assertThat(b.http.post("/api/sessions", Map.of("email", fan.email(), "password",
                    "correct horse battery"), null).status()).isEqualTo(200);
        }
    }

    @Test
    void standaloneTheEdgeStartsItsOwnGridAndStopsItOnClose(Engines engines) {
        Map<String, String> overrides = new java.util.HashMap<>(dbOverrides(engines));
        overrides.put("grid.cluster-name", "edge-alone-" + UUID.randomUUID());
        EdgeServer edge = EdgeServer.start(ServiceConfig.load("queue-edge.yaml", overrides));
        Grid grid = edge.grid();
        try {
            Http http = new Http(edge.url());
            assertThat(http.get("/observe/health").status()).isEqualTo(200);
            assertThat(http.get("/api/events").status()).isEqualTo(200);
        } finally {
            edge.close();
        }
        assertThat(grid.isRunning()).isFalse();
    }

    @Test
    void onAGridSomeoneElseOwnsTheQueueWorksWithoutTheEdgeSerializersAndTheGridOutlivesTheEdge(Engines engines) {
        // The local stack's shared member may be built from Grid.memberConfig alone.
        try (Grid foreign = Grid.start(GridSettings.embedded("edge-foreign-" + UUID.randomUUID()))) {
            EdgeServer edge = EdgeServer.start(ServiceConfig.load("queue-edge.yaml", dbOverrides(engines)), foreign);
            try {
                Http http = new Http(edge.url());
                String operator = Http.basic("operator", RunningEdge.OPERATOR_PASSWORD);
                String eventId = TestGrid.uniqueEventId("foreign");
                assertThat(http.post("/api/operator/events", Map.of("eventId", eventId, "name", "Show",
                        "startsAt", "2030-01-01T20:00:00Z", "maxPerFan", 2, "holdTtlSeconds", 60,
                        "categories", java.util.List.of(Map.of("categoryId", "ga", "name", "GA", "capacity", 5,
                                "priceMinor", 100, "currency", "EUR"))), operator).status()).isEqualTo(201);
                assertThat(http.post("/api/operator/events/" + eventId + "/queue/open", null, operator).status())
                        .isEqualTo(200);
                String token = http.post("/api/fans", Map.of("email", "f-" + UUID.randomUUID() + "@example.com",
                        "password", "correct horse battery", "displayName", "F"), null).json().get("token").asText();
                http.post("/api/events/" + eventId + "/queue", null, Http.bearer(token));
                JsonNode status = http.get("/api/events/" + eventId + "/queue", Http.bearer(token)).json();
                assertThat(status.get("state").asText()).isEqualTo("ADMITTED");
            } finally {
                edge.close();
            }
            assertThat(foreign.isRunning()).isTrue();
        }
    }
}
