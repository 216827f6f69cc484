package dev.floodgate.edge.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.floodgate.edge.support.Http;
import dev.floodgate.edge.support.RunningEdge;
import dev.floodgate.edge.support.TestGrid;
import dev.floodgate.engines.fixture.Engines;
import dev.floodgate.engines.fixture.SharedEngines;
import dev.floodgate.runtime.fuzz.Fuzz;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every edge endpoint, fed seeded random input: JSON bodies of the right shape with wrong values, of the wrong shape,
 * and not JSON at all; path parameters of any text; Authorization headers of every kind of token, forged, foreign
 * or garbage; content types. The properties ({@link Fuzz}), for each case: never a 5xx, never a hang, a 4xx with
 * the error body, and a refused request changes nothing an operator can see (the event's stock, its queue figures,
 * the events, the accounts, the proof-of-work setting).
 *
 * <p>{@value #CASES} cases per run, from seed {@code -Dfloodgate.fuzz.seed}; {@code -Dfloodgate.fuzz.cases} for more.
 * A failure names the seed and the case, and replays with that seed.
 */
@ExtendWith(SharedEngines.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EdgeFuzzTest {
    static final int CASES = 400;
    private static final List<String> FIELDS = List.of("email", "password", "displayName", "refreshToken",
            "placeToken", "categoryId", "quantity", "requestId", "seats", "challenge", "nonce", "ratePerMinute",
            "batchSize", "activeCap", "opensAt", "capacity", "difficultyBits", "eventId", "name", "startsAt",
            "maxPerFan", "holdTtlSeconds", "categories", "queue", "username", "role");

    /** Method and path template of each route ({x} a path parameter). */
    private static final List<String[]> ROUTES = List.of(
            r("POST", "/api/fans"), r("POST", "/api/sessions"), r("POST", "/api/sessions/refresh"),
            r("DELETE", "/api/sessions"), r("GET", "/api/events"), r("GET", "/api/events/{e}"),
            r("GET", "/api/events/{e}/categories/{c}/seats"), r("POST", "/api/events/{e}/queue"),
            r("GET", "/api/events/{e}/queue"), r("DELETE", "/api/events/{e}/queue"),
            r("POST", "/api/events/{e}/queue/bind"), r("POST", "/api/events/{e}/queue/challenge"),
            r("POST", "/api/events/{e}/queue/stream-ticket"), r("GET", "/api/events/{e}/queue/fairness"),
            r("POST", "/api/events/{e}/holds"), r("GET", "/api/events/{e}/holds/{h}"),
            r("DELETE", "/api/events/{e}/holds/{h}"), r("POST", "/api/operator/events"),
            r("GET", "/api/operator/events/{e}/figures"), r("POST", "/api/operator/events/{e}/queue/{a}"),
            r("PUT", "/api/operator/events/{e}/queue/settings"), r("PUT", "/api/operator/events/{e}/queue/schedule"),
            r("PUT", "/api/operator/events/{e}/categories/{c}"),
            r("POST", "/api/operator/events/{e}/categories/{c}/seats"), r("GET", "/api/operator/events/{e}/challenge"),
            r("PUT", "/api/operator/events/{e}/challenge"), r("DELETE", "/api/operator/fans/{f}/sessions"),
            r("POST", "/api/operator/accounts"), r("GET", "/api/operator/accounts"), r("GET", "/api/operator/audit"),
            r("POST", "/api/operator/sessions"), r("GET", "/.well-known/jwks.json"), r("GET", "/api/config"));

    private RunningEdge edge;
    private String eventId;
    private List<String> tokens;
    private String placeToken;

    private static String[] r(String method, String path) {
        return new String[] {method, path};
    }

    @BeforeAll
    void start(Engines engines) {
        // Random credentials must not lock the operator out (each wrong password counts): limits out of the way.
        edge = new RunningEdge(engines, Map.of("operator.account-failures", "100000000",
                "operator.address-failures", "100000000"));
        eventId = TestGrid.uniqueEventId("fuzz");
        edge.createEvent(eventId, 50, 4, 1_000_000, 10_000);
        edge.queueAction(eventId, "open");
        RunningEdge.SignedUp fan = edge.signUp();
        String admission = edge.admissionToken(fan, eventId);
        placeToken = edge.http.post("/api/events/" + eventId + "/queue", null, null).json().path("placeToken")
                .asText("none");
        tokens = List.of(fan.token(), admission, placeToken);
    }

    @AfterAll
    void stop() {
        edge.close();
    }

    @Test
    void noInputGets5xxHangsOrChangesAnythingWhenRefused() {
        Fuzz fuzz = new Fuzz(CASES);
        for (int i = 0; i < fuzz.cases(); i++) {
            String[] route = ROUTES.get(fuzz.random.nextInt(ROUTES.size()));
            Map<String, String> headers = new LinkedHashMap<>();
            String auth = authorization(fuzz);
            if (auth != null) {
                headers.put("Authorization", auth);
            }
            String contentType = fuzz.contentType();
            if (!contentType.isEmpty()) {
                headers.put("Content-Type", contentType);
            }
            String path = path(route[1], fuzz);
            if (path.endsWith("/stream")) {
                headers.put("Accept", "text/event-stream");
            }
            byte[] body = fuzz.random.nextInt(6) == 0
                    ? ("{\"quantity\":" + fuzz.notAnInteger() + ",\"categoryId\":\"floor\",\"requestId\":\"r-"
                    + fuzz.random.nextInt(1000) + "\"}").getBytes(StandardCharsets.UTF_8)
                    : fuzz.body(FIELDS);
            fuzz.check(edge.server.url(), new Fuzz.Request(i, route[0], path, headers, body), this::snapshot);
        }
        System.out.println(fuzz.summary());
    }

    /** What an operator sees, without figures that move by themselves (the measured rate). */
    private String snapshot() {
        String auth = edge.operatorAuth();
        ObjectNode figures = (ObjectNode) edge.http.get("/api/operator/events/" + eventId + "/figures", auth).json();
        figures.remove("measuredRatePerMinute");
        JsonNode accounts = edge.http.get("/api/operator/accounts", auth).json();
        return figures + " " + edge.http.get("/api/events", null).body() + " " + accounts + " "
                + edge.http.get("/api/operator/events/" + eventId + "/challenge", auth).body();
    }

    private String path(String template, Fuzz fuzz) {
        String path = template;
        path = path.replace("{e}", fuzz.random.nextInt(3) == 0 ? eventId : fuzz.segment());
        path = path.replace("{c}", fuzz.random.nextBoolean() ? "floor" : fuzz.segment());
        path = path.replace("{h}", fuzz.random.nextBoolean() ? "floor.0." + Long.toHexString(fuzz.random.nextLong())
                : fuzz.segment());
        path = path.replace("{a}", fuzz.pick("open", "pause", "resume", "close", "explode", fuzz.segment()));
        path = path.replace("{f}", fuzz.segment());
        return path + fuzz.query("limit");
    }

    private String authorization(Fuzz fuzz) {
        return switch (fuzz.random.nextInt(9)) {
            case 0 -> null;
            case 1, 2, 3, 6 -> fuzz.bearer(tokens);
            case 4 -> edge.operatorAuth();
            case 5 -> Http.basic(fuzz.pick("operator", "admin", fuzz.randomText(8)), fuzz.randomText(14));
            case 7 -> "Basic " + fuzz.headerText(20);
            default -> fuzz.headerText(1 + fuzz.random.nextInt(60));
        };
    }
}
