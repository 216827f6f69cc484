package dev.floodgate.edge.support;

import dev.floodgate.engines.fixture.MutableClock;

import dev.floodgate.edge.EdgeServer;
import dev.floodgate.engines.fixture.Engines;
import dev.floodgate.grid.Grid;
import dev.floodgate.runtime.ServiceConfig;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * An edge on the test class's own database and the JVM's shared grid member, with a clock the test moves.
 * Also signs fans up and opens events, so tests read as the behaviour they check.
 */
public final class RunningEdge implements AutoCloseable {
    public static final String OPERATOR = "operator";
    public static final String OPERATOR_PASSWORD = "test-operator-password";
    /** Every edge of a test JVM shares the signing keys in PostgreSQL, so they share the key that seals them too. */
    public static final String TEST_KEY_ENCRYPTION_KEY = "dGVzdC1vbmx5IGtleS1lbmNyeXB0aW9uIGtleSEhISE=";

    public final MutableClock clock;
    public final Grid grid;
    public final EdgeServer server;
    public final Http http;

    public RunningEdge(Engines engines) {
        this(engines, Map.of());
    }

    public RunningEdge(Engines engines, Map<String, String> extra) {
        this(engines, extra, MutableClock.startingNow());
    }

    /** Several edges on one grid and database share one clock (each has its own server). */
    public RunningEdge(Engines engines, Map<String, String> extra, MutableClock clock) {
        this.clock = clock;
        Map<String, String> overrides = new HashMap<>(Map.of(
                "server.port", "0",
                "db.url", engines.jdbcUrl(),
                "db.user", engines.user(),
                "db.password", engines.password(),
                "db.pool.max-size", "4",
                "operator.username", OPERATOR,
                "operator.password", OPERATOR_PASSWORD,
                "admission.window-millis", "600000",
                "token.key-encryption-key", TEST_KEY_ENCRYPTION_KEY));
        // Tests call from one address and poll fast: limits out of the way unless a test sets its own.
        overrides.putAll(Map.of(
                "limits.per-address.per-second", "100000", "limits.per-address.burst", "100000",
                "limits.join.per-second", "100000", "limits.join.burst", "100000",
                "limits.status.per-second", "100000", "limits.status.burst", "100000",
                "queue.stock-max-age-millis", "0",
                // Status from the grid on every read unless a test checks the per-edge copy (CachedStatusTest).
                "queue.state-max-age-millis", "0",
                "queue.stream.push-interval-millis", "50"));
        overrides.putAll(extra);
        this.grid = TestGrid.grid(clock);
        this.server = EdgeServer.start(ServiceConfig.load("queue-edge.yaml", overrides), grid, clock);
        this.http = new Http(server.url());
    }

    public String operatorAuth() {
        return Http.basic(OPERATOR, OPERATOR_PASSWORD);
    }

    /** Signs a new fan up; answers their fan token and id. */
    public SignedUp signUp() {
        String email = "fan-" + UUID.randomUUID() + "@example.com";
        Http.Response res = http.post("/api/fans",
                Map.of("email", email, "password", "correct horse battery", "displayName", "Fan"), null);
        if (res.status() != 201) {
            throw new AssertionError("sign-up failed: " + res.status() + " " + res.body());
        }
        return new SignedUp(res.json().get("token").asText(), res.json().get("fanId").asText(), email);
    }

    public record SignedUp(String token, String fanId, String email) {
        public String auth() {
            return Http.bearer(token);
        }
    }

    /** Creates an event with one category through the operator API. */
    public void createEvent(String eventId, int capacity, int maxPerFan, int ratePerMinute, int batchSize) {
        Http.Response res = http.post("/api/operator/events", Map.of(
                "eventId", eventId,
                "name", "Concert " + eventId,
                "startsAt", "2030-06-01T19:00:00Z",
                "maxPerFan", maxPerFan,
                "holdTtlSeconds", 600,
                "categories", java.util.List.of(Map.of("categoryId", "floor", "name", "Floor", "capacity", capacity,
                        "priceMinor", 5000, "currency", "EUR")),
                "queue", Map.of("ratePerMinute", ratePerMinute, "batchSize", batchSize)), operatorAuth());
        if (res.status() != 201) {
            throw new AssertionError("event creation failed: " + res.status() + " " + res.body());
        }
    }

    public void queueAction(String eventId, String action) {
        Http.Response res = http.post("/api/operator/events/" + eventId + "/queue/" + action, null, operatorAuth());
        if (res.status() != 200) {
            throw new AssertionError(action + " failed: " + res.status() + " " + res.body());
        }
    }

    /** Joins the fan and reads their status until admitted (the queue must be open and let them in now). */
    public String admissionToken(SignedUp fan, String eventId) {
        http.post("/api/events/" + eventId + "/queue", null, fan.auth());
        Http.Response status = http.get("/api/events/" + eventId + "/queue", fan.auth());
        String token = status.json().path("admissionToken").asText(null);
        if (token == null) {
            throw new AssertionError("fan not admitted: " + status.body());
        }
        return token;
    }

    @Override
    public void close() {
        server.close();
        grid.close();
    }
}
