package dev.floodgate.edge;

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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every integer field of the edge's request bodies takes a JSON integer within its range and nothing else: a string,
 * a fraction, an exponent, a boolean, an int overflow or (for a required value) null is a 400 with code VALIDATION
 * naming the field, and nothing changes.
 */
@ExtendWith(SharedEngines.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StrictNumbersApiTest {
    /** Not integers, or not within an int: each stands where an integer field's value goes. */
    private static final List<String> NOT_AN_INT = List.of("\"1\"", "1.5", "1.0", "1e2", "true", "9999999999",
            "\"\"", "[1]");

    private RunningEdge edge;
    private String eventId;
    private String unopenedEventId;
    private String admission;

    /** A request with one integer field, the body with {@code @} where its value goes, and what must not change. */
    private record Target(String name, String method, Supplier<String> path, String body, String field,
                          boolean nullAllowed, Supplier<String> state) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    void start(Engines engines) {
        edge = new RunningEdge(engines);
        eventId = TestGrid.uniqueEventId("strict");
        edge.createEvent(eventId, 5, 4, 1_000_000, 10_000);
        edge.queueAction(eventId, "open");
        admission = edge.admissionToken(edge.signUp(), eventId);
        unopenedEventId = TestGrid.uniqueEventId("strict");
        edge.createEvent(unopenedEventId, 5, 4, 60, 1);
    }

    @AfterAll
    void stop() {
        edge.close();
    }

    private List<Target> targets() {
        Supplier<String> stock = () -> edge.http.get("/api/events/" + eventId).body();
        Supplier<String> queueSettings = () -> edge.http.put("/api/operator/events/" + unopenedEventId
                + "/queue/schedule", "{\"opensAt\":null}", edge.operatorAuth()).json().toString();
        Supplier<String> noNewEvent = () -> Integer.toString(edge.http.get("/api/events/strict-new-event").status());
        String newEvent = "{\"eventId\":\"strict-new-event\",\"name\":\"N\",\"startsAt\":\"2030-06-01T19:00:00Z\","
                + "\"maxPerFan\":%s,\"holdTtlSeconds\":%s,\"categories\":[{\"categoryId\":\"floor\",\"name\":\"F\","
                + "\"capacity\":%s,\"priceMinor\":%s,\"currency\":\"EUR\"}],\"queue\":{\"ratePerMinute\":%s,"
                + "\"batchSize\":1}}";
        Supplier<String> settings = () -> "/api/operator/events/" + unopenedEventId + "/queue/settings";
        return List.of(
                new Target("hold quantity", "POST", () -> "/api/events/" + eventId + "/holds",
                        "{\"categoryId\":\"floor\",\"quantity\":@,\"requestId\":\"strict-1\"}", "quantity", false,
                        stock),
                new Target("settings ratePerMinute", "PUT", settings, "{\"ratePerMinute\":@,\"batchSize\":5}",
                        "ratePerMinute", false, queueSettings),
                new Target("settings batchSize", "PUT", settings, "{\"ratePerMinute\":60,\"batchSize\":@}",
                        "batchSize", false, queueSettings),
                // activeCap: null (or absent) means "unchanged", a documented use of null.
                new Target("settings activeCap", "PUT", settings,
                        "{\"ratePerMinute\":60,\"batchSize\":5,\"activeCap\":@}", "activeCap", true, queueSettings),
                new Target("capacity edit", "PUT", () -> "/api/operator/events/" + eventId + "/categories/floor",
                        "{\"capacity\":@}", "capacity", false, stock),
                new Target("event maxPerFan", "POST", () -> "/api/operator/events",
                        newEvent.formatted("@", 300, 10, 5000, 60), "maxPerFan", false, noNewEvent),
                new Target("event holdTtlSeconds", "POST", () -> "/api/operator/events",
                        newEvent.formatted(4, "@", 10, 5000, 60), "holdTtlSeconds", false, noNewEvent),
                new Target("event category capacity", "POST", () -> "/api/operator/events",
                        newEvent.formatted(4, 300, "@", 5000, 60), "categories[0].capacity", false, noNewEvent),
                new Target("event category priceMinor", "POST", () -> "/api/operator/events",
                        newEvent.formatted(4, 300, 10, "@", 60), "categories[0].priceMinor", false, noNewEvent),
                new Target("event queue ratePerMinute", "POST", () -> "/api/operator/events",
                        newEvent.formatted(4, 300, 10, 5000, "@"), "queue.ratePerMinute", false, noNewEvent),
                new Target("challenge difficultyBits", "PUT",
                        () -> "/api/operator/events/" + eventId + "/challenge", "{\"difficultyBits\":@}",
                        "difficultyBits", false,
                        () -> edge.http.get("/api/operator/events/" + eventId + "/challenge", edge.operatorAuth())
                                .body()));
    }

    Stream<Arguments> refusals() {
        List<Arguments> cases = new ArrayList<>();
        for (Target target : targets()) {
            List<String> values = new ArrayList<>(NOT_AN_INT);
            if (!target.nullAllowed()) {
                values.add("null");
            }
            if (target.field().endsWith("priceMinor") || target.field().equals("holdTtlSeconds")) {
                // long fields: 9999999999 is a fine long, so overflow a long instead.
                values.replaceAll(v -> v.equals("9999999999") ? "99999999999999999999" : v);
            }
            for (String value : values) {
                cases.add(Arguments.of(target, value));
            }
        }
        return cases.stream();
    }

    private Http.Response send(Target target, String value) {
        String authorization = target.name().startsWith("hold") ? Http.bearer(admission) : edge.operatorAuth();
        return edge.http.send(target.method(), target.path().get(), target.body().replace("@", value), authorization);
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("refusals")
    void anIntegerFieldTakesOnlyAJsonIntegerInItsRange(Target target, String value) {
        String before = target.state().get();

        Http.Response res = send(target, value);

        assertThat(res.status()).as(res.body()).isEqualTo(400);
        assertThat(res.errorField()).isEqualTo(target.field());
        assertThat(res.errorCode()).isEqualTo("VALIDATION");
        assertThat(target.state().get()).as("nothing changed").isEqualTo(before);
    }

    @Test
    void theSameRequestsWithJsonIntegersAreServed() {
        assertThat(send(targets().get(0), "1").status()).isEqualTo(201);
        assertThat(send(targets().get(1), "120").status()).isEqualTo(200);
        assertThat(send(targets().get(4), "6").status()).isEqualTo(200);
    }
}
