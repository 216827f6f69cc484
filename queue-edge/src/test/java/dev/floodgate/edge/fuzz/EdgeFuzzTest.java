package dev.floodgate.edge.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.floodgate.contracts.http.Json;
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

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.fail;

/**
 * Every edge endpoint, fed seeded random input: JSON bodies of the right shape with wrong values, of the wrong shape,
 * and not JSON at all; path parameters of any text; Authorization headers of every kind of token, forged, foreign
 * or garbage; content types. The properties, for each case: never a 5xx, never a hang (an answer within
 * {@value #ANSWER_WITHIN_SECONDS} s), and a refused request (4xx) changes nothing an operator can see (the event's
 * stock, its queue figures, the events, the accounts, the proof-of-work setting).
 *
 * <p>{@value #CASES} cases per run, from seed {@code -Dfloodgate.fuzz.seed} (default {@value #DEFAULT_SEED});
 * {@code -Dfloodgate.fuzz.cases} for more. A failure names the seed and the case, and replays with that seed.
 */
@ExtendWith(SharedEngines.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EdgeFuzzTest {
    static final int CASES = 400;
    static final long DEFAULT_SEED = 20261203L;
    static final int ANSWER_WITHIN_SECONDS = 10;
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

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
    void noInputGets5xxHangsOrChangesAnythingWhenRefused() throws Exception {
        long seed = Long.getLong("floodgate.fuzz.seed", DEFAULT_SEED);
        int cases = Integer.getInteger("floodgate.fuzz.cases", CASES);
        Random random = new Random(seed);
        for (int i = 0; i < cases; i++) {
            String[] route = ROUTES.get(random.nextInt(ROUTES.size()));
            String path = path(route[1], random);
            String auth = authorization(random);
            byte[] body = body(random);
            String contentType = pick(random, "application/json", "application/json; charset=utf-8", "text/plain",
                    "application/x-www-form-urlencoded", "", "application/json; charset=latin1");
            String what = "seed " + seed + ", case " + i + ": " + route[0] + " " + path + " auth="
                    + abbreviate(auth) + " content-type=" + contentType + " body=" + abbreviate(
                    new String(body, StandardCharsets.UTF_8));
            String before = snapshot();
            HttpResponse<String> res = send(route[0], path, auth, contentType, body, what);
            if (res.statusCode() >= 500) {
                fail(what + "\n  answered " + res.statusCode() + ": " + res.body());
            }
            if (res.statusCode() >= 400) {
                if (!res.body().startsWith("{\"errors\":[{")) {
                    fail(what + "\n  answered " + res.statusCode() + " without the error body: " + res.body());
                }
                String after = snapshot();
                if (!after.equals(before)) {
                    fail(what + "\n  was refused (" + res.statusCode() + ") but changed what operators see:\n  before "
                            + before + "\n  after  " + after);
                }
            }
        }
    }

    private HttpResponse<String> send(String method, String path, String auth, String contentType, byte[] body,
                                      String what) throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(edge.server.url() + path))
                .timeout(Duration.ofSeconds(ANSWER_WITHIN_SECONDS))
                .method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (auth != null) {
            req.header("Authorization", auth);
        }
        if (!contentType.isEmpty()) {
            req.header("Content-Type", contentType);
        }
        if (path.endsWith("/stream")) {
            req.header("Accept", "text/event-stream");
        }
        try {
            return CLIENT.send(req.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new AssertionError(what + "\n  no answer within " + ANSWER_WITHIN_SECONDS + " s", e);
        } catch (java.io.IOException e) {
            throw new AssertionError(what + "\n  no HTTP answer at all: " + e, e);
        }
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

    private String path(String template, Random random) {
        String path = template;
        path = path.replace("{e}", random.nextInt(3) == 0 ? eventId : segment(random));
        path = path.replace("{c}", random.nextBoolean() ? "floor" : segment(random));
        path = path.replace("{h}", random.nextBoolean() ? "floor.0." + Long.toHexString(random.nextLong())
                : segment(random));
        path = path.replace("{a}", pick(random, "open", "pause", "resume", "close", "explode", segment(random)));
        path = path.replace("{f}", segment(random));
        return path + (random.nextInt(8) == 0 ? "?limit=" + pick(random, "-1", "1e9", "abc", "5", "") : "");
    }

    private String segment(Random random) {
        String raw = switch (random.nextInt(8)) {
            case 0 -> "";
            // Long, but inside the 2 KiB request line (server.max-prologue-length) even twice in one path: past it
            // Helidon closes the connection unanswered, before any of our code runs (noted in the README).
            case 1 -> "x".repeat(300 + random.nextInt(600));
            case 2 -> "..";
            case 3 -> "événement-🎟";
            case 4 -> "\u0000nul";
            case 5 -> "a/b";
            case 6 -> Long.toString(random.nextLong());
            default -> randomText(random, 1 + random.nextInt(40));
        };
        return URLEncoder.encode(raw, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private String authorization(Random random) {
        return switch (random.nextInt(9)) {
            case 0 -> null;
            case 1, 2 -> "Bearer " + tokens.get(random.nextInt(tokens.size()));
            case 3 -> "Bearer " + tamper(tokens.get(random.nextInt(tokens.size())), random);
            case 4 -> edge.operatorAuth();
            case 5 -> Http.basic(pick(random, "operator", "admin", randomText(random, 8)), randomText(random, 14));
            case 6 -> "Basic " + headerText(random, 20);
            case 7 -> "Bearer " + "A".repeat(random.nextInt(6000));
            default -> headerText(random, 1 + random.nextInt(60));
        };
    }

    private static String tamper(String token, Random random) {
        char[] chars = token.toCharArray();
        int at = random.nextInt(chars.length);
        chars[at] = chars[at] == 'A' ? 'B' : 'A';
        return random.nextBoolean() ? new String(chars) : token.substring(0, random.nextInt(token.length()));
    }

    /** A body: a JSON object of known field names with values of any type, other JSON, or not JSON. */
    private static byte[] body(Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> new byte[0];
            case 1 -> {
                byte[] b = new byte[random.nextInt(200)];
                random.nextBytes(b);
                yield b;
            }
            case 2 -> ("{".repeat(random.nextInt(3000))).getBytes(StandardCharsets.UTF_8);
            case 3 -> jsonValue(random, 0).toString().getBytes(StandardCharsets.UTF_8);
            case 4 -> ("{\"quantity\":" + pick(random, "1e400", "-0", "NaN", "99999999999999999999", "\"1\"", "1.5",
                    "true", "null") + ",\"categoryId\":\"floor\",\"requestId\":\"r-" + random.nextInt(1000) + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            default -> {
                ObjectNode o = Json.MAPPER.createObjectNode();
                for (String field : List.of("email", "password", "displayName", "refreshToken", "placeToken",
                        "categoryId", "quantity", "requestId", "seats", "challenge", "nonce", "ratePerMinute",
                        "batchSize", "activeCap", "opensAt", "capacity", "difficultyBits", "eventId", "name",
                        "startsAt", "maxPerFan", "holdTtlSeconds", "categories", "queue", "username", "role")) {
                    if (random.nextInt(3) == 0) {
                        o.set(field, jsonValue(random, 1));
                    }
                }
                yield o.toString().getBytes(StandardCharsets.UTF_8);
            }
        };
    }

    private static JsonNode jsonValue(Random random, int depth) {
        var f = Json.MAPPER.getNodeFactory();
        return switch (depth > 4 ? random.nextInt(6) : random.nextInt(9)) {
            case 0 -> f.nullNode();
            case 1 -> f.booleanNode(random.nextBoolean());
            case 2 -> f.numberNode(random.nextInt());
            case 3 -> f.numberNode(random.nextLong());
            case 4 -> f.numberNode(random.nextDouble() * Math.pow(10, random.nextInt(40)));
            case 5 -> f.textNode(randomText(random, random.nextInt(random.nextInt(10) == 0 ? 20_000 : 30)));
            case 6 -> {
                var a = f.arrayNode();
                for (int i = random.nextInt(6); i > 0; i--) {
                    a.add(jsonValue(random, depth + 1));
                }
                yield a;
            }
            default -> {
                var o = f.objectNode();
                for (int i = random.nextInt(5); i > 0; i--) {
                    o.set(randomText(random, 1 + random.nextInt(10)), jsonValue(random, depth + 1));
                }
                yield o;
            }
        };
    }

    /** What an HTTP client lets into a header value: visible ASCII and spaces (not leading or trailing). */
    private static String headerText(Random random, int length) {
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append((char) (0x21 + random.nextInt(0x7e - 0x21 + 1)));
        }
        return s.toString();
    }

    private static String randomText(Random random, int length) {
        StringBuilder s = new StringBuilder(length);
        String alphabet = "abcXYZ019 -_.@:/\\\"'{}[]<>%&?=#é€🎟\u202e\t";
        for (int i = 0; i < length; i++) {
            int cp = alphabet.codePointAt(alphabet.offsetByCodePoints(0,
                    random.nextInt(alphabet.codePointCount(0, alphabet.length()))));
            s.appendCodePoint(cp);
        }
        return s.toString();
    }

    @SafeVarargs
    private static <T> T pick(Random random, T... options) {
        return options[random.nextInt(options.length)];
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "none";
        }
        return s.length() <= 160 ? s : s.substring(0, 160) + "...(" + s.length() + " chars)";
    }
}
