package dev.floodgate.edge.challenge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.floodgate.edge.support.Http;
import dev.floodgate.edge.support.RunningEdge;
import dev.floodgate.edge.support.TestGrid;
import dev.floodgate.engines.fixture.Engines;
import dev.floodgate.engines.fixture.MutableClock;
import dev.floodgate.engines.fixture.SharedEngines;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The proof of work on anonymous joins, over HTTP through two edges sharing one grid: a solution is accepted once
 * grid-wide; wrong, reused, stale, tampered or another event's challenges are refused and take no place.
 */
@ExtendWith(SharedEngines.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProofOfWorkTest {
    private static final int BITS = 10;
    private final MutableClock clock = MutableClock.startingNow();
    private RunningEdge a;
    private RunningEdge b;

    @BeforeAll
    void start(Engines engines) {
        a = new RunningEdge(engines, Map.of(), clock);
        b = new RunningEdge(engines, Map.of(), clock);
    }

    @AfterAll
    void stop() {
        a.close();
        b.close();
    }

    private String eventWithDifficulty(int bits) {
        String eventId = TestGrid.uniqueEventId("pow");
        a.createEvent(eventId, 100, 2, 60, 1);
        Http.Response set = a.http.put("/api/operator/events/" + eventId + "/challenge",
                Map.of("difficultyBits", bits), a.operatorAuth());
        assertThat(set.status()).as(set.body()).isEqualTo(200);
        return eventId;
    }

    private static JsonNode challenge(RunningEdge edge, String eventId) {
        Http.Response res = edge.http.post("/api/events/" + eventId + "/queue/challenge", null, null);
        assertThat(res.status()).as(res.body()).isEqualTo(200);
        return res.json();
    }

    private static Http.Response join(RunningEdge edge, String eventId, String challenge, String nonce) {
        return edge.http.post("/api/events/" + eventId + "/queue", Map.of("challenge", challenge, "nonce", nonce),
                null);
    }

    private long joined(String eventId) {
        return a.http.get("/api/operator/events/" + eventId + "/figures", a.operatorAuth()).json().get("joined")
                .asLong();
    }

    @Test
    void aSolvedChallengeTakesAPlaceOnceAndIsRefusedAfterOnEveryEdge() {
        String eventId = eventWithDifficulty(BITS);
        JsonNode c = challenge(a, eventId);
        assertThat(c.get("difficultyBits").asInt()).isEqualTo(BITS);
        assertThat(c.get("algorithm").asText()).isEqualTo(ProofOfWork.ALGORITHM);
        String nonce = ProofOfWork.solve(c.get("challenge").asText(), BITS);

        Http.Response first = join(b, eventId, c.get("challenge").asText(), nonce);
        assertThat(first.status()).as(first.body()).isEqualTo(201);
        assertThat(first.json().get("placeToken").asText()).isNotBlank();
        for (RunningEdge edge : new RunningEdge[] {a, b}) {
            Http.Response again = join(edge, eventId, c.get("challenge").asText(), nonce);
            assertThat(again.status()).isEqualTo(403);
            assertThat(again.error()).isEqualTo("this challenge was already used");
        }
        assertThat(joined(eventId)).isEqualTo(1);
    }

    @Test
    void aWrongSolutionIsRefusedAndTakesNoPlace() {
        String eventId = eventWithDifficulty(BITS);
        String challenge = challenge(a, eventId).get("challenge").asText();
        String right = ProofOfWork.solve(challenge, BITS);
        String wrong = null;
        for (long n = 0; wrong == null; n++) {
            if (ProofOfWork.leadingZeroBits(ProofOfWork.hash(challenge, Long.toString(n))) < BITS) {
                wrong = Long.toString(n);
            }
        }
        Http.Response refused = join(a, eventId, challenge, wrong);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.error()).isEqualTo("wrong solution");
        assertThat(joined(eventId)).isZero();
        // A wrong guess does not burn the challenge for its rightful solver.
        assertThat(join(a, eventId, challenge, right).status()).isEqualTo(201);
    }

    @Test
    void aStaleChallengeIsRefused() {
        String eventId = eventWithDifficulty(BITS);
        String challenge = challenge(a, eventId).get("challenge").asText();
        String nonce = ProofOfWork.solve(challenge, BITS);
        clock.advance(Duration.ofMinutes(3));
        Http.Response stale = join(a, eventId, challenge, nonce);
        assertThat(stale.status()).isEqualTo(403);
        assertThat(stale.error()).contains("expired");
    }

    @Test
    void anotherEventsChallengeOrATamperedOneIsRefused() {
        String eventId = eventWithDifficulty(BITS);
        String other = eventWithDifficulty(BITS);
        String foreign = challenge(a, other).get("challenge").asText();
        Http.Response wrongEvent = join(a, eventId, foreign, ProofOfWork.solve(foreign, BITS));
        assertThat(wrongEvent.status()).isEqualTo(403);
        assertThat(wrongEvent.error()).isEqualTo("this challenge is for another event");

        String mine = challenge(a, eventId).get("challenge").asText();
        String payload = new String(java.util.Base64.getUrlDecoder().decode(mine.substring(0, mine.indexOf('.'))),
                java.nio.charset.StandardCharsets.UTF_8).replace("|" + BITS + "|", "|1|");
        String tampered = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                payload.getBytes(java.nio.charset.StandardCharsets.UTF_8)) + mine.substring(mine.indexOf('.'));
        Http.Response forged = join(a, eventId, tampered, ProofOfWork.solve(tampered, 1));
        assertThat(forged.status()).isEqualTo(403);
        assertThat(forged.error()).isEqualTo("not a challenge of this service");
        assertThat(joined(eventId)).isZero();
    }

    @Test
    void aMissingOrMalformedProofIs400NamingTheField() {
        String eventId = eventWithDifficulty(BITS);
        Http.Response none = a.http.post("/api/events/" + eventId + "/queue", null, null);
        assertThat(none.status()).isEqualTo(400);
        assertThat(none.errorField()).isEqualTo("challenge");
        String challenge = challenge(a, eventId).get("challenge").asText();
        Http.Response letters = join(a, eventId, challenge, "12ab");
        assertThat(letters.status()).isEqualTo(400);
        assertThat(letters.errorField()).isEqualTo("nonce");
        assertThat(joined(eventId)).isZero();
    }

    @Test
    void withDifficultyZeroAnAnonymousJoinNeedsNoProof() {
        String eventId = eventWithDifficulty(0);
        assertThat(challenge(a, eventId).get("difficultyBits").asInt()).isZero();
        assertThat(a.http.post("/api/events/" + eventId + "/queue", null, null).status()).isEqualTo(201);
    }

    @Test
    void theOperatorSetsTheDifficultyOnlyAsAJsonIntegerInRange() {
        String eventId = eventWithDifficulty(0);
        String path = "/api/operator/events/" + eventId + "/challenge";
        for (Object bad : new Object[] {"18", 18.5, true, 33, -1}) {
            Http.Response res = a.http.put(path, Map.of("difficultyBits", bad), a.operatorAuth());
            assertThat(res.status()).as("difficultyBits %s", bad).isEqualTo(400);
            assertThat(res.errorField()).isEqualTo("difficultyBits");
        }
        assertThat(a.http.put(path, Map.of("difficultyBits", 3, "extra", 1), a.operatorAuth()).errorField())
                .isEqualTo("extra");
        assertThat(a.http.get(path, a.operatorAuth()).json().get("difficultyBits").asInt()).isZero();
        assertThat(a.http.put(path, Map.of("difficultyBits", 16), null).status()).isEqualTo(401);
        assertThat(a.http.put(path, Map.of("difficultyBits", 16), a.operatorAuth()).status()).isEqualTo(200);
        assertThat(b.http.get(path, b.operatorAuth()).json().get("difficultyBits").asInt())
                .as("every edge asks the same").isEqualTo(16);
        assertThat(a.http.post("/api/events/no-such-event/queue/challenge", null, null).status()).isEqualTo(404);
    }

    @Test
    void leadingZeroBitsAreCountedAcrossBytes() {
        assertThat(ProofOfWork.leadingZeroBits(new byte[] {0, 0, 1, 0})).isEqualTo(23);
        assertThat(ProofOfWork.leadingZeroBits(new byte[] {(byte) 0x80})).isZero();
        assertThat(ProofOfWork.leadingZeroBits(new byte[] {0, 0x0f})).isEqualTo(12);
        assertThat(ProofOfWork.leadingZeroBits(new byte[] {0, 0})).isEqualTo(16);
    }
}
