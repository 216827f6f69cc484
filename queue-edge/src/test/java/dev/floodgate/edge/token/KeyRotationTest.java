package dev.floodgate.edge.token;

import com.fasterxml.jackson.databind.JsonNode;
import dev.floodgate.edge.support.Http;
import dev.floodgate.engines.fixture.MutableClock;
import dev.floodgate.edge.support.RunningEdge;
import dev.floodgate.edge.support.TestGrid;
import dev.floodgate.engines.fixture.Engines;
import dev.floodgate.engines.fixture.SharedEngines;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Signing-key rotation across two edges on one database, and the token cases at the HTTP boundary: forged,
 * {@code alg: none}, unknown key, expired, another audience, all 401 with the error body.
 */
@ExtendWith(SharedEngines.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeyRotationTest {
    private final MutableClock clock = MutableClock.startingNow();
    private RunningEdge a;
    private RunningEdge b;

    @BeforeAll
    void start(Engines engines) {
        a = new RunningEdge(engines, Map.of("limits.status.per-second", "0.001", "limits.status.burst", "3"), clock);
        b = new RunningEdge(engines, Map.of(), clock);
    }

    @AfterAll
    void stop() {
        a.close();
        b.close();
    }

    private static String kid(String token) {
        String header = new String(Base64.getUrlDecoder().decode(token.split("\\.")[0]), StandardCharsets.UTF_8);
        return header.replaceAll(".*\"kid\":\"([^\"]+)\".*", "$1");
    }

    private static List<String> kids(RunningEdge edge) {
        List<String> kids = new ArrayList<>();
        edge.http.get("/.well-known/jwks.json").json().get("keys").forEach(k -> kids.add(k.get("kid").asText()));
        return kids;
    }

    private int me(RunningEdge edge, String token) {
        String eventId = TestGrid.uniqueEventId("none");
        return edge.http.get("/api/events/" + eventId + "/queue/stream", Http.bearer(token)).status();
    }

    @Test
    void aRotatedKeySignsNewTokensWhileTheOldOneVerifiesUntilItsTokensHaveExpired() {
        RunningEdge.SignedUp before = a.signUp();
        String oldKid = kid(before.token());

        Http.Response rotated = a.http.post("/api/operator/keys/rotate", null, a.operatorAuth());
        assertThat(rotated.status()).isEqualTo(200);
        String newKid = rotated.json().get("currentKid").asText();
        assertThat(newKid).isNotEqualTo(oldKid);
        assertThat(a.http.post("/api/operator/keys/rotate", null, before.auth()).status()).isEqualTo(401);

        RunningEdge.SignedUp after = a.signUp();
        assertThat(kid(after.token())).isEqualTo(newKid);
        assertThat(kids(a)).contains(oldKid, newKid);
        // Edge b learns the new key the first time a token names it, and still takes the old one.
        assertThat(me(b, after.token())).isEqualTo(404);
        assertThat(me(b, before.token())).isEqualTo(404);
        assertThat(kids(b)).contains(oldKid, newKid);

        // Once every token the old key signed has expired, it leaves the JWKS.
        clock.advance(Duration.ofHours(1).plus(Duration.ofMinutes(21)).plusSeconds(1));
        assertThat(me(a, before.token())).isEqualTo(401);
        String[] parts = after.token().split("\\.");
        String unknownKid = Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"alg\":\"ES256\",\"kid\":\"makes-a-reload\"}".getBytes(StandardCharsets.UTF_8))
                + "." + parts[1] + "." + parts[2];
        assertThat(me(a, unknownKid)).isEqualTo(401);
        assertThat(kids(a)).containsExactly(newKid);
    }

    @Test
    void forgedUnsignedUnknownAndMisusedTokensAre401WithTheErrorBody() {
        RunningEdge.SignedUp fan = b.signUp();
        String[] parts = fan.token().split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        Base64.Encoder enc = Base64.getUrlEncoder().withoutPadding();
        String forged = parts[0] + "." + enc.encodeToString(payload.replace(fan.fanId(), "someone-else")
                .getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        String none = enc.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
                + "." + parts[1] + ".";
        String unknownKid = enc.encodeToString(("{\"alg\":\"ES256\",\"kid\":\"not-a-key-of-ours\"}")
                .getBytes(StandardCharsets.UTF_8)) + "." + parts[1] + "." + parts[2];
        for (String token : List.of(forged, none, unknownKid, "garbage")) {
            Http.Response res = b.http.get("/api/events/some-event/queue", Http.bearer(token));
            assertThat(res.status()).isEqualTo(401);
            assertThat(res.error()).startsWith("token rejected");
        }
    }

    @Test
    void statusOverTheRateLimitIs429WithRetryAfterAndTheErrorBody() {
        RunningEdge.SignedUp fan = a.signUp();
        String path = "/api/events/" + TestGrid.uniqueEventId("limited") + "/queue";
        for (int i = 0; i < 3; i++) {
            assertThat(a.http.get(path, fan.auth()).status()).isEqualTo(404);
        }
        Http.Response limited = a.http.get(path, fan.auth());
        assertThat(limited.status()).isEqualTo(429);
        assertThat(Long.parseLong(limited.header("Retry-After"))).isPositive();
        assertThat(limited.error()).contains("too many status requests");
        assertThat(limited.errorCode()).isEqualTo("RATE_LIMITED");
        JsonNode other = a.http.get(path, a.signUp().auth()).json();
        assertThat(other.path("errors").path(0).path("message").asText()).doesNotContain("too many");
    }
}
