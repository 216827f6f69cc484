package dev.floodgate.edge.queue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.floodgate.contracts.http.Json;
import dev.floodgate.edge.support.Http;
import dev.floodgate.engines.fixture.MutableClock;
import dev.floodgate.edge.support.Race;
import dev.floodgate.edge.support.RunningEdge;
import dev.floodgate.edge.support.TestGrid;
import dev.floodgate.engines.fixture.Engines;
import dev.floodgate.engines.fixture.SharedEngines;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two edges sharing nothing but one Hazelcast member and one database, with one clock: the rate and the cap hold
 * under concurrent reads through both, one spot per fan under racing joins through both, and live status reaches
 * stream clients on either edge (sold out, pause, resume).
 */
@ExtendWith(SharedEngines.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TwoEdgesTest {
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

    private RunningEdge edge(int i) {
        return i % 2 == 0 ? a : b;
    }

    private List<RunningEdge.SignedUp> fans(int n) {
        List<RunningEdge.SignedUp> fans = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            fans.add(edge(i).signUp());
        }
        return fans;
    }

    private List<String> statesReadConcurrently(String eventId, List<RunningEdge.SignedUp> fans) throws Exception {
        List<Callable<String>> reads = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < fans.size(); i++) {
                RunningEdge.SignedUp fan = fans.get(i);
                RunningEdge edge = edge(i + round);
                reads.add(() -> {
                    Http.Response res = edge.http.get("/api/events/" + eventId + "/queue", fan.auth());
                    if (res.status() != 200) {
                        throw new AssertionError(res.status() + " " + res.body());
                    }
                    return res.json().get("state").asText();
                });
            }
        }
        List<String> all = Race.all(16, reads);
        return all.subList(all.size() - fans.size(), all.size());
    }

    @Test
    void oneFanRacingJoinsThroughBothEdgesGetsOneSpot() throws Exception {
        String eventId = TestGrid.uniqueEventId("race");
        a.createEvent(eventId, 100, 2, 60, 10);
        RunningEdge.SignedUp fan = a.signUp();
        List<Callable<Http.Response>> joins = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            RunningEdge edge = edge(i);
            joins.add(() -> edge.http.post("/api/events/" + eventId + "/queue", null, fan.auth()));
        }
        List<Http.Response> answers = Race.all(24, joins);
        assertThat(answers.stream().filter(r -> r.status() == 201).count()).isEqualTo(1);
        assertThat(answers.stream().map(r -> r.json().get("ticket").asLong()).distinct().count()).isEqualTo(1);
        JsonNode figures = b.http.get("/api/operator/events/" + eventId + "/figures", b.operatorAuth()).json();
        assertThat(figures.get("joined").asLong()).isEqualTo(1);
    }

    @Test
    void theRateHoldsUnderConcurrentReadsThroughBothEdgesAndAdmissionFollowsTheQueue() throws Exception {
        String eventId = TestGrid.uniqueEventId("rate");
        a.createEvent(eventId, 1000, 2, 60, 5);   // 5 every 5 s
        a.queueAction(eventId, "open");
        List<RunningEdge.SignedUp> fans = fans(12);
        for (int i = 0; i < fans.size(); i++) {
            Http.Response joined = edge(i).http.post("/api/events/" + eventId + "/queue", null, fans.get(i).auth());
            assertThat(joined.json().get("position").asLong()).isEqualTo(i + 1);
        }
        // The opening batch was due when the first fan came; then one batch of 5 every 5 s.
        List<String> states = statesReadConcurrently(eventId, fans);
        assertThat(states.stream().filter("ADMITTED"::equals).count()).isEqualTo(1);
        clock.advance(Duration.ofMillis(4_999));
        assertThat(statesReadConcurrently(eventId, fans).stream().filter("ADMITTED"::equals).count()).isEqualTo(1);
        clock.advance(Duration.ofMillis(1));
        states = statesReadConcurrently(eventId, fans);
        assertThat(states.subList(0, 6)).containsOnly("ADMITTED");
        assertThat(states.subList(6, 12)).containsOnly("WAITING");
        clock.advance(Duration.ofSeconds(5));
        states = statesReadConcurrently(eventId, fans);
        assertThat(states.subList(0, 11)).containsOnly("ADMITTED");
        assertThat(states.get(11)).isEqualTo("WAITING");
    }

    @Test
    void theCapOnActiveShoppersHoldsUnderConcurrencyAndALeavingShopperLetsTheNextIn() throws Exception {
        String eventId = TestGrid.uniqueEventId("cap");
        a.createEvent(eventId, 1000, 2, 1_000_000, 10_000);
        Http.Response set = a.http.put("/api/operator/events/" + eventId + "/queue/settings",
                Map.of("ratePerMinute", 1_000_000, "batchSize", 10_000, "activeCap", 4), a.operatorAuth());
        assertThat(set.status()).isEqualTo(200);
        assertThat(set.json().get("activeCap").asInt()).isEqualTo(4);
        a.queueAction(eventId, "open");
        List<RunningEdge.SignedUp> fans = fans(10);
        List<Callable<Integer>> joins = new ArrayList<>();
        for (int i = 0; i < fans.size(); i++) {
            RunningEdge edge = edge(i);
            RunningEdge.SignedUp fan = fans.get(i);
            joins.add(() -> edge.http.post("/api/events/" + eventId + "/queue", null, fan.auth()).status());
        }
        assertThat(Race.all(10, joins)).containsOnly(201);
        for (int step = 0; step < 5; step++) {
            clock.advance(Duration.ofSeconds(1));
            assertThat(statesReadConcurrently(eventId, fans).stream().filter("ADMITTED"::equals).count())
                    .isEqualTo(4);
        }
        JsonNode figures = a.http.get("/api/operator/events/" + eventId + "/figures", a.operatorAuth()).json();
        assertThat(figures.get("activeShoppers").asLong()).isEqualTo(4);

        RunningEdge.SignedUp shopper = null;
        for (RunningEdge.SignedUp fan : fans) {
            if (a.http.get("/api/events/" + eventId + "/queue", fan.auth()).json().get("state").asText()
                    .equals("ADMITTED")) {
                shopper = fan;
                break;
            }
        }
        assertThat(b.http.delete("/api/events/" + eventId + "/queue", shopper.auth()).status()).isEqualTo(204);
        fans.remove(shopper);
        clock.advance(Duration.ofSeconds(1));
        assertThat(statesReadConcurrently(eventId, fans).stream().filter("ADMITTED"::equals).count()).isEqualTo(4);
        assertThat(a.http.get("/api/events/" + eventId + "/queue", shopper.auth()).status()).isEqualTo(404);
    }

    // ---- streams ----

    private static final HttpClient SSE = HttpClient.newHttpClient();

    /** An open stream: reads {@code data:} lines of {@code status} events. */
    private static final class Stream implements AutoCloseable {
        private final InputStream body;
        private final BufferedReader lines;

        Stream(String url, String auth) throws Exception {
            HttpResponse<InputStream> res = SSE.send(HttpRequest.newBuilder(URI.create(url))
                    .header("Authorization", auth).header("Accept", "text/event-stream").build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
            this.body = res.body();
            this.lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
        }

        /** The next status event matching, within a deadline (the read blocks on a virtual thread). */
        JsonNode until(Predicate<JsonNode> wanted, Duration within) throws Exception {
            long deadline = System.nanoTime() + within.toNanos();
            try (ExecutorService reader = Executors.newVirtualThreadPerTaskExecutor()) {
                while (true) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new AssertionError("no matching status event within " + within);
                    }
                    String line = reader.submit(lines::readLine).get(left, TimeUnit.NANOSECONDS);
                    if (line == null) {
                        throw new AssertionError("stream ended");
                    }
                    if (line.startsWith("data:")) {
                        JsonNode status = Json.MAPPER.readTree(line.substring(5).trim());
                        if (wanted.test(status)) {
                            return status;
                        }
                    }
                }
            }
        }

        @Override
        public void close() throws Exception {
            body.close();
        }
    }

    private static Predicate<JsonNode> state(String state) {
        return s -> s.get("state").asText().equals(state);
    }

    @Test
    void soldOutPauseAndResumeReachStreamClientsOnBothEdgesAndJoinsAreRefusedWhileSoldOut() throws Exception {
        String eventId = TestGrid.uniqueEventId("sse");
        a.createEvent(eventId, 2, 2, 60, 1);   // 2 tickets, one fan a minute
        a.queueAction(eventId, "open");
        RunningEdge.SignedUp buyer = a.signUp();
        RunningEdge.SignedUp onA = a.signUp();
        RunningEdge.SignedUp onB = b.signUp();
        String admission = a.admissionToken(buyer, eventId);
        a.http.post("/api/events/" + eventId + "/queue", null, onA.auth());
        b.http.post("/api/events/" + eventId + "/queue", null, onB.auth());
        String path = "/api/events/" + eventId + "/queue/stream";
        try (Stream streamA = new Stream(a.server.url() + path, onA.auth());
             Stream streamB = new Stream(b.server.url() + path, onB.auth())) {
            assertThat(streamA.until(state("WAITING"), Duration.ofSeconds(10)).get("position").asLong()).isEqualTo(2);
            streamB.until(state("WAITING"), Duration.ofSeconds(10));

            Http.Response hold = a.http.post("/api/events/" + eventId + "/holds",
                    Map.of("categoryId", "floor", "quantity", 2, "requestId", "all-of-it"), Http.bearer(admission));
            assertThat(hold.status()).isEqualTo(201);
            JsonNode soldOut = streamA.until(state("SOLD_OUT"), Duration.ofSeconds(10));
            assertThat(soldOut.get("chance").asDouble()).isLessThan(1.0);
            streamB.until(state("SOLD_OUT"), Duration.ofSeconds(10));
            Http.Response late = b.http.post("/api/events/" + eventId + "/queue", null, b.signUp().auth());
            assertThat(late.status()).isEqualTo(409);
            assertThat(late.error()).startsWith("sold out");

            assertThat(a.http.delete("/api/events/" + eventId + "/holds/" + hold.json().get("holdId").asText(),
                    Http.bearer(admission)).status()).isEqualTo(204);
            streamA.until(state("WAITING"), Duration.ofSeconds(10));
            streamB.until(state("WAITING"), Duration.ofSeconds(10));

            b.queueAction(eventId, "pause");
            streamA.until(state("PAUSED"), Duration.ofSeconds(10));
            streamB.until(state("PAUSED"), Duration.ofSeconds(10));
            a.queueAction(eventId, "resume");
            streamB.until(state("WAITING"), Duration.ofSeconds(10));
        }
    }

    @Test
    void aStreamForAFanWhoHasNotJoinedIs404AndWithoutATokenIs401() {
        String eventId = TestGrid.uniqueEventId("sse");
        a.createEvent(eventId, 2, 2, 60, 1);
        Http.Response notJoined = a.http.get("/api/events/" + eventId + "/queue/stream", a.signUp().auth());
        assertThat(notJoined.status()).isEqualTo(404);
        assertThat(notJoined.error()).isEqualTo("you have not joined this event's queue");
        assertThat(a.http.get("/api/events/" + eventId + "/queue/stream").status()).isEqualTo(401);
    }
}
