package dev.floodgate.edge.queue;

import com.fasterxml.jackson.databind.JsonNode;
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

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stream tickets: what a browser's EventSource (which cannot send headers) opens the status stream with. Issued for a
 * fan token and a joined queue, spent by the first stream, bound to the event, valid 60 s; the header still works.
 */
@ExtendWith(SharedEngines.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamTicketTest {
    private static final HttpClient SSE = HttpClient.newHttpClient();

    private RunningEdge edge;

    @BeforeAll
    void start(Engines engines) {
        edge = new RunningEdge(engines);
    }

    @AfterAll
    void stop() {
        edge.close();
    }

    private String joinedEvent(RunningEdge.SignedUp fan) {
        String eventId = TestGrid.uniqueEventId("st");
        edge.createEvent(eventId, 10, 2, 60, 1);
        assertThat(edge.http.post("/api/events/" + eventId + "/queue", null, fan.auth()).status()).isEqualTo(201);
        return eventId;
    }

    private Http.Response issue(String eventId, String auth) {
        return edge.http.post("/api/events/" + eventId + "/queue/stream-ticket", null, auth);
    }

    private String ticket(String eventId, RunningEdge.SignedUp fan) {
        Http.Response res = issue(eventId, fan.auth());
        assertThat(res.status()).as(res.body()).isEqualTo(200);
        return res.json().get("ticket").asText();
    }

    private static String streamPath(String eventId, String ticket) {
        return "/api/events/" + eventId + "/queue/stream?ticket=" + URLEncoder.encode(ticket, StandardCharsets.UTF_8);
    }

    /** A stream opened with no header at all, as EventSource opens it; reads its {@code status} events. */
    private final class Stream implements AutoCloseable {
        private final InputStream body;
        private final BufferedReader lines;

        Stream(String path) throws Exception {
            HttpResponse<InputStream> res = SSE.send(HttpRequest.newBuilder(URI.create(edge.server.url() + path))
                    .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream());
            this.body = res.body();
            if (res.statusCode() != 200) {
                body.close();
                throw new AssertionError("stream answered " + res.statusCode());
            }
            assertThat(res.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
            this.lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
        }

        JsonNode nextStatus() throws Exception {
            boolean statusEvent = false;
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            try (ExecutorService reader = Executors.newVirtualThreadPerTaskExecutor()) {
                while (true) {
                    String line = reader.submit(lines::readLine).get(deadline - System.nanoTime(),
                            TimeUnit.NANOSECONDS);
                    if (line == null) {
                        throw new AssertionError("stream ended before a status event");
                    }
                    if (line.equals("event: status") || line.equals("event:status")) {
                        statusEvent = true;
                    } else if (statusEvent && line.startsWith("data:")) {
                        return Json.MAPPER.readTree(line.substring(5).trim());
                    }
                }
            }
        }

        @Override
        public void close() throws Exception {
            body.close();
        }
    }

    private JsonNode firstStatus(String path) throws Exception {
        try (Stream stream = new Stream(path)) {
            return stream.nextStatus();
        }
    }

    @Test
    void aFanTokenGetsAShortLivedOpaqueTicketForAJoinedQueue() {
        RunningEdge.SignedUp fan = edge.signUp();
        String eventId = joinedEvent(fan);
        Http.Response res = issue(eventId, fan.auth());
        assertThat(res.status()).isEqualTo(200);
        assertThat(res.header("Cache-Control")).contains("no-store");
        String ticket = res.json().get("ticket").asText();
        assertThat(ticket).matches("[A-Za-z0-9_-]{43}").doesNotContain(fan.token());
        Instant expiresAt = Instant.parse(res.json().get("expiresAt").asText());
        assertThat(Duration.between(edge.clock.instant(), expiresAt)).isBetween(Duration.ofSeconds(55),
                Duration.ofSeconds(61));
        assertThat(ticket(eventId, fan)).isNotEqualTo(ticket);
    }

    @Test
    void issuingNeedsAFanTokenAndAJoinedQueue() {
        RunningEdge.SignedUp fan = edge.signUp();
        String eventId = joinedEvent(fan);
        Http.Response noToken = issue(eventId, null);
        assertThat(noToken.status()).isEqualTo(401);
        assertThat(noToken.error()).isNotBlank();
        assertThat(issue(eventId, "Bearer nonsense").status()).isEqualTo(401);
        Http.Response notJoined = issue(eventId, edge.signUp().auth());
        assertThat(notJoined.status()).isEqualTo(404);
        assertThat(notJoined.error()).isEqualTo("you have not joined this event's queue");
        assertThat(issue("NOT_AN_ID", fan.auth()).status()).isEqualTo(400);
    }

    @Test
    void aStreamOpenedWithATicketAndNoHeaderReceivesTheFansStatus() throws Exception {
        RunningEdge.SignedUp other = edge.signUp();
        RunningEdge.SignedUp fan = edge.signUp();
        String eventId = joinedEvent(other);
        long myTicket = edge.http.post("/api/events/" + eventId + "/queue", null, fan.auth()).json()
                .get("ticket").asLong();
        try (Stream stream = new Stream(streamPath(eventId, ticket(eventId, fan)))) {
            JsonNode status = stream.nextStatus();
            assertThat(status.get("state").asText()).isEqualTo("PRE_QUEUE");
            assertThat(status.get("ticket").asLong()).isEqualTo(myTicket);

            // The stream follows the queue: opening it pushes the fan's new status. (A change pushed just before,
            // such as the odds once the stock is known, may still arrive first in pre-queue.)
            edge.queueAction(eventId, "open");
            JsonNode afterOpening = stream.nextStatus();
            for (int i = 0; i < 5 && afterOpening.get("state").asText().equals("PRE_QUEUE"); i++) {
                afterOpening = stream.nextStatus();
            }
            assertThat(afterOpening.get("state").asText()).isIn("WAITING", "ADMITTED");
            assertThat(afterOpening.get("ticket").asLong()).isEqualTo(myTicket);
        }
    }

    @Test
    void aTicketOpensOneStreamOnly() throws Exception {
        RunningEdge.SignedUp fan = edge.signUp();
        String eventId = joinedEvent(fan);
        String ticket = ticket(eventId, fan);
        firstStatus(streamPath(eventId, ticket));
        Http.Response again = edge.http.get(streamPath(eventId, ticket));
        assertThat(again.status()).isEqualTo(401);
        assertThat(again.error()).startsWith("stream ticket rejected");
    }

    @Test
    void aTicketForAnotherEventIs403() {
        RunningEdge.SignedUp fan = edge.signUp();
        String mine = joinedEvent(fan);
        String other = joinedEvent(fan);
        Http.Response res = edge.http.get(streamPath(other, ticket(mine, fan)));
        assertThat(res.status()).isEqualTo(403);
        assertThat(res.error()).isEqualTo("this stream ticket is for another event");
    }

    @Test
    void anExpiredUnknownOrEmptyTicketIs401WithTheErrorBody() {
        RunningEdge.SignedUp fan = edge.signUp();
        String eventId = joinedEvent(fan);
        String ticket = ticket(eventId, fan);
        edge.clock.advance(StreamTickets.VALIDITY.plusSeconds(1));
        Http.Response expired = edge.http.get(streamPath(eventId, ticket));
        assertThat(expired.status()).isEqualTo(401);
        assertThat(expired.error()).startsWith("stream ticket rejected");

        for (String bad : new String[] {"", "x", "A".repeat(43), "A".repeat(500), fan.token()}) {
            Http.Response res = edge.http.get(streamPath(eventId, bad));
            assertThat(res.status()).as(bad).isEqualTo(401);
            assertThat(res.error()).as(bad).startsWith("stream ticket rejected");
        }
    }

    @Test
    void theHeaderStillOpensTheStream() throws Exception {
        RunningEdge.SignedUp fan = edge.signUp();
        String eventId = joinedEvent(fan);
        HttpResponse<InputStream> res = SSE.send(HttpRequest.newBuilder(URI.create(edge.server.url()
                        + "/api/events/" + eventId + "/queue/stream")).header("Authorization", fan.auth()).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = res.body()) {
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        }
    }
}
