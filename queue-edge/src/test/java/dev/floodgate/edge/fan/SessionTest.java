package dev.floodgate.edge.fan;

import com.fasterxml.jackson.databind.JsonNode;
import dev.floodgate.edge.support.Http;
import dev.floodgate.edge.support.Race;
import dev.floodgate.edge.support.RunningEdge;
import dev.floodgate.engines.fixture.Engines;
import dev.floodgate.engines.fixture.SharedEngines;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;

/** Refresh tokens: renewal, rotation, reuse detection, revocation and lifetimes, over HTTP on a real PostgreSQL. */
@ExtendWith(SharedEngines.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionTest {
    private static final String PASSWORD = "correct horse battery";

    private RunningEdge edge;
    private Engines engines;

    @BeforeAll
    void start(Engines engines) {
        this.engines = engines;
        this.edge = new RunningEdge(engines);
    }

    @AfterAll
    void stop() {
        edge.close();
    }

    /** What a fan holds after sign-up, sign-in or a renewal. */
    private record Held(String token, String fanId, String refreshToken, Instant refreshExpiresAt, String email) {
        static Held of(JsonNode json, String email) {
            return new Held(json.get("token").asText(), json.get("fanId").asText(), json.get("refreshToken").asText(),
                    Instant.parse(json.get("refreshExpiresAt").asText()), email);
        }
    }

    private Held signUp() {
        String email = "fan-" + UUID.randomUUID() + "@example.com";
        Http.Response res = edge.http.post("/api/fans",
                Map.of("email", email, "password", PASSWORD, "displayName", "Fan"), null);
        assertThat(res.status()).as(res.body()).isEqualTo(201);
        return Held.of(res.json(), email);
    }

    private Held signIn(String email) {
        Http.Response res = edge.http.post("/api/sessions", Map.of("email", email, "password", PASSWORD), null);
        assertThat(res.status()).as(res.body()).isEqualTo(200);
        return Held.of(res.json(), email);
    }

    private Http.Response refresh(String refreshToken) {
        return edge.http.post("/api/sessions/refresh", Map.of("refreshToken", refreshToken), null);
    }

    private Held renewed(Held held) {
        Http.Response res = refresh(held.refreshToken());
        assertThat(res.status()).as(res.body()).isEqualTo(200);
        return Held.of(res.json(), held.email());
    }

    /** The fan token gets past authentication: an unknown event is a 404, not a 401. */
    private boolean accessWorks(String token) {
        return edge.http.get("/api/events/no-such-event/queue", Http.bearer(token)).status() == 404;
    }

    @Test
    void signUpAndSignInAnswerARefreshTokenBesideTheAccessToken() {
        Held up = signUp();
        Held in = signIn(up.email());
        for (Held held : List.of(up, in)) {
            assertThat(held.refreshToken()).matches("[A-Za-z0-9_-]{43}");
            assertThat(held.refreshExpiresAt()).isEqualTo(
                    edge.clock.instant().plus(Duration.ofDays(7)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        }
        assertThat(up.refreshToken()).isNotEqualTo(in.refreshToken());
    }

    @Test
    void theAccessTokenLastsFifteenMinutesByDefault() {
        Http.Response res = edge.http.post("/api/fans", Map.of("email", "fan-" + UUID.randomUUID() + "@example.com",
                "password", PASSWORD, "displayName", "Fan"), null);
        Instant expiresAt = Instant.parse(res.json().get("expiresAt").asText());
        assertThat(Duration.between(edge.clock.instant(), expiresAt)).isBetween(Duration.ofMinutes(14),
                Duration.ofMinutes(15));
    }

    @Test
    void refreshTokensAreStoredOnlyAsTheirSha256() throws SQLException {
        Held held = signUp();
        try (Connection c = engines.connect();
             PreparedStatement s = c.prepareStatement("""
                     select t.token_hash from edge.refresh_tokens t
                     join edge.session_families f on f.family_id = t.family_id where f.fan_id = ?""")) {
            s.setObject(1, UUID.fromString(held.fanId()));
            try (ResultSet rs = s.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getBytes(1)).isEqualTo(SessionStore.sha256(held.refreshToken()));
                assertThat(rs.next()).isFalse();
            }
        }
    }

    @Test
    void aRefreshGivesAWorkingAccessTokenForTheSameFan() {
        Held held = signUp();
        Http.Response res = refresh(held.refreshToken());
        assertThat(res.status()).isEqualTo(200);
        assertThat(res.json().get("fanId").asText()).isEqualTo(held.fanId());
        assertThat(res.json().get("expiresAt").asText()).isNotBlank();
        assertThat(accessWorks(res.json().get("token").asText())).isTrue();
    }

    @Test
    void aRefreshRotatesTheRefreshTokenAndTheNewOneRenewsAgain() {
        Held first = signUp();
        Held second = renewed(first);
        assertThat(second.refreshToken()).isNotEqualTo(first.refreshToken()).matches("[A-Za-z0-9_-]{43}");
        Held third = renewed(second);
        assertThat(accessWorks(third.token())).isTrue();
    }

    @Test
    void aSpentRefreshTokenNoLongerRenews() {
        Held first = signUp();
        renewed(first);
        Http.Response again = refresh(first.refreshToken());
        assertThat(again.status()).isEqualTo(401);
        assertThat(again.error()).startsWith("refresh token already used");
    }

    @Test
    void reusingASpentRefreshTokenRevokesTheFamilyNewestTokenIncluded() {
        Held first = signUp();
        Held newest = renewed(first);
        assertThat(refresh(first.refreshToken()).status()).isEqualTo(401);
        Http.Response res = refresh(newest.refreshToken());
        assertThat(res.status()).isEqualTo(401);
        assertThat(res.error()).startsWith("refresh token rejected");
    }

    @Test
    void reuseEndsOnlyThatFamilyNotTheFansOtherSignIns() {
        Held phone = signUp();
        Held laptop = signIn(phone.email());
        renewed(phone);
        refresh(phone.refreshToken());
        assertThat(renewed(laptop).fanId()).isEqualTo(phone.fanId());
    }

    @Test
    void signingOutEverywhereRevokesEveryFamilyOfTheFanButNotAnotherFans() {
        Held phone = signUp();
        Held laptop = signIn(phone.email());
        Held other = signUp();
        assertThat(edge.http.delete("/api/sessions", Http.bearer(laptop.token())).status()).isEqualTo(204);
        assertThat(refresh(phone.refreshToken()).status()).isEqualTo(401);
        assertThat(refresh(laptop.refreshToken()).status()).isEqualTo(401);
        assertThat(renewed(other).fanId()).isEqualTo(other.fanId());
    }

    @Test
    void accessTokensStayValidUntilTheirShortExpiryAfterSignOut() {
        Held held = signUp();
        edge.http.delete("/api/sessions", Http.bearer(held.token()));
        assertThat(accessWorks(held.token())).isTrue();
    }

    @Test
    void signingOutEverywhereNeedsAFanToken() {
        Http.Response res = edge.http.delete("/api/sessions", null);
        assertThat(res.status()).isEqualTo(401);
        assertThat(res.error()).isEqualTo("a bearer token is required");
    }

    @Test
    void theOperatorRevokesEverySessionOfAFan() {
        Held phone = signUp();
        Held laptop = signIn(phone.email());
        Http.Response res = edge.http.delete("/api/operator/fans/" + phone.fanId() + "/sessions", edge.operatorAuth());
        assertThat(res.status()).isEqualTo(204);
        assertThat(refresh(phone.refreshToken()).status()).isEqualTo(401);
        assertThat(refresh(laptop.refreshToken()).status()).isEqualTo(401);
    }

    @Test
    void operatorRevocationOfAnUnknownFanIs404AndOfAMalformedId400() {
        Http.Response unknown = edge.http.delete("/api/operator/fans/" + UUID.randomUUID() + "/sessions",
                edge.operatorAuth());
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.error()).isEqualTo("no such fan");
        Http.Response malformed = edge.http.delete("/api/operator/fans/not-a-fan/sessions", edge.operatorAuth());
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.errorField()).isEqualTo("fanId");
    }

    @Test
    void operatorRevocationNeedsOperatorCredentials() {
        Held held = signUp();
        Http.Response res = edge.http.delete("/api/operator/fans/" + held.fanId() + "/sessions", Http.bearer(held.token()));
        assertThat(res.status()).isEqualTo(401);
        assertThat(renewed(held).fanId()).isEqualTo(held.fanId());
    }

    @Test
    void aRefreshTokenUnusedForItsIdleLifetimeIsRefusedAndChangesNothing() throws SQLException {
        Held held = signUp();
        edge.clock.advance(Duration.ofDays(7).plusSeconds(1));
        Held live = signUp();
        Http.Response res = refresh(held.refreshToken());
        assertThat(res.status()).isEqualTo(401);
        assertThat(res.error()).startsWith("refresh token rejected");
        assertThat(liveFamilies(held.fanId())).isEqualTo(1);
        assertThat(renewed(live).fanId()).isEqualTo(live.fanId());
    }

    @Test
    void renewalsNeverCarryAFamilyPastItsAbsoluteLifetime() {
        Instant signedIn = edge.clock.instant();
        Held held = signUp();
        for (int day = 6; day < 30; day += 6) {
            edge.clock.advance(Duration.ofDays(6));
            held = renewed(held);
        }
        // The last token renews only up to the family's end, 30 days after the sign-in.
        assertThat(held.refreshExpiresAt()).isBetween(signedIn.plus(Duration.ofDays(30)),
                signedIn.plus(Duration.ofDays(30)).plusSeconds(5));
        edge.clock.advance(Duration.ofDays(6));
        assertThat(refresh(held.refreshToken()).status()).isEqualTo(401);
    }

    @Test
    void ofTwoConcurrentRefreshesOfOneTokenExactlyOneSucceedsAndTheOtherEndsTheFamily() throws Exception {
        Held fan = signUp();
        for (int round = 0; round < 5; round++) {
            Held held = signIn(fan.email());
            Callable<Http.Response> call = () -> refresh(held.refreshToken());
            List<Http.Response> answers = Race.all(2, List.of(call, call));
            assertThat(answers).extracting(Http.Response::status).as("round " + round)
                    .containsExactlyInAnyOrder(200, 401);
            Http.Response winner = answers.stream().filter(r -> r.status() == 200).findFirst().orElseThrow();
            // The loser counts as reuse: the winner's new refresh token is revoked with its family.
            assertThat(refresh(winner.json().get("refreshToken").asText()).status()).isEqualTo(401);
        }
    }

    @Test
    void aMalformedBodyIs400() {
        Http.Response broken = edge.http.post("/api/sessions/refresh", "{\"refreshToken\": ", null);
        assertThat(broken.status()).isEqualTo(400);
        assertThat(broken.error()).isEqualTo("malformed JSON");
        Http.Response missing = edge.http.post("/api/sessions/refresh", Map.of(), null);
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.errorField()).isEqualTo("refreshToken");
        Http.Response unknown = edge.http.post("/api/sessions/refresh", Map.of("refreshToken", "x", "fanId", "y"), null);
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.errorField()).isEqualTo("fanId");
        Http.Response wrongType = edge.http.post("/api/sessions/refresh", Map.of("refreshToken", List.of()), null);
        assertThat(wrongType.status()).isEqualTo(400);
    }

    @Test
    void anOversizedBodyIsRefusedBeforeParsing() {
        Http.Response res = refresh("x".repeat(1000));
        assertThat(res.status()).isEqualTo(413);
        assertThat(res.error()).startsWith("request body too large");
    }

    @Test
    void unknownOrMalformedRefreshTokensAre401AndChangeNothing() throws SQLException {
        Held held = signUp();
        String forged = held.refreshToken().substring(0, 42) + (held.refreshToken().endsWith("A") ? "B" : "A");
        for (String bad : List.of(forged, "short", held.refreshToken() + "A", "=".repeat(43), "A".repeat(200))) {
            Http.Response res = refresh(bad);
            assertThat(res.status()).as(bad).isEqualTo(401);
            assertThat(res.error()).as(bad).startsWith("refresh token rejected");
        }
        assertThat(liveFamilies(held.fanId())).isEqualTo(1);
        assertThat(renewed(held).fanId()).isEqualTo(held.fanId());
    }

    private int liveFamilies(String fanId) throws SQLException {
        try (Connection c = engines.connect();
             PreparedStatement s = c.prepareStatement(
                     "select count(*) from edge.session_families where fan_id = ? and revoked_at is null")) {
            s.setObject(1, UUID.fromString(fanId));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
