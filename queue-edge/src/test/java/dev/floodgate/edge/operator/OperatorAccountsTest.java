package dev.floodgate.edge.operator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.floodgate.edge.support.Http;
import dev.floodgate.edge.support.RunningEdge;
import dev.floodgate.edge.support.TestGrid;
import dev.floodgate.engines.fixture.Engines;
import dev.floodgate.engines.fixture.SharedEngines;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Operator accounts over HTTP on the edge: sign-in gives a bearer session, each role's allowed and refused calls
 * (403 with the error body), the account API, and one audit row (before → after) for each kind of change.
 */
@ExtendWith(SharedEngines.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperatorAccountsTest {
    private RunningEdge edge;
    private String admin;
    private String operator;
    private String viewer;
    private String eventId;

    @BeforeAll
    void start(Engines engines) {
        edge = new RunningEdge(engines);
        admin = signIn(RunningEdge.OPERATOR, RunningEdge.OPERATOR_PASSWORD);
        operator = account("queue-runner", "operator");
        viewer = account("watcher", "viewer");
        eventId = TestGrid.uniqueEventId("acct");
        edge.createEvent(eventId, 100, 4, 600, 50);
    }

    @AfterAll
    void stop() {
        edge.close();
    }

    private String signIn(String username, String password) {
        Http.Response res = edge.http.post("/api/operator/sessions", Map.of("username", username,
                "password", password), null);
        assertThat(res.status()).as(res.body()).isEqualTo(201);
        return Http.bearer(res.json().get("token").asText());
    }

    private String account(String username, String role) {
        String password = username + "-password-1";
        Http.Response res = edge.http.post("/api/operator/accounts", Map.of("username", username, "role", role,
                "password", password), admin);
        assertThat(res.status()).as(res.body()).isEqualTo(201);
        return signIn(username, password);
    }

    private Http.Response call(String method, String path, Object body, String auth) {
        return edge.http.send(method, path, body, auth);
    }

    private String figures() {
        return "/api/operator/events/" + eventId + "/figures";
    }

    @Nested
    class SignIn {
        @Test
        void aSessionTokenOpensTheOperatorApiAndSaysWhoItIs() {
            Http.Response me = edge.http.get("/api/operator/me", operator);

            assertThat(me.status()).isEqualTo(200);
            assertThat(me.json().get("username").asText()).isEqualTo("queue-runner");
            assertThat(me.json().get("role").asText()).isEqualTo("operator");
            assertThat(edge.http.get(figures(), operator).status()).isEqualTo(200);
        }

        @Test
        void aWrongPasswordIs401WithTheErrorBody() {
            Http.Response res = edge.http.post("/api/operator/sessions", Map.of("username", "watcher",
                    "password", "not-the-password"), null);

            assertThat(res.status()).isEqualTo(401);
            assertThat(res.error()).isEqualTo("wrong username or password");
        }

        @Test
        void afterSignOutTheTokenIs401WithABearerChallenge() {
            String session = signIn(RunningEdge.OPERATOR, RunningEdge.OPERATOR_PASSWORD);

            assertThat(edge.http.delete("/api/operator/sessions", session).status()).isEqualTo(204);

            Http.Response after = edge.http.get(figures(), session);
            assertThat(after.status()).isEqualTo(401);
            assertThat(after.header("WWW-Authenticate")).startsWith("Bearer");
            assertThat(after.error()).isEqualTo("operator credentials required");
        }

        @Test
        void httpBasicStillWorksForScripts() {
            assertThat(edge.http.get(figures(), edge.operatorAuth()).status()).isEqualTo(200);
        }
    }

    @Nested
    class Roles {
        @Test
        void aViewerReadsFiguresAndTheAuditButChangesNothing() {
            assertThat(edge.http.get(figures(), viewer).status()).isEqualTo(200);
            assertThat(edge.http.get("/api/operator/audit", viewer).status()).isEqualTo(200);
            assertThat(edge.http.get("/api/operator/events/" + eventId + "/challenge", viewer).status())
                    .isEqualTo(200);

            assertForbidden(call("POST", "/api/operator/events/" + eventId + "/queue/pause", null, viewer),
                    "operator");
            assertForbidden(call("PUT", "/api/operator/events/" + eventId + "/queue/settings",
                    Map.of("ratePerMinute", 10, "batchSize", 5), viewer), "operator");
            assertForbidden(call("PUT", "/api/operator/events/" + eventId + "/challenge",
                    Map.of("difficultyBits", 1), viewer), "operator");
        }

        @Test
        void anOperatorMovesQueuesAndChangesSettingsButNotEventsCapacitiesKeysOrAccounts() {
            String other = TestGrid.uniqueEventId("acct");
            assertThat(call("PUT", "/api/operator/events/" + eventId + "/queue/settings",
                    Map.of("ratePerMinute", 600, "batchSize", 50), operator).status()).isEqualTo(200);

            assertForbidden(call("POST", "/api/operator/events", Map.of("eventId", other), operator), "admin");
            assertForbidden(call("PUT", "/api/operator/events/" + eventId + "/categories/floor",
                    Map.of("capacity", 120), operator), "admin");
            assertForbidden(call("POST", "/api/operator/events/" + eventId + "/categories/floor/seats",
                    Map.of("add", List.of("A-1-1")), operator), "admin");
            assertForbidden(call("POST", "/api/operator/keys/rotate", null, operator), "admin");
            assertForbidden(call("GET", "/api/operator/accounts", null, operator), "admin");
            assertForbidden(call("POST", "/api/operator/accounts", Map.of("username", "x", "role", "admin",
                    "password", "some-long-password"), operator), "admin");
            assertForbidden(call("PATCH", "/api/operator/accounts/queue-runner", Map.of("role", "admin"), operator),
                    "admin");
        }

        @Test
        void anAdminManagesAccounts() {
            Http.Response list = edge.http.get("/api/operator/accounts", admin);

            assertThat(list.status()).isEqualTo(200);
            List<String> names = new ArrayList<>();
            list.json().get("accounts").forEach(a -> names.add(a.get("username").asText()));
            assertThat(names).contains(RunningEdge.OPERATOR, "queue-runner", "watcher");
            assertThat(list.body()).doesNotContain("argon2");
        }

        @Test
        void aDisabledAccountsSessionIsRefused() {
            String session = account("short-stay", "viewer");
            assertThat(call("PATCH", "/api/operator/accounts/short-stay", Map.of("disabled", true), admin).status())
                    .isEqualTo(200);

            assertThat(edge.http.get(figures(), session).status()).isEqualTo(401);
        }

        private void assertForbidden(Http.Response res, String role) {
            assertThat(res.status()).as(res.body()).isEqualTo(403);
            assertThat(res.error()).contains("needs the " + role + " role");
            assertThat(res.json().get("errors").isArray()).isTrue();
        }
    }

    @Nested
    class Audit {
        private JsonNode latest(String action, String target) {
            Http.Response res = edge.http.get("/api/operator/audit?limit=200", viewer);
            assertThat(res.status()).isEqualTo(200);
            for (JsonNode e : res.json().get("entries")) {
                if (e.get("action").asText().equals(action) && e.get("target").asText().equals(target)) {
                    return e;
                }
            }
            throw new AssertionError("no audit row " + action + " " + target + " in " + res.body());
        }

        @Test
        void aQueueMoveIsAuditedWithTheStatusBeforeAndAfter() {
            call("POST", "/api/operator/events/" + eventId + "/queue/open", null, operator);
            assertThat(call("POST", "/api/operator/events/" + eventId + "/queue/pause", null, operator).status())
                    .isEqualTo(200);

            JsonNode row = latest("queue.pause", "event:" + eventId);
            assertThat(row.get("operator").asText()).isEqualTo("queue-runner");
            assertThat(row.get("service").asText()).isEqualTo("queue-edge");
            assertThat(row.at("/before/status").asText()).isEqualTo("OPEN");
            assertThat(row.at("/after/status").asText()).isEqualTo("PAUSED");
            assertThat(row.get("at").asText()).isNotBlank();
            call("POST", "/api/operator/events/" + eventId + "/queue/resume", null, operator);
        }

        @Test
        void aSettingsChangeIsAuditedWithTheRatesBeforeAndAfter() {
            call("PUT", "/api/operator/events/" + eventId + "/queue/settings",
                    Map.of("ratePerMinute", 600, "batchSize", 50), operator);
            call("PUT", "/api/operator/events/" + eventId + "/queue/settings",
                    Map.of("ratePerMinute", 120, "batchSize", 7, "activeCap", 30), operator);

            JsonNode row = latest("queue.settings", "event:" + eventId);
            assertThat(row.at("/before/ratePerMinute").asInt()).isEqualTo(600);
            assertThat(row.at("/after/ratePerMinute").asInt()).isEqualTo(120);
            assertThat(row.at("/after/batchSize").asInt()).isEqualTo(7);
            assertThat(row.at("/after/activeCap").asInt()).isEqualTo(30);
        }

        @Test
        void aScheduleIsAudited() {
            String scheduled = TestGrid.uniqueEventId("sched");
            edge.createEvent(scheduled, 10, 2, 60, 5);
            assertThat(call("PUT", "/api/operator/events/" + scheduled + "/queue/schedule",
                    Map.of("opensAt", "2031-01-01T10:00:00Z"), operator).status()).isEqualTo(200);

            JsonNode row = latest("queue.schedule", "event:" + scheduled);
            assertThat(row.at("/before/opensAt").isNull()).isTrue();
            assertThat(row.at("/after/opensAt").asText()).isEqualTo("2031-01-01T10:00:00Z");
        }

        @Test
        void aChallengeChangeIsAudited() {
            assertThat(call("PUT", "/api/operator/events/" + eventId + "/challenge", Map.of("difficultyBits", 3),
                    operator).status()).isEqualTo(200);

            JsonNode row = latest("queue.challenge", "event:" + eventId);
            assertThat(row.at("/before/difficultyBits").asInt()).isZero();
            assertThat(row.at("/after/difficultyBits").asInt()).isEqualTo(3);
            call("PUT", "/api/operator/events/" + eventId + "/challenge", Map.of("difficultyBits", 0), operator);
        }

        @Test
        void anEventCreationIsAuditedWithWhatWasCreated() {
            String created = TestGrid.uniqueEventId("made");
            edge.createEvent(created, 10, 2, 60, 5);

            JsonNode row = latest("event.create", "event:" + created);
            assertThat(row.get("operator").asText()).isEqualTo(RunningEdge.OPERATOR);
            assertThat(row.get("before").isNull()).isTrue();
            assertThat(row.at("/after/categories/0/capacity").asInt()).isEqualTo(10);
        }

        @Test
        void aCapacityChangeIsAuditedWithTheCountersBeforeAndAfter() {
            assertThat(call("PUT", "/api/operator/events/" + eventId + "/categories/floor", Map.of("capacity", 130),
                    admin).status()).isEqualTo(200);

            JsonNode row = latest("category.capacity", "event:" + eventId + "/category:floor");
            assertThat(row.at("/after/capacity").asInt()).isEqualTo(130);
            assertThat(row.at("/before/capacity").asInt()).isNotEqualTo(130);
        }

        @Test
        void aSeatEditIsAuditedWithTheSeatsAddedAndRemoved() {
            String seated = TestGrid.uniqueEventId("seated");
            assertThat(edge.http.post("/api/operator/events", Map.of(
                    "eventId", seated, "name", "Seated", "startsAt", "2030-06-01T19:00:00Z", "maxPerFan", 4,
                    "holdTtlSeconds", 600, "categories", List.of(Map.of("categoryId", "stalls", "name", "Stalls",
                            "priceMinor", 8900, "currency", "EUR", "sections", List.of(Map.of("sectionId", "B",
                                    "rows", List.of(Map.of("rowId", "AA", "seatNumbers", List.of(1, 2, 7)))))))), admin).status())
                    .isEqualTo(201);
            assertThat(call("POST", "/api/operator/events/" + seated + "/categories/stalls/seats",
                    Map.of("add", List.of("B-AA-5"), "remove", List.of("B-AA-7")), admin).status()).isEqualTo(200);

            JsonNode row = latest("category.seats", "event:" + seated + "/category:stalls");
            assertThat(row.at("/after/added/0").asText()).isEqualTo("B-AA-5");
            assertThat(row.at("/after/removed/0").asText()).isEqualTo("B-AA-7");
            assertThat(row.at("/before/capacity").asInt()).isEqualTo(row.at("/after/counters/capacity").asInt());
        }

        @Test
        void aKeyRotationIsAuditedWithTheKeyIdsBeforeAndAfter() {
            Http.Response rotated = call("POST", "/api/operator/keys/rotate", null, admin);
            assertThat(rotated.status()).isEqualTo(200);

            JsonNode row = latest("keys.rotate", "signing-keys");
            assertThat(row.at("/after/currentKid").asText()).isEqualTo(rotated.json().get("currentKid").asText());
            assertThat(row.at("/before/currentKid").asText()).isNotEqualTo(row.at("/after/currentKid").asText());
        }

        @Test
        void aFanSessionRevocationIsAudited() {
            RunningEdge.SignedUp fan = edge.signUp();
            assertThat(edge.http.delete("/api/operator/fans/" + fan.fanId() + "/sessions", operator).status())
                    .isEqualTo(204);

            assertThat(latest("fan.revoke-sessions", "fan:" + fan.fanId()).get("operator").asText())
                    .isEqualTo("queue-runner");
        }

        @Test
        void anAccountChangeIsAuditedWithTheRoleBeforeAndAfter() {
            account("promoted", "viewer");
            assertThat(call("PATCH", "/api/operator/accounts/promoted", Map.of("role", "operator"), admin).status())
                    .isEqualTo(200);

            JsonNode row = latest("account.change", "account:promoted");
            assertThat(row.at("/before/role").asText()).isEqualTo("viewer");
            assertThat(row.at("/after/role").asText()).isEqualTo("operator");
        }

        @Test
        void theAuditIsPagedAndBounded() {
            Http.Response page = edge.http.get("/api/operator/audit?limit=1", viewer);
            assertThat(page.json().get("entries").size()).isEqualTo(1);
            long next = page.json().get("next").asLong();
            Http.Response older = edge.http.get("/api/operator/audit?limit=1&before=" + next, viewer);
            assertThat(older.json().at("/entries/0/id").asLong()).isLessThan(next);

            assertThat(edge.http.get("/api/operator/audit?limit=1000", viewer).status()).isEqualTo(400);
        }
    }
}
