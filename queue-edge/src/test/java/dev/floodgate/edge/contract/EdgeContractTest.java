package dev.floodgate.edge.contract;

import dev.floodgate.edge.support.Http;
import dev.floodgate.edge.support.RunningEdge;
import dev.floodgate.edge.support.TestGrid;
import dev.floodgate.engines.fixture.Engines;
import dev.floodgate.engines.fixture.SharedEngines;
import dev.floodgate.runtime.ServedRoutes;
import dev.floodgate.runtime.openapi.ApiContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fan and operator API as queue-edge's OpenAPI document ({@code openapi/queue-edge.yaml}) describes it: every
 * answer here, success or error, comes from the running edge and is validated against the document (status listed,
 * body matching its schema, error codes from the enum), and the document lists exactly the routes the edge serves.
 */
@ExtendWith(SharedEngines.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EdgeContractTest {
    private static final String DOCUMENT = "openapi/queue-edge.yaml";
    private final ApiContract contract = ApiContract.load(DOCUMENT);
    private RunningEdge edge;

    @BeforeAll
    void start(Engines engines) {
        edge = new RunningEdge(engines);
    }

    @AfterAll
    void stop() {
        edge.close();
    }

    /** Sends the request, then holds the answer to the document (the test fails on any mismatch). */
    private Http.Response call(String method, String path, Object body, String authorization) {
        Http.Response res = edge.http.send(method, path, body, authorization);
        String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        contract.requireAllowed(method, bare, res.status(), res.header("content-type"), res.body());
        return res;
    }

    private String eventOpenForAll(int capacity, int maxPerFan) {
        String eventId = TestGrid.uniqueEventId("contract");
        assertThat(call("POST", "/api/operator/events", Map.of(
                "eventId", eventId, "name", "Contract " + eventId, "startsAt", "2030-06-01T19:00:00Z",
                "maxPerFan", maxPerFan, "holdTtlSeconds", 600,
                "categories", List.of(Map.of("categoryId", "floor", "name", "Floor", "capacity", capacity,
                        "priceMinor", 5000, "currency", "EUR")),
                "queue", Map.of("ratePerMinute", 1_000_000, "batchSize", 10_000)), edge.operatorAuth()).status())
                .isEqualTo(201);
        assertThat(call("POST", "/api/operator/events/" + eventId + "/queue/open", null, edge.operatorAuth())
                .status()).isEqualTo(200);
        return eventId;
    }

    /** Joins and reads the status (each answer checked); a fan behind others is let in as the test clock moves. */
    private String admitted(RunningEdge.SignedUp fan, String eventId) {
        assertThat(call("POST", "/api/events/" + eventId + "/queue", null, fan.auth()).status()).isEqualTo(201);
        Http.Response status = call("GET", "/api/events/" + eventId + "/queue", null, fan.auth());
        if (!status.json().get("state").asText().equals("ADMITTED")) {
            edge.clock.advance(Duration.ofSeconds(5)); // the queue's next batch
            status = call("GET", "/api/events/" + eventId + "/queue", null, fan.auth());
        }
        assertThat(status.json().get("state").asText()).as(status.body()).isEqualTo("ADMITTED");
        return status.json().get("admissionToken").asText();
    }

    @Test
    void theDocumentIsOpenApi31() {
        assertThat(contract.openApiProblems()).isEmpty();
    }

    @Test
    void theDocumentListsEveryErrorCode() {
        assertThat(contract.errorCodes()).isEqualTo(ApiContract.knownErrorCodes());
    }

    @Test
    void theDocumentsErrorBodyIsTheSharedOne() {
        assertThat(contract.sharedSchemaDrift()).isEmpty();
    }

    @Test
    void theDocumentListsExactlyTheRoutesTheEdgeServes() {
        assertThat(ServedRoutes.atPort(edge.server.port())).isNotEmpty().isEqualTo(contract.operations());
    }

    @Test
    void theEdgeServesItsDocumentAsYamlAndJson() throws IOException {
        Http.Response yaml = call("GET", "/openapi", null, null);
        assertThat(yaml.header("content-type")).startsWith("application/yaml");
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(DOCUMENT)) {
            assertThat(yaml.body()).isEqualTo(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        Http.Response json = call("GET", "/openapi?format=json", null, null);
        assertThat(json.header("content-type")).startsWith("application/json");
        assertThat(json.json().get("openapi").asText()).isEqualTo("3.1.0");
        assertThat(json.json().at("/paths/~1api~1fans/post")).isNotNull();
    }

    @Test
    void aFanSignsUpInAndOutAndRenews() {
        String email = "contract-" + UUID.randomUUID() + "@example.com";
        Http.Response up = call("POST", "/api/fans",
                Map.of("email", email, "password", "correct horse battery", "displayName", "Ada"), null);
        assertThat(up.status()).isEqualTo(201);
        Http.Response in = call("POST", "/api/sessions", Map.of("email", email, "password", "correct horse battery"),
                null);
        assertThat(in.status()).isEqualTo(200);
        Http.Response renewed = call("POST", "/api/sessions/refresh",
                Map.of("refreshToken", in.json().get("refreshToken").asText()), null);
        assertThat(renewed.status()).isEqualTo(200);
        assertThat(call("DELETE", "/api/sessions", null, Http.bearer(renewed.json().get("token").asText())).status())
                .isEqualTo(204);
    }

    @Test
    void signUpAndSignInErrorsAreDocumented() {
        RunningEdge.SignedUp fan = edge.signUp();
        assertThat(call("POST", "/api/fans", "{\"email\":", null).errorCode()).isEqualTo("VALIDATION");
        assertThat(call("POST", "/api/fans", "{\"email\":\"" + "x".repeat(4096) + "\"}", null).errorCode())
                .isEqualTo("PAYLOAD_TOO_LARGE");
        assertThat(call("POST", "/api/fans", Map.of("email", fan.email(), "password", "correct horse battery",
                "displayName", "Again"), null).errorCode()).isEqualTo("EMAIL_TAKEN");
        assertThat(call("POST", "/api/sessions", Map.of("email", fan.email(), "password", "wrong password!"), null)
                .errorCode()).isEqualTo("UNAUTHENTICATED");
        assertThat(call("POST", "/api/sessions/refresh", Map.of("refreshToken", "not-a-token"), null).status())
                .isEqualTo(401);
        assertThat(call("DELETE", "/api/sessions", null, null).status()).isEqualTo(401);
        assertThat(call("DELETE", "/api/sessions", null, Http.bearer("garbage")).errorCode())
                .isEqualTo("TOKEN_INVALID");
    }

    @Test
    void publicPagesAreDocumented() {
        String eventId = eventOpenForAll(5, 2);
        assertThat(call("GET", "/api/events", null, null).status()).isEqualTo(200);
        assertThat(call("GET", "/api/events/" + eventId, null, null).status()).isEqualTo(200);
        assertThat(call("GET", "/api/events/no-such-event", null, null).errorCode()).isEqualTo("NOT_FOUND");
        assertThat(call("GET", "/api/events/Not_A_Slug", null, null).errorCode()).isEqualTo("VALIDATION");
        assertThat(call("GET", "/api/events/" + eventId + "/categories/floor/seats", null, null).status())
                .isEqualTo(404);
        assertThat(call("GET", "/api/config", null, null).status()).isEqualTo(200);
        assertThat(call("GET", "/.well-known/jwks.json", null, null).status()).isEqualTo(200);
        assertThat(call("POST", "/api/events/" + eventId + "/queue/challenge", null, null).status()).isEqualTo(200);
        assertThat(call("POST", "/api/events/no-such-event/queue/challenge", null, null).status()).isEqualTo(404);
        assertThat(call("GET", "/api/events/" + eventId + "/queue/fairness?from=1&limit=10", null, null).status())
                .isEqualTo(200);
        assertThat(call("GET", "/api/events/" + eventId + "/queue/fairness?limit=-1", null, null).errorCode())
                .isEqualTo("VALIDATION");
    }

    @Test
    void aFanQueuesHoldsAndReleases() {
        String eventId = eventOpenForAll(5, 2);
        RunningEdge.SignedUp fan = edge.signUp();
        String admission = admitted(fan, eventId);
        assertThat(call("POST", "/api/events/" + eventId + "/queue", null, fan.auth()).status()).isEqualTo(200);
        assertThat(call("POST", "/api/events/" + eventId + "/queue/stream-ticket", null, fan.auth()).status())
                .isEqualTo(200);
        Http.Response hold = call("POST", "/api/events/" + eventId + "/holds",
                Map.of("categoryId", "floor", "quantity", 2, "requestId", "contract-1"), Http.bearer(admission));
        assertThat(hold.status()).isEqualTo(201);
        String holdPath = "/api/events/" + eventId + "/holds/" + hold.json().get("holdId").asText();
        assertThat(call("GET", holdPath, null, fan.auth()).status()).isEqualTo(200);
        assertThat(call("DELETE", holdPath, null, Http.bearer(admission)).status()).isEqualTo(204);
        assertThat(call("GET", holdPath, null, fan.auth()).errorCode()).isEqualTo("HOLD_NOT_FOUND");
        assertThat(call("DELETE", "/api/events/" + eventId + "/queue", null, fan.auth()).status()).isEqualTo(204);
        assertThat(call("DELETE", "/api/events/" + eventId + "/queue", null, fan.auth()).status()).isEqualTo(404);
        assertThat(call("POST", "/api/events/" + eventId + "/queue/stream-ticket", null, fan.auth()).status())
                .isEqualTo(404);
    }

    @Test
    void holdErrorsAreDocumented() {
        String eventId = eventOpenForAll(3, 3);
        RunningEdge.SignedUp fan = edge.signUp();
        String admission = admitted(fan, eventId);
        String holds = "/api/events/" + eventId + "/holds";
        assertThat(call("POST", holds, Map.of("categoryId", "floor", "quantity", 1, "requestId", "r-1"), null)
                .status()).isEqualTo(401);
        assertThat(call("POST", holds, Map.of("categoryId", "floor", "quantity", 1, "requestId", "r-1"), fan.auth())
                .status()).isEqualTo(401);
        assertThat(call("POST", holds, Map.of("categoryId", "floor", "quantity", "1", "requestId", "r-1"),
                Http.bearer(admission)).errorCode()).isEqualTo("VALIDATION");
        assertThat(call("POST", holds, Map.of("categoryId", "balcony", "quantity", 1, "requestId", "r-1"),
                Http.bearer(admission)).status()).isEqualTo(404);
        String other = eventOpenForAll(3, 3);
        assertThat(call("POST", "/api/events/" + other + "/holds",
                Map.of("categoryId", "floor", "quantity", 1, "requestId", "r-1"), Http.bearer(admission)).status())
                .isEqualTo(403);
        // Someone else takes all but one ticket, so our fan's 2 are sold out.
        RunningEdge.SignedUp rival = edge.signUp();
        assertThat(call("POST", holds, Map.of("categoryId", "floor", "quantity", 2, "requestId", "r-rival"),
                Http.bearer(admitted(rival, eventId))).status()).isEqualTo(201);
        assertThat(call("POST", holds, Map.of("categoryId", "floor", "quantity", 2, "requestId", "r-2"),
                Http.bearer(admission)).errorCode()).isEqualTo("SOLD_OUT");
    }

    @Test
    void anAnonymousPlaceIsTakenWatchedAndBound() {
        String eventId = eventOpenForAll(5, 2);
        Http.Response place = call("POST", "/api/events/" + eventId + "/queue", null, null);
        assertThat(place.status()).isEqualTo(201);
        String placeToken = place.json().get("placeToken").asText();
        assertThat(call("GET", "/api/events/" + eventId + "/queue", null, Http.bearer(placeToken)).status())
                .isEqualTo(200);
        assertThat(call("GET", "/api/events/" + eventId + "/queue", null, Http.bearer("not.a.token")).status())
                .isEqualTo(401);
        RunningEdge.SignedUp fan = edge.signUp();
        assertThat(call("POST", "/api/events/" + eventId + "/queue/bind", Map.of("placeToken", placeToken),
                fan.auth()).status()).isEqualTo(200);
        assertThat(call("POST", "/api/events/" + eventId + "/queue/bind", Map.of("nope", 1), fan.auth())
                .errorCode()).isEqualTo("VALIDATION");
    }

    @Test
    void aClosedQueueRefusesJoins() {
        String eventId = eventOpenForAll(5, 2);
        assertThat(call("POST", "/api/operator/events/" + eventId + "/queue/close", null, edge.operatorAuth())
                .status()).isEqualTo(200);
        assertThat(call("POST", "/api/events/" + eventId + "/queue", null, edge.signUp().auth()).status())
                .isEqualTo(409);
    }

    @Test
    void seatedCategoriesAreDocumented() {
        String eventId = TestGrid.uniqueEventId("contract-seats");
        assertThat(call("POST", "/api/operator/events", Map.of(
                "eventId", eventId, "name", "Seated " + eventId, "startsAt", "2030-06-01T19:00:00Z",
                "maxPerFan", 4, "holdTtlSeconds", 600,
                "categories", List.of(Map.of("categoryId", "stalls", "name", "Stalls", "priceMinor", 8900,
                        "currency", "EUR", "sections", List.of(Map.of("sectionId", "A", "rowCount", 2,
                                "seatsPerRow", 10)))),
                "queue", Map.of("ratePerMinute", 1_000_000, "batchSize", 10_000)), edge.operatorAuth())
                .status()).isEqualTo(201);
        call("POST", "/api/operator/events/" + eventId + "/queue/open", null, edge.operatorAuth());
        assertThat(call("GET", "/api/events/" + eventId + "/categories/stalls/seats", null, null).status())
                .isEqualTo(200);
        String holds = "/api/events/" + eventId + "/holds";
        String first = admitted(edge.signUp(), eventId);
        assertThat(call("POST", holds, Map.of("categoryId", "stalls", "seats", List.of("A-1-1"), "requestId", "s-1"),
                Http.bearer(first)).status()).isEqualTo(201);
        String second = admitted(edge.signUp(), eventId);
        assertThat(call("POST", holds, Map.of("categoryId", "stalls", "seats", List.of("A-1-1"), "requestId", "s-2"),
                Http.bearer(second)).errorCode()).isEqualTo("SEAT_TAKEN");
        String seats = "/api/operator/events/" + eventId + "/categories/stalls/seats";
        assertThat(call("POST", seats, Map.of("add", List.of("A-1-11")), edge.operatorAuth()).status())
                .isEqualTo(200);
        assertThat(call("POST", seats, Map.of("remove", List.of("A-1-1")), edge.operatorAuth()).status())
                .isEqualTo(409);
    }

    @Test
    void operatorsRunAnEvent() {
        String eventId = eventOpenForAll(10, 2);
        String op = edge.operatorAuth();
        String base = "/api/operator/events/" + eventId;
        assertThat(call("POST", base + "/queue/pause", null, op).status()).isEqualTo(200);
        assertThat(call("POST", base + "/queue/open", null, op).errorCode()).isEqualTo("QUEUE_PAUSED");
        assertThat(call("POST", base + "/queue/resume", null, op).status()).isEqualTo(200);
        assertThat(call("POST", base + "/queue/explode", null, op).status()).isEqualTo(404);
        assertThat(call("PUT", base + "/queue/settings", Map.of("ratePerMinute", 600, "batchSize", 10), op).status())
                .isEqualTo(200);
        assertThat(call("PUT", base + "/queue/settings", Map.of("ratePerMinute", 0, "batchSize", 10), op)
                .errorCode()).isEqualTo("VALIDATION");
        assertThat(call("PUT", base + "/queue/schedule", Map.of("opensAt", "2030-01-01T00:00:00Z"), op).status())
                .isIn(200, 409);
        assertThat(call("GET", base + "/figures", null, op).status()).isEqualTo(200);
        assertThat(call("GET", base + "/history?minutes=5", null, op).status()).isEqualTo(200);
        assertThat(call("GET", base + "/history?minutes=0", null, op).errorCode()).isEqualTo("VALIDATION");
        assertThat(call("GET", "/api/operator/events/no-such-event/history", null, op).status()).isEqualTo(404);
        assertThat(call("GET", base + "/challenge", null, op).status()).isEqualTo(200);
        assertThat(call("PUT", base + "/challenge", Map.of("difficultyBits", 0), op).status()).isEqualTo(200);
        assertThat(call("PUT", base + "/challenge", Map.of("difficultyBits", "8"), op).status()).isEqualTo(400);
        assertThat(call("PUT", base + "/categories/floor", Map.of("capacity", 20), op).status()).isEqualTo(200);
        assertThat(call("POST", "/api/operator/events", Map.of("eventId", eventId, "name", "Again",
                "startsAt", "2030-06-01T19:00:00Z", "maxPerFan", 2, "holdTtlSeconds", 600,
                "categories", List.of(Map.of("categoryId", "floor", "name", "Floor", "capacity", 1,
                        "priceMinor", 5000, "currency", "EUR"))), op).status()).isEqualTo(409);
        assertThat(call("GET", "/api/operator/events/no-such-event/figures", null, op).status()).isEqualTo(404);
        assertThat(call("GET", base + "/figures", null, null).errorCode()).isEqualTo("UNAUTHENTICATED");
        RunningEdge.SignedUp fan = edge.signUp();
        assertThat(call("DELETE", "/api/operator/fans/" + fan.fanId() + "/sessions", null, op).status())
                .isEqualTo(204);
        assertThat(call("DELETE", "/api/operator/fans/" + UUID.randomUUID() + "/sessions", null, op).status())
                .isEqualTo(404);
        assertThat(call("POST", "/api/operator/keys/rotate", null, op).status()).isEqualTo(200);
    }

    @Test
    void operatorAccountsAndSessionsAreDocumented() {
        String op = edge.operatorAuth();
        Http.Response session = call("POST", "/api/operator/sessions",
                Map.of("username", RunningEdge.OPERATOR, "password", RunningEdge.OPERATOR_PASSWORD), null);
        assertThat(session.status()).isEqualTo(201);
        String bearer = Http.bearer(session.json().get("token").asText());
        assertThat(call("GET", "/api/operator/me", null, bearer).status()).isEqualTo(200);
        assertThat(call("GET", "/api/operator/accounts", null, op).status()).isEqualTo(200);
        String viewer = "viewer-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(call("POST", "/api/operator/accounts",
                Map.of("username", viewer, "role", "viewer", "password", "a viewer password"), op).status())
                .isEqualTo(201);
        assertThat(call("POST", "/api/operator/accounts",
                Map.of("username", viewer, "role", "viewer", "password", "a viewer password"), op).status())
                .isEqualTo(409);
        assertThat(call("PATCH", "/api/operator/accounts/" + viewer, Map.of("disabled", false), op).status())
                .isEqualTo(200);
        assertThat(call("PATCH", "/api/operator/accounts/" + viewer, Map.of("role", "king"), op).status())
                .isEqualTo(400);
        String asViewer = Http.basic(viewer, "a viewer password");
        assertThat(call("GET", "/api/operator/accounts", null, asViewer).errorCode()).isEqualTo("FORBIDDEN");
        assertThat(call("GET", "/api/operator/audit?limit=5", null, asViewer).status()).isEqualTo(200);
        assertThat(call("GET", "/api/operator/audit?limit=0", null, asViewer).status()).isEqualTo(400);
        assertThat(call("DELETE", "/api/operator/sessions", null, bearer).status()).isEqualTo(204);
        assertThat(call("GET", "/api/operator/me", null, bearer).status()).isEqualTo(401);
    }
}
