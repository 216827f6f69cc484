package dev.floodgate.edge.operator;

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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code GET /api/operator/events/{id}/history}: two edges on one grid, one database and one clock (moved by the
 * test, 10 s per sampling slot), as behind the load balancer. Each edge's sampler looks for a new slot every second.
 */
@ExtendWith(SharedEngines.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FiguresHistoryApiTest {
    private static final Duration SLOT = Duration.ofMillis(10_000);
    private static final Duration DEADLINE = Duration.ofSeconds(15);
    private static final long POLL_NANOS = Duration.ofMillis(50).toNanos();
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
        b.close();
        a.close();
    }

    private String openEvent(int capacity) {
        String eventId = TestGrid.uniqueEventId("hist");
        a.createEvent(eventId, capacity, 4, 600, 10);
        a.queueAction(eventId, "open");
        return eventId;
    }

    private JsonNode history(RunningEdge edge, String eventId) {
        Http.Response res = edge.http.get("/api/operator/events/" + eventId + "/history", edge.operatorAuth());
        assertThat(res.status()).as(res.body()).isEqualTo(200);
        return res.json();
    }

    /** Reads the history until it shows what is wanted, or fails at the deadline with the last answer. */
    private JsonNode until(RunningEdge edge, String eventId, Predicate<JsonNode> wanted) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        JsonNode last = history(edge, eventId);
        while (!wanted.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("history not as wanted within " + DEADLINE + ": " + last);
            }
            LockSupport.parkNanos(POLL_NANOS);
            last = history(edge, eventId);
        }
        return last;
    }

    private static Predicate<JsonNode> samples(int n) {
        return h -> h.get("samples").size() >= n;
    }

    /** Moves the clock into the next slot and waits until one of the edges has sampled it. */
    private JsonNode nextSlot(String eventId) {
        int before = history(a, eventId).get("samples").size();
        clock.advance(SLOT);
        return until(a, eventId, samples(before + 1));
    }

    private void hold(String eventId, String fan, int units) {
        assertThat(a.grid.inventory().hold(eventId, "floor", fan, "r-" + fan, units, Duration.ofMinutes(10)).done())
                .isTrue();
    }

    @Test
    void twoEdgesWriteOneSamplePerSlotAndBothAnswerTheSameHistory() {
        String eventId = openEvent(100);
        for (int i = 0; i < 3; i++) {
            nextSlot(eventId);
        }

        JsonNode fromA = history(a, eventId);
        JsonNode fromB = history(b, eventId);

        // 3 slots moved into; a 4th sample is the slot the event was created in, when an edge looked at it after
        // the event existed (that depends on when its sampler last looked).
        assertThat(fromA.get("samples").size()).isBetween(3, 4);
        assertThat(fromB.get("samples")).isEqualTo(fromA.get("samples"));
        List<Instant> times = new ArrayList<>();
        fromA.get("samples").forEach(s -> times.add(Instant.parse(s.get("at").asText())));
        assertThat(times).isSorted().doesNotHaveDuplicates();
        // One sample per slot, none skipped: whatever the count, consecutive slots.
        assertThat(Duration.between(times.getFirst(), times.getLast())).isEqualTo(SLOT.multipliedBy(times.size() - 1));
        assertThat(fromA.get("minutes").asInt()).isEqualTo(60);
        assertThat(fromA.get("sampleEveryMillis").asLong()).isEqualTo(10_000);
    }

    @Test
    void aSampleCarriesTheQueueAndStockFiguresOfItsMoment() {
        String eventId = openEvent(50);
        hold(eventId, "fan-1", 3);

        JsonNode sample = nextSlot(eventId).get("samples").get(0);

        assertThat(sample.get("held").asInt()).isEqualTo(3);
        assertThat(sample.get("sold").asInt()).isZero();
        assertThat(sample.get("available").asInt()).isEqualTo(47);
        assertThat(sample.get("capacity").asInt()).isEqualTo(50);
        assertThat(sample.get("waiting").asLong()).isZero();
        assertThat(sample.has("admitted")).isTrue();
        assertThat(sample.has("admittedPerMinute")).isTrue();
    }

    @Test
    void holdsOverMoreThanAMinuteGiveASellOutTime() {
        String eventId = openEvent(100);
        nextSlot(eventId);
        JsonNode tooEarly = history(a, eventId).get("forecast");
        assertThat(tooEarly.get("outlook").asText()).isEqualTo("TOO_EARLY");
        for (int i = 1; i <= 6; i++) {
            hold(eventId, "fan-" + i, 2);
            nextSlot(eventId);
        }

        // 12 units held over the samples' span: 60 s (12 a minute, 88 left: 7.3 min), or 70 s when the edge had also
        // sampled the slot the event was created in (a sample with nothing held yet; it depends on when the
        // sampler last looked, so the test reads the span rather than assume it).
        JsonNode history = history(b, eventId);
        JsonNode forecast = history.get("forecast");
        JsonNode samples = history.get("samples");
        long spanMillis = Duration.between(Instant.parse(samples.get(0).get("at").asText()),
                Instant.parse(samples.get(samples.size() - 1).get("at").asText())).toMillis();
        assertThat(spanMillis).isIn(60_000L, 70_000L);
        double perMinute = 12 * 60_000.0 / spanMillis;

        assertThat(forecast.get("outlook").asText()).isEqualTo("SELLING");
        assertThat(forecast.get("available").asInt()).isEqualTo(88);
        assertThat(forecast.get("heldPerMinute").asDouble()).isCloseTo(perMinute, within(0.05));
        assertThat(forecast.get("minutesLeft").asDouble()).isCloseTo(88 / perMinute, within(0.05));
        assertThat(Instant.parse(forecast.get("sellsOutAt").asText())).isAfter(clock.instant());
    }

    @Test
    void minutesNarrowsTheHistoryToTheLastMinutes() {
        String eventId = openEvent(10);
        for (int i = 0; i < 7; i++) {
            nextSlot(eventId);
        }

        Http.Response lastMinute = a.http.get("/api/operator/events/" + eventId + "/history?minutes=1",
                a.operatorAuth());

        assertThat(lastMinute.status()).isEqualTo(200);
        assertThat(lastMinute.json().get("minutes").asInt()).isEqualTo(1);
        assertThat(lastMinute.json().get("samples").size()).isBetween(6, 7);
    }

    @Test
    void badInputIsRefusedWithTheStandardErrorBody() {
        String eventId = openEvent(10);
        for (String minutes : List.of("0", "61", "-5", "an-hour", "")) {
            Http.Response res = a.http.get("/api/operator/events/" + eventId + "/history?minutes=" + minutes,
                    a.operatorAuth());
            assertThat(res.status()).as("minutes=%s", minutes).isEqualTo(400);
            assertThat(res.errorField()).isEqualTo("minutes");
            assertThat(res.errorCode()).isEqualTo("VALIDATION");
            assertThat(res.error()).isEqualTo("minutes must be 1..60");
        }
        Http.Response badId = a.http.get("/api/operator/events/Not_A_Slug/history", a.operatorAuth());
        assertThat(badId.status()).isEqualTo(400);
        assertThat(badId.errorField()).isEqualTo("eventId");
        Http.Response unknown = a.http.get("/api/operator/events/no-such-event-here/history", a.operatorAuth());
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.errorCode()).isEqualTo("NOT_FOUND");
    }

    @Test
    void viewersReadItAndStrangersDoNot() {
        String eventId = openEvent(10);
        Http.Response created = a.http.post("/api/operator/accounts", Map.of("username", "chart-watcher",
                "role", "viewer", "password", "chart-watcher-password"), a.operatorAuth());
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String path = "/api/operator/events/" + eventId + "/history";

        assertThat(a.http.get(path, Http.basic("chart-watcher", "chart-watcher-password")).status()).isEqualTo(200);
        assertThat(a.http.get(path, null).status()).isEqualTo(401);
        assertThat(a.http.get(path, a.signUp().auth()).status()).isEqualTo(401);
    }

    @Test
    void theFiguresShowTheCurrentSettings() {
        String eventId = openEvent(10);
        Http.Response changed = a.http.put("/api/operator/events/" + eventId + "/queue/settings",
                Map.of("ratePerMinute", 1200, "batchSize", 20, "activeCap", 500), a.operatorAuth());
        assertThat(changed.status()).isEqualTo(200);

        JsonNode figures = b.http.get("/api/operator/events/" + eventId + "/figures", b.operatorAuth()).json();

        assertThat(figures.get("ratePerMinute").asInt()).isEqualTo(1200);
        assertThat(figures.get("batchSize").asInt()).isEqualTo(20);
        assertThat(figures.get("activeCap").asInt()).isEqualTo(500);
        assertThat(figures.get("queueStatus").asText()).isEqualTo("OPEN");
    }
}
