package dev.floodgate.edge.operator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.floodgate.edge.support.Http;
import dev.floodgate.edge.support.RunningEdge;
import dev.floodgate.edge.support.TestGrid;
import dev.floodgate.engines.fixture.Engines;
import dev.floodgate.engines.fixture.SharedEngines;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The operator API: who may use it, and what it does to events and queues. */
@ExtendWith(SharedEngines.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperatorApiTest {
    private RunningEdge edge;

    @BeforeAll
    void start(Engines engines) {
        edge = new RunningEdge(engines);
    }

    @AfterAll
    void stop() {
        edge.close();
    }

    private static Map<String, Object> event(String eventId, int capacity) {
        return Map.of("eventId", eventId, "name", "Night show", "startsAt", "2030-06-01T19:00:00Z",
                "maxPerFan", 4, "holdTtlSeconds", 300,
                "categories", List.of(
                        Map.of("categoryId", "floor", "name", "Floor", "capacity", capacity, "priceMinor", 5000,
                                "currency", "EUR"),
                        Map.of("categoryId", "balcony", "name", "Balcony", "capacity", 10, "priceMinor", 3000,
                                "currency", "EUR")));
    }

    @Test
    void withoutCredentialsTheAnswerIs401WithABasicChallenge() {
        Http.Response res = edge.http.post("/api/operator/events", event(TestGrid.uniqueEventId("op"), 10), null);
        assertThat(res.status()).isEqualTo(401);
        assertThat(res.header("WWW-Authenticate")).startsWith("Basic realm=");
        assertThat(res.error()).isEqualTo("operator credentials required");
    }

    @Test
    void aFanTokenIsNotAnOperatorCredential() {
        String eventId = TestGrid.uniqueEventId("op");
        Http.Response res = edge.http.post("/api/operator/events", event(eventId, 10), edge.signUp().auth());
        assertThat(res.status()).isEqualTo(401);
        assertThat(res.header("WWW-Authenticate")).startsWith("Bearer").contains("invalid_token");
        assertThat(edge.http.get("/api/events/" + eventId).status()).isEqualTo(404);
    }

    @Test
    void aWrongPasswordOrUserIs401() {
        String path = "/api/operator/events/anything/figures";
        assertThat(edge.http.get(path, Http.basic(RunningEdge.OPERATOR, "wrong-password-123")).status())
                .isEqualTo(401);
        assertThat(edge.http.get(path, Http.basic("someone", RunningEdge.OPERATOR_PASSWORD)).status())
                .isEqualTo(401);
        assertThat(edge.http.get(path, "Basic !!!not-base64").status()).isEqualTo(401);
    }

    @Test
    void creatingAnEventPublishesItWithStockAndAQueueNotOpenYet() {
        String eventId = TestGrid.uniqueEventId("op");
        Http.Response created = edge.http.post("/api/operator/events", event(eventId, 100), edge.operatorAuth());
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().at("/queue/status").asText()).isEqualTo("PRE_QUEUE");

        JsonNode page = edge.http.get("/api/events/" + eventId).json();
        assertThat(page.get("name").asText()).isEqualTo("Night show");
        assertThat(page.get("startsAt").asText()).isEqualTo("2030-06-01T19:00:00Z");
        assertThat(page.at("/categories/0/available").asInt()).isEqualTo(100);
        assertThat(page.at("/categories/0/priceMinor").asLong()).isEqualTo(5000);
        assertThat(page.at("/categories/1/capacity").asInt()).isEqualTo(10);
        assertThat(edge.http.get("/api/events").json().findValuesAsText("eventId")).contains(eventId);
    }

    @Test
    void creatingAnEventTwiceIs409() {
        String eventId = TestGrid.uniqueEventId("op");
        edge.http.post("/api/operator/events", event(eventId, 100), edge.operatorAuth());
        assertThat(edge.http.post("/api/operator/events", event(eventId, 5), edge.operatorAuth()).status())
                .isEqualTo(409);
        assertThat(edge.http.get("/api/events/" + eventId).json().at("/categories/0/capacity").asInt())
                .isEqualTo(100);
    }

    @Test
    void anInvalidEventIs400NamingTheFieldAndNothingIsCreated() {
        String eventId = TestGrid.uniqueEventId("op");
        Map<String, Object> bad = new java.util.HashMap<>(event(eventId, 100));
        bad.put("maxPerFan", 0);
        Http.Response res = edge.http.post("/api/operator/events", bad, edge.operatorAuth());
        assertThat(res.status()).isEqualTo(400);
        assertThat(res.errorField()).isEqualTo("maxPerFan");
        assertThat(edge.http.get("/api/events/" + eventId).status()).isEqualTo(404);
    }

    @Test
    void malformedJsonIs400AndNothingIsCreated() {
        Http.Response res = edge.http.post("/api/operator/events", "{\"eventId\":\"half\",", edge.operatorAuth());
        assertThat(res.status()).isEqualTo(400);
        assertThat(res.json().get("errors")).isNotEmpty();
        assertThat(edge.http.get("/api/events/half").status()).isEqualTo(404);
    }

    @Test
    void theQueueMovesThroughOpenPauseResumeClose() {
        String eventId = TestGrid.uniqueEventId("op");
        edge.createEvent(eventId, 10, 2, 60, 10);
        String base = "/api/operator/events/" + eventId + "/queue/";
        assertThat(edge.http.post(base + "resume", null, edge.operatorAuth()).status()).isEqualTo(409);
        assertThat(edge.http.post(base + "open", null, edge.operatorAuth()).json().get("status").asText())
                .isEqualTo("OPEN");
        assertThat(edge.http.post(base + "pause", null, edge.operatorAuth()).json().get("status").asText())
                .isEqualTo("PAUSED");
        Http.Response openWhilePaused = edge.http.post(base + "open", null, edge.operatorAuth());
        assertThat(openWhilePaused.status()).isEqualTo(409);
        assertThat(openWhilePaused.errorCode()).isEqualTo("QUEUE_PAUSED");
        assertThat(edge.http.post(base + "resume", null, edge.operatorAuth()).json().get("status").asText())
                .isEqualTo("OPEN");
        assertThat(edge.http.post(base + "close", null, edge.operatorAuth()).json().get("status").asText())
                .isEqualTo("CLOSED");
        assertThat(edge.http.post(base + "open", null, edge.operatorAuth()).status()).isEqualTo(409);
        assertThat(edge.http.post(base + "explode", null, edge.operatorAuth()).status()).isEqualTo(404);
    }

    @Test
    void queueSettingsAreCheckedAndApplied() {
        String eventId = TestGrid.uniqueEventId("op");
        edge.createEvent(eventId, 10, 2, 60, 10);
        String path = "/api/operator/events/" + eventId + "/queue/settings";
        Http.Response ok = edge.http.put(path, Map.of("ratePerMinute", 1200, "batchSize", 20), edge.operatorAuth());
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.json().get("ratePerMinute").asInt()).isEqualTo(1200);
        assertThat(ok.json().get("batchSize").asInt()).isEqualTo(20);

        Http.Response tooFast = edge.http.put(path, Map.of("ratePerMinute", 1_000_001, "batchSize", 20),
                edge.operatorAuth());
        assertThat(tooFast.status()).isEqualTo(400);
        assertThat(tooFast.errorField()).isEqualTo("ratePerMinute");
        Http.Response noBatch = edge.http.put(path, Map.of("ratePerMinute", 60, "batchSize", 0), edge.operatorAuth());
        assertThat(noBatch.errorField()).isEqualTo("batchSize");
        assertThat(edge.http.put("/api/operator/events/nope/queue/settings",
                Map.of("ratePerMinute", 60, "batchSize", 1), edge.operatorAuth()).status()).isEqualTo(404);
    }

    @Test
    void figuresCountTheQueueAndTheStock() {
        String eventId = TestGrid.uniqueEventId("op");
        edge.createEvent(eventId, 50, 4, 60, 1);
        edge.queueAction(eventId, "open");
        RunningEdge.SignedUp first = edge.signUp();
        String admission = edge.admissionToken(first, eventId);
        edge.http.post("/api/events/" + eventId + "/queue", null, edge.signUp().auth());
        edge.http.post("/api/events/" + eventId + "/holds",
                Map.of("categoryId", "floor", "quantity", 3, "requestId", "r1"), Http.bearer(admission));

        JsonNode figures = edge.http.get("/api/operator/events/" + eventId + "/figures", edge.operatorAuth()).json();
        assertThat(figures.get("joined").asLong()).isEqualTo(2);
        assertThat(figures.get("admitted").asLong()).isEqualTo(1);
        assertThat(figures.get("waiting").asLong()).isEqualTo(1);
        assertThat(figures.get("held").asInt()).isEqualTo(3);
        assertThat(figures.get("available").asInt()).isEqualTo(47);
        assertThat(figures.get("sold").asInt()).isZero();
        assertThat(figures.get("capacity").asInt()).isEqualTo(50);
    }

    @Test
    void capacityCanBeRaisedAndLoweredButNotBelowWhatIsHeldOrSold() {
        String eventId = TestGrid.uniqueEventId("op");
        assertThat(edge.http.post("/api/operator/events", event(eventId, 100), edge.operatorAuth()).status())
                .isEqualTo(201);
        String path = "/api/operator/events/" + eventId + "/categories/floor";

        Http.Response raised = edge.http.put(path, Map.of("capacity", 150), edge.operatorAuth());
        assertThat(raised.status()).isEqualTo(200);
        assertThat(raised.json().get("capacity").asInt()).isEqualTo(150);
        assertThat(raised.json().get("available").asInt()).isEqualTo(150);

        Http.Response lowered = edge.http.put(path, Map.of("capacity", 40), edge.operatorAuth());
        assertThat(lowered.status()).isEqualTo(200);
        assertThat(lowered.json().get("available").asInt()).isEqualTo(40);

        Http.Response negative = edge.http.put(path, Map.of("capacity", -1), edge.operatorAuth());
        assertThat(negative.status()).isEqualTo(400);
        assertThat(negative.json().at("/errors/0/field").asText()).isEqualTo("capacity");
        assertThat(edge.http.put("/api/operator/events/" + eventId + "/categories/nope", Map.of("capacity", 5),
                edge.operatorAuth()).status()).isEqualTo(404);
        assertThat(edge.http.put(path, Map.of("capacity", 5), null).status()).isEqualTo(401);
    }
}
