package dev.floodgate.edge.fan;

import dev.floodgate.edge.support.Http;
import dev.floodgate.edge.support.RunningEdge;
import dev.floodgate.engines.fixture.Engines;
import dev.floodgate.engines.fixture.SharedEngines;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Sign-up and sign-in over HTTP, on a real PostgreSQL. */
@ExtendWith(SharedEngines.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FanApiTest {
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

    private static String newEmail() {
        return "fan-" + UUID.randomUUID() + "@example.com";
    }

    private Http.Response signUp(String email, String password) {
        return edge.http.post("/api/fans", Map.of("email", email, "password", password, "displayName", "Ada"), null);
    }

    private Http.Response signIn(String email, String password) {
        return edge.http.post("/api/sessions", Map.of("email", email, "password", password), null);
    }

    @Test
    void signingUpAnswersAFanTokenAndId() {
        Http.Response res = signUp(newEmail(), "correct horse battery");
        assertThat(res.status()).isEqualTo(201);
        assertThat(res.json().get("fanId").asText()).hasSize(36);
        assertThat(res.json().get("token").asText()).matches("[\\w-]+\\.[\\w-]+\\.[\\w-]+");
        assertThat(res.json().get("expiresAt").asText()).isNotBlank();
    }

    @Test
    void signingInWithTheRightPasswordAnswersTheSameFan() {
        String email = newEmail();
        String fanId = signUp(email, "correct horse battery").json().get("fanId").asText();
        Http.Response res = signIn(email.toUpperCase(), "correct horse battery");
        assertThat(res.status()).isEqualTo(200);
        assertThat(res.json().get("fanId").asText()).isEqualTo(fanId);
    }

    @Test
    void theFanTokenLetsTheFanIntoQueueEndpoints() {
        String token = signUp(newEmail(), "correct horse battery").json().get("token").asText();
        // No such event: the token got past authentication to a 404.
        assertThat(edge.http.get("/api/events/no-such-event/queue", Http.bearer(token)).status()).isEqualTo(404);
        assertThat(edge.http.get("/api/events/no-such-event/queue", null).status()).isEqualTo(401);
    }

    @Test
    void aWrongPasswordIs401() {
        String email = newEmail();
        signUp(email, "correct horse battery");
        Http.Response res = signIn(email, "wrong horse battery");
        assertThat(res.status()).isEqualTo(401);
        assertThat(res.error()).isEqualTo("wrong email or password");
    }

    @Test
    void anUnknownEmailIs401WithTheSameMessage() {
        Http.Response res = signIn(newEmail(), "correct horse battery");
        assertThat(res.status()).isEqualTo(401);
        assertThat(res.error()).isEqualTo("wrong email or password");
    }

    @Test
    void aSecondSignUpWithTheSameEmailInAnyCaseIs409() {
        String email = newEmail();
        signUp(email, "correct horse battery");
        Http.Response res = signUp(email.toUpperCase(), "another good password");
        assertThat(res.status()).isEqualTo(409);
        assertThat(res.errorField()).isEqualTo("email");
        assertThat(res.errorCode()).isEqualTo("EMAIL_TAKEN");
    }

    @Test
    void emailsAreStoredLowerCaseAndPasswordsOnlyAsArgon2idHashes() throws SQLException {
        String email = newEmail();
        signUp("  " + email.toUpperCase() + " ", "correct horse battery");
        try (Connection c = engines.connect();
             ResultSet rs = c.createStatement().executeQuery(
                     "select email, password_hash from edge.fans where email = '" + email + "'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo(email);
            assertThat(rs.getString(2)).startsWith("$argon2id$").doesNotContain("correct horse battery");
        }
    }

    @Test
    void aShortPasswordIs400NamingTheField() {
        Http.Response res = signUp(newEmail(), "too-short");
        assertThat(res.status()).isEqualTo(400);
        assertThat(res.errorField()).isEqualTo("password");
    }

    @Test
    void aBadEmailIs400NamingTheField() {
        Http.Response res = signUp("not-an-email", "correct horse battery");
        assertThat(res.status()).isEqualTo(400);
        assertThat(res.errorField()).isEqualTo("email");
    }

    @Test
    void aMissingDisplayNameIs400NamingTheField() {
        Http.Response res = edge.http.post("/api/fans",
                Map.of("email", newEmail(), "password", "correct horse battery"), null);
        assertThat(res.status()).isEqualTo(400);
        assertThat(res.errorField()).isEqualTo("displayName");
    }

    @Test
    void anUnknownFieldIs400AndNoFanIsCreated() {
        String email = newEmail();
        Http.Response res = edge.http.post("/api/fans", Map.of("email", email, "password", "correct horse battery",
                "displayName", "Ada", "admin", true), null);
        assertThat(res.status()).isEqualTo(400);
        assertThat(res.error()).isEqualTo("unknown field");
        assertThat(res.errorField()).isEqualTo("admin");
        assertThat(signIn(email, "correct horse battery").status()).isEqualTo(401);
    }

    @Test
    void malformedJsonIs400WithTheErrorBody() {
        Http.Response res = edge.http.post("/api/fans", "{\"email\": ", null);
        assertThat(res.status()).isEqualTo(400);
        assertThat(res.error()).isEqualTo("malformed JSON");
        assertThat(res.errorCode()).isEqualTo("VALIDATION");
    }

    @Test
    void anOversizedBodyIsRefusedBeforeParsing() {
        Http.Response res = signUp(newEmail(), "x".repeat(5000));
        assertThat(res.status()).isEqualTo(413);
        assertThat(res.error()).startsWith("request body too large");
        assertThat(res.errorCode()).isEqualTo("PAYLOAD_TOO_LARGE");
    }
}
