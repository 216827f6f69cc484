package dev.floodgate.edge.queue;

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

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The waiting room over HTTP, end to end: join, wait, get admitted, and what the JWKS proves. */
@ExtendWith(SharedEngines.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueueApiTest {
    private RunningEdge edge;

    @BeforeAll
    void start(Engines engines) {
        edge = new RunningEdge(engines);
    }

    @AfterAll
    void stop() {
        edge.close();
    }

    private Http.Response join(String eventId, RunningEdge.SignedUp fan) {
        return edge.http.post("/api/events/" + eventId + "/queue", null, fan.auth());
    }

    private JsonNode status(String eventId, RunningEdge.SignedUp fan) {
        return edge.http.get("/api/events/" + eventId + "/queue", fan.auth()).json();
    }

    @Test
    void joiningAnswers201ThenTheSameSpotWith200() {
        String eventId = TestGrid.uniqueEventId("q");
        edge.createEvent(eventId, 10, 2, 60, 1);
        RunningEdge.SignedUp fan = edge.signUp();
        Http.Response first = join(eventId, fan);
        Http.Response again = join(eventId, fan);
        assertThat(first.status()).isEqualTo(201);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("ticket").asLong()).isEqualTo(first.json().get("ticket").asLong());
        assertThat(first.json().get("position").isNull()).isTrue();
        assertThat(first.json().get("state").asText()).isEqualTo("PRE_QUEUE");
    }

    @Test
    void fansWaitTheirTurnAndAreAdmittedWithATokenInOrder() {
        String eventId = TestGrid.uniqueEventId("q");
        edge.createEvent(eventId, 10, 2, 60, 1);   // one fan a second
        RunningEdge.SignedUp first = edge.signUp();
        RunningEdge.SignedUp second = edge.signUp();
        edge.queueAction(eventId, "open");
        join(eventId, first);
        join(eventId, second);

        JsonNode admitted = status(eventId, first);
        assertThat(admitted.get("state").asText()).isEqualTo("ADMITTED");
        assertThat(admitted.get("admissionToken").asText()).isNotBlank();
        assertThat(admitted.get("admissionExpiresAt").asText()).isNotBlank();

        JsonNode waiting = status(eventId, second);
        assertThat(waiting.get("state").asText()).isEqualTo("WAITING");
        assertThat(waiting.get("position").asLong()).isEqualTo(2);
        assertThat(waiting.get("fansAhead").asLong()).isZero();
        assertThat(waiting.get("estimatedWaitSeconds").asLong()).isEqualTo(1);
        assertThat(waiting.get("admissionToken").isNull()).isTrue();

        edge.clock.advance(Duration.ofSeconds(1));
        assertThat(status(eventId, second).get("state").asText()).isEqualTo("ADMITTED");
    }

    @Test
    void statusWithoutJoiningIs404AndWithoutATokenIs401() {
        String eventId = TestGrid.uniqueEventId("q");
        edge.createEvent(eventId, 10, 2, 60, 1);
        assertThat(edge.http.get("/api/events/" + eventId + "/queue", edge.signUp().auth()).status())
                .isEqualTo(404);
        assertThat(edge.http.get("/api/events/" + eventId + "/queue", null).status()).isEqualTo(401);
        // A join without any token is an anonymous place (PlaceTest); a bad token is still refused.
        assertThat(edge.http.post("/api/events/" + eventId + "/queue", null, "Bearer nonsense").status())
                .isEqualTo(401);
    }

    @Test
    void joiningAClosedQueueIs409WithCodeQueueClosed() {
        String eventId = TestGrid.uniqueEventId("q");
        edge.createEvent(eventId, 10, 2, 60, 1);
        edge.queueAction(eventId, "open");
        edge.queueAction(eventId, "close");

        Http.Response res = join(eventId, edge.signUp());

        assertThat(res.status()).isEqualTo(409);
        assertThat(res.errorCode()).isEqualTo("QUEUE_CLOSED");
    }

    @Test
    void joiningWhenEveryTicketIsTakenIs409WithCodeSoldOut() {
        String eventId = TestGrid.uniqueEventId("q");
        edge.createEvent(eventId, 1, 1, 1_000_000, 10_000);
        edge.queueAction(eventId, "open");
        String admission = edge.admissionToken(edge.signUp(), eventId);
        assertThat(edge.http.post("/api/events/" + eventId + "/holds",
                java.util.Map.of("categoryId", "floor", "quantity", 1, "requestId", "r-1"), Http.bearer(admission))
                .status()).isEqualTo(201);

        Http.Response res = join(eventId, edge.signUp());

        assertThat(res.status()).isEqualTo(409);
        assertThat(res.errorCode()).isEqualTo("SOLD_OUT");
    }

    @Test
    void aBadFanTokenIs401WithCodeTokenInvalid() {
        String eventId = TestGrid.uniqueEventId("q");
        edge.createEvent(eventId, 10, 2, 60, 1);

        Http.Response res = edge.http.get("/api/events/" + eventId + "/queue", "Bearer nonsense");

        assertThat(res.status()).isEqualTo(401);
        assertThat(res.errorCode()).isEqualTo("TOKEN_INVALID");
    }

    @Test
    void anAdmissionTokenCannotBeUsedAsAFanToken() {
        String eventId = TestGrid.uniqueEventId("q");
        edge.createEvent(eventId, 10, 2, 1_000_000, 10_000);
        edge.queueAction(eventId, "open");
        String admission = edge.admissionToken(edge.signUp(), eventId);
        assertThat(edge.http.get("/api/events/" + eventId + "/queue", Http.bearer(admission)).status())
                .isEqualTo(401);
    }

    @Test
    void aBadEventIdInThePathIs400() {
        Http.Response res = edge.http.get("/api/events/Not_A_Slug/queue", edge.signUp().auth());
        assertThat(res.status()).isEqualTo(400);
        assertThat(res.errorField()).isEqualTo("eventId");
    }

    @Test
    void theJwksEndpointPublishesTheKeyThatSignedOurTokens() {
        JsonNode jwks = edge.http.get("/.well-known/jwks.json").json();
        String token = edge.signUp().token();
        String header = new String(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[0]));
        JsonNode key = jwks.get("keys").get(0);
        assertThat(header).contains("\"kid\":\"" + key.get("kid").asText() + "\"");
        assertThat(key.get("alg").asText()).isEqualTo("ES256");
        assertThat(key.has("d")).isFalse();
    }

    @Test
    void healthAndMetricsAreServed() {
        JsonNode health = edge.http.get("/observe/health").json();
        assertThat(health.get("status").asText()).isEqualTo("UP");
        assertThat(health.toString()).contains("edge-database", "edge-grid");
        String metrics = edge.http.send("GET", "/observe/metrics", null, null).body();
        assertThat(metrics).contains("floodgate_edge_queue_joins_total", "floodgate_edge_queue_admissions_total");
    }
}
