package dev.floodgate.edge.hold;

import com.fasterxml.jackson.databind.JsonNode;
import dev.floodgate.edge.support.Http;
import dev.floodgate.edge.support.RunningEdge;
import dev.floodgate.edge.support.TestGrid;
import dev.floodgate.engines.fixture.Engines;
import dev.floodgate.engines.fixture.SharedEngines;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Holds over HTTP: only with an admission for the event, within the fan's limit and the stock. */
@ExtendWith(SharedEngines.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HoldApiTest {
    private RunningEdge edge;
    private String eventId;
    private RunningEdge.SignedUp fan;
    private String admission;

    @BeforeAll
    void start(Engines engines) {
        edge = new RunningEdge(engines);
    }

    @AfterAll
    void stop() {
        edge.close();
    }

    /** A fresh event (5 floor tickets, at most 4 per fan, everyone admitted at once) and an admitted fan. */
    @BeforeEach
    void admittedFan() {
        eventId = TestGrid.uniqueEventId("hold");
        edge.createEvent(eventId, 5, 4, 1_000_000, 10_000);
        edge.queueAction(eventId, "open");
        fan = edge.signUp();
        admission = edge.admissionToken(fan, eventId);
    }

    private Http.Response hold(String token, Object body) {
        return edge.http.post("/api/events/" + eventId + "/holds", body, token == null ? null : Http.bearer(token));
    }

    private static Map<String, Object> request(String categoryId, int quantity, String requestId) {
        return Map.of("categoryId", categoryId, "quantity", quantity, "requestId", requestId);
    }

    private int available() {
        return edge.http.get("/api/events/" + eventId).json().at("/categories/0/available").asInt();
    }

    @Test
    void anAdmittedFanHoldsTickets() {
        Http.Response res = hold(admission, request("floor", 2, "req-1"));
        assertThat(res.status()).isEqualTo(201);
        JsonNode body = res.json();
        assertThat(body.get("categoryId").asText()).isEqualTo("floor");
        assertThat(body.get("quantity").asInt()).isEqualTo(2);
        assertThat(body.get("status").asText()).isEqualTo("HELD");
        assertThat(body.get("holdId").asText()).startsWith("floor.");
        assertThat(body.get("expiresAt").asText()).isEqualTo(
                edge.clock.instant().plus(Duration.ofSeconds(600)).toString());
        assertThat(available()).isEqualTo(3);
    }

    @Test
    void aHoldTellsTheQueueItsShopperNoLongerNeedsStockKeptBack() {
        assertThat(shoppersYetToHold()).isEqualTo(1);
        assertThat(hold(admission, request("floor", 1, "req-1")).status()).isEqualTo(201);
        // Told after the answer went out: poll until the queue has it.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (shoppersYetToHold() != 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(shoppersYetToHold()).isZero();
    }

    private long shoppersYetToHold() {
        return edge.http.get("/api/operator/events/" + eventId + "/figures", edge.operatorAuth()).json()
                .get("shoppersYetToHold").asLong();
    }

    @Test
    void retryingWithTheSameRequestIdGivesTheSameHold() {
        String first = hold(admission, request("floor", 2, "req-1")).json().get("holdId").asText();
        assertThat(hold(admission, request("floor", 2, "req-1")).json().get("holdId").asText()).isEqualTo(first);
        assertThat(available()).isEqualTo(3);
    }

    @Test
    void withoutAnAdmissionTokenTheAnswerIs401() {
        Http.Response none = hold(null, request("floor", 1, "req-1"));
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.errorCode()).isEqualTo("UNAUTHENTICATED");
        Http.Response fanToken = hold(fan.token(), request("floor", 1, "req-1"));
        assertThat(fanToken.status()).isEqualTo(401);
        assertThat(fanToken.errorCode()).isEqualTo("TOKEN_INVALID");
        assertThat(available()).isEqualTo(5);
    }

    @Test
    void anAdmissionForAnotherEventIs403() {
        String otherEvent = TestGrid.uniqueEventId("other");
        edge.createEvent(otherEvent, 5, 4, 1_000_000, 10_000);
        edge.queueAction(otherEvent, "open");
        String otherAdmission = edge.admissionToken(fan, otherEvent);
        Http.Response res = hold(otherAdmission, request("floor", 1, "req-1"));
        assertThat(res.status()).isEqualTo(403);
        assertThat(res.error()).isEqualTo("this admission token is for another event");
        assertThat(res.errorCode()).isEqualTo("FORBIDDEN");
    }

    @Test
    void anExpiredAdmissionIs401AndTheStatusSaysExpired() {
        // The window runs from the end of the admission's time bucket (window / 29): at most ~21 s more.
        edge.clock.advance(Duration.ofMinutes(10).plusSeconds(21));
        Http.Response res = hold(admission, request("floor", 1, "req-1"));
        assertThat(res.status()).isEqualTo(401);
        assertThat(res.errorCode()).isEqualTo("TOKEN_EXPIRED");
        JsonNode status = edge.http.get("/api/events/" + eventId + "/queue", fan.auth()).json();
        assertThat(status.get("state").asText()).isEqualTo("ADMISSION_EXPIRED");
        assertThat(status.get("admissionToken").isNull()).isTrue();
    }

    @Test
    void moreThanMaxPerFanIs400() {
        Http.Response res = hold(admission, request("floor", 5, "req-1"));
        assertThat(res.status()).isEqualTo(400);
        assertThat(res.errorField()).isEqualTo("quantity");
        assertThat(res.errorCode()).isEqualTo("VALIDATION");
        assertThat(hold(admission, request("floor", 0, "req-2")).errorField()).isEqualTo("quantity");
    }

    @Test
    void moreThanTheStockLeftIs409() {
        hold(admission, request("floor", 4, "req-1"));
        RunningEdge.SignedUp second = edge.signUp(); // the first fan is at the per-fan limit: another fan asks
        edge.clock.advance(Duration.ofSeconds(5)); // the queue admits them
        String otherFan = edge.admissionToken(second, eventId);
        Http.Response res = hold(otherFan, request("floor", 2, "req-2"));
        assertThat(res.status()).isEqualTo(409);
        assertThat(res.error()).startsWith("sold out");
        assertThat(res.errorCode()).isEqualTo("SOLD_OUT");
        assertThat(available()).isEqualTo(1);
    }

    @Test
    void holdsInProgressCountTowardsThePerFanLimit() {
        assertThat(hold(admission, request("floor", 3, "req-1")).status()).isEqualTo(201);
        Http.Response res = hold(admission, request("floor", 2, "req-2"));
        assertThat(res.status()).isEqualTo(409);
        assertThat(res.error()).startsWith("at most 4 tickets per fan");
        assertThat(res.errorCode()).isEqualTo("PER_FAN_LIMIT");
        assertThat(available()).isEqualTo(2);
    }

    @Test
    void anUnknownCategoryIs404() {
        Http.Response res = hold(admission, request("nowhere", 1, "req-1"));
        assertThat(res.status()).isEqualTo(404);
        assertThat(res.errorField()).isEqualTo("categoryId");
        assertThat(res.errorCode()).isEqualTo("NOT_FOUND");
    }

    @Test
    void anUnknownFieldOrMalformedBodyIs400AndNothingIsHeld() {
        Http.Response unknown = hold(admission, Map.of("categoryId", "floor", "quantity", 1, "requestId", "r",
                "price", 0));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.errorField()).isEqualTo("price");
        assertThat(hold(admission, "{\"categoryId\":").status()).isEqualTo(400);
        assertThat(hold(admission, "{\"categoryId\":\"floor\",\"quantity\":\"two\",\"requestId\":\"r\"}").errorField())
                .isEqualTo("quantity");
        assertThat(available()).isEqualTo(5);
    }

    @Test
    void theFanReadsAndReleasesTheirOwnHold() {
        String holdId = hold(admission, request("floor", 2, "req-1")).json().get("holdId").asText();
        String path = "/api/events/" + eventId + "/holds/" + holdId;
        assertThat(edge.http.get(path, fan.auth()).json().get("quantity").asInt()).isEqualTo(2);
        assertThat(edge.http.get(path, Http.bearer(admission)).status()).isEqualTo(200);
        assertThat(edge.http.delete(path, fan.auth()).status()).isEqualTo(204);
        assertThat(available()).isEqualTo(5);
        assertThat(edge.http.get(path, fan.auth()).status()).isEqualTo(404);
    }

    @Test
    void anotherFansHoldIs404AsIfItDidNotExist() {
        String holdId = hold(admission, request("floor", 2, "req-1")).json().get("holdId").asText();
        String path = "/api/events/" + eventId + "/holds/" + holdId;
        RunningEdge.SignedUp stranger = edge.signUp();
        Http.Response read = edge.http.get(path, stranger.auth());
        assertThat(read.status()).isEqualTo(404);
        assertThat(read.errorCode()).isEqualTo("HOLD_NOT_FOUND");
        assertThat(edge.http.delete(path, stranger.auth()).status()).isEqualTo(404);
        assertThat(available()).isEqualTo(3);
        assertThat(edge.http.get("/api/events/" + eventId + "/holds/not-a-hold-id", fan.auth()).status())
                .isEqualTo(404);
    }
}
