package dev.floodgate.edge.seat;

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

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Numbered seats over HTTP: operators create seated categories and edit their seats; admitted fans read the seat
 * map and hold named seats (or a quantity, best available). Every bad request is a 4xx with the error body and
 * changes nothing.
 */
@ExtendWith(SharedEngines.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SeatApiTest {
    private RunningEdge edge;
    private String eventId;
    private RunningEdge.SignedUp fan;
    private String admission;

    @BeforeAll
    void start(Engines engines) {
        edge = new RunningEdge(engines, Map.of("seats.map-max-age-millis", "0"));
    }

    @AfterAll
    void stop() {
        edge.close();
    }

    /** Section A: rows 1-3 of 10 seats; section B: row AA with seats 1-4 and 7. Plus 100 standing. */
    static Map<String, Object> seatedEvent(String eventId) {
        return Map.of(
                "eventId", eventId, "name", "Seated " + eventId, "startsAt", "2030-06-01T19:00:00Z",
                "maxPerFan", 4, "holdTtlSeconds", 600,
                "categories", List.of(
                        Map.of("categoryId", "stalls", "name", "Stalls", "priceMinor", 8900, "currency", "EUR",
                                "sections", List.of(
                                        Map.of("sectionId", "A", "rowCount", 3, "seatsPerRow", 10),
                                        Map.of("sectionId", "B", "rows", List.of(
                                                Map.of("rowId", "AA", "seatNumbers", List.of(1, 2, 3, 4, 7)))))),
                        Map.of("categoryId", "standing", "name", "Standing", "capacity", 100, "priceMinor", 4500,
                                "currency", "EUR")),
                "queue", Map.of("ratePerMinute", 1_000_000, "batchSize", 10_000));
    }

    @BeforeEach
    void admittedFan() {
        eventId = TestGrid.uniqueEventId("seats");
        Http.Response created = edge.http.post("/api/operator/events", seatedEvent(eventId), edge.operatorAuth());
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        edge.queueAction(eventId, "open");
        fan = edge.signUp();
        admission = edge.admissionToken(fan, eventId);
    }

    private Http.Response hold(String token, Map<String, Object> body) {
        return edge.http.post("/api/events/" + eventId + "/holds", body, Http.bearer(token));
    }

    private static Map<String, Object> seats(String requestId, String... seats) {
        return Map.of("categoryId", "stalls", "seats", List.of(seats), "requestId", requestId);
    }

    private JsonNode seatMap() {
        Http.Response res = edge.http.get("/api/events/" + eventId + "/categories/stalls/seats");
        assertThat(res.status()).as(res.body()).isEqualTo(200);
        return res.json();
    }

    /** The state letter of one seat in the map. */
    private String state(String seat) {
        String[] p = seat.split("-");
        for (JsonNode section : seatMap().get("sections")) {
            if (!section.get("sectionId").asText().equals(p[0])) {
                continue;
            }
            for (JsonNode row : section.get("rows")) {
                if (row.get("rowId").asText().equals(p[1])) {
                    for (int i = 0; i < row.get("seats").size(); i++) {
                        if (row.get("seats").get(i).asInt() == Integer.parseInt(p[2])) {
                            return String.valueOf(row.get("states").asText().charAt(i));
                        }
                    }
                }
            }
        }
        return null;
    }

    private JsonNode stalls() {
        return edge.http.get("/api/events/" + eventId).json().get("categories").get(0);
    }

    @Test
    void aSeatedCategoryShowsItsSeatCountAndItsMap() {
        assertThat(stalls().get("seated").asBoolean()).isTrue();
        assertThat(stalls().get("capacity").asInt()).isEqualTo(35);
        JsonNode map = seatMap();
        assertThat(map.get("available").asInt()).isEqualTo(35);
        assertThat(map.at("/sections/0/rows/0/seats").size()).isEqualTo(10);
        assertThat(map.at("/sections/0/rows/2/states").asText()).isEqualTo("AAAAAAAAAA");
        assertThat(map.at("/sections/1/rows/0/rowId").asText()).isEqualTo("AA");
        assertThat(map.at("/sections/1/rows/0/seats").toString()).isEqualTo("[1,2,3,4,7]");
        assertThat(edge.http.get("/api/events/" + eventId).json().at("/categories/1/seated").asBoolean()).isFalse();
    }

    @Test
    void theSeatMapOfAGeneralAdmissionOrUnknownCategoryIs404() {
        Http.Response ga = edge.http.get("/api/events/" + eventId + "/categories/standing/seats");
        assertThat(ga.status()).isEqualTo(404);
        assertThat(ga.errorField()).isEqualTo("categoryId");
        assertThat(edge.http.get("/api/events/" + eventId + "/categories/nope/seats").status()).isEqualTo(404);
        assertThat(edge.http.get("/api/events/no-such-event/categories/stalls/seats").status()).isEqualTo(404);
    }

    @Test
    void anAdmittedFanHoldsNamedSeats() {
        Http.Response res = hold(admission, seats("r-1", "A-2-5", "A-2-6"));
        assertThat(res.status()).as(res.body()).isEqualTo(201);
        assertThat(res.json().get("seats").toString()).isEqualTo("[\"A-2-5\",\"A-2-6\"]");
        assertThat(res.json().get("quantity").asInt()).isEqualTo(2);
        assertThat(state("A-2-5")).isEqualTo("H");
        assertThat(state("A-2-4")).isEqualTo("A");
        assertThat(seatMap().get("held").asInt()).isEqualTo(2);
        // A retry is the same hold.
        Http.Response again = hold(admission, seats("r-1", "A-2-5", "A-2-6"));
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.json().get("holdId").asText()).isEqualTo(res.json().get("holdId").asText());
        assertThat(stalls().get("held").asInt()).isEqualTo(2);
        String path = "/api/events/" + eventId + "/holds/" + res.json().get("holdId").asText();
        assertThat(edge.http.get(path, fan.auth()).json().get("seats").size()).isEqualTo(2);
    }

    @Test
    void aSeatAlreadyHeldIs409NamingItAndNothingIsHeld() {
        assertThat(hold(admission, seats("r-1", "B-AA-7")).status()).isEqualTo(201);
        RunningEdge.SignedUp other = edge.signUp();
        edge.clock.advance(java.time.Duration.ofSeconds(5)); // the queue admits them
        String otherAdmission = edge.admissionToken(other, eventId);
        Http.Response res = hold(otherAdmission, seats("r-1", "B-AA-4", "B-AA-7"));
        assertThat(res.status()).isEqualTo(409);
        assertThat(res.errorField()).isEqualTo("seats");
        assertThat(res.errorCode()).isEqualTo("SEAT_TAKEN");
        assertThat(res.error()).contains("B-AA-7").doesNotContain("B-AA-4");
        assertThat(state("B-AA-4")).isEqualTo("A");
        assertThat(stalls().get("held").asInt()).isEqualTo(1);
    }

    @Test
    void anUnknownSeatIs404AndNothingIsHeld() {
        Http.Response res = hold(admission, seats("r-1", "B-AA-4", "B-AA-5"));
        assertThat(res.status()).isEqualTo(404);
        assertThat(res.errorField()).isEqualTo("seats");
        assertThat(res.error()).contains("B-AA-5");
        assertThat(hold(admission, seats("r-1", "Z-1-1")).status()).isEqualTo(404);
        assertThat(state("B-AA-4")).isEqualTo("A");
        assertThat(stalls().get("available").asInt()).isEqualTo(35);
    }

    @Test
    void malformedSeatRequestsAre400AndNothingIsHeld() {
        assertThat(hold(admission, seats("r-1", "A-1-1", "B-AA-1")).errorField()).isEqualTo("seats");
        assertThat(hold(admission, seats("r-1", "A-1-1", "A-1-1")).errorField()).isEqualTo("seats");
        assertThat(hold(admission, seats("r-1", "A-1-x")).errorField()).isEqualTo("seats[0]");
        assertThat(hold(admission, seats("r-1")).errorField()).isEqualTo("seats");
        Http.Response tooMany = hold(admission, seats("r-1", "A-1-1", "A-1-2", "A-1-3", "A-1-4", "A-1-5"));
        assertThat(tooMany.status()).isEqualTo(400);
        assertThat(tooMany.error()).isEqualTo("at most 4 tickets per fan");
        Map<String, Object> mismatch = new HashMap<>(seats("r-1", "A-1-1"));
        mismatch.put("quantity", 2);
        assertThat(hold(admission, mismatch).errorField()).isEqualTo("quantity");
        Http.Response onStanding = hold(admission, Map.of("categoryId", "standing", "seats", List.of("A-1-1"),
                "requestId", "r-1"));
        assertThat(onStanding.status()).isEqualTo(400);
        assertThat(onStanding.errorField()).isEqualTo("seats");
        assertThat(stalls().get("available").asInt()).isEqualTo(35);
        assertThat(edge.http.get("/api/events/" + eventId).json().at("/categories/1/available").asInt())
                .isEqualTo(100);
    }

    @Test
    void seatsCountTowardsThePerFanLimit() {
        assertThat(hold(admission, seats("r-1", "A-1-1", "A-1-2", "A-1-3")).status()).isEqualTo(201);
        Http.Response res = hold(admission, seats("r-2", "A-3-1", "A-3-2"));
        assertThat(res.status()).isEqualTo(409);
        assertThat(res.error()).startsWith("at most 4 tickets per fan");
        assertThat(state("A-3-1")).isEqualTo("A");
    }

    @Test
    void aQuantityOfASeatedCategoryGetsTheBestSeatsTogether() {
        Http.Response res = hold(admission, Map.of("categoryId", "stalls", "quantity", 2, "requestId", "best"));
        assertThat(res.status()).as(res.body()).isEqualTo(201);
        assertThat(res.json().get("seats").toString()).isEqualTo("[\"A-1-5\",\"A-1-6\"]");
        assertThat(state("A-1-5")).isEqualTo("H");
    }

    @Test
    void releasingASeatHoldPutsTheSeatsBackOnTheMap() {
        String holdId = hold(admission, seats("r-1", "A-3-10")).json().get("holdId").asText();
        assertThat(edge.http.delete("/api/events/" + eventId + "/holds/" + holdId, fan.auth()).status())
                .isEqualTo(204);
        assertThat(state("A-3-10")).isEqualTo("A");
        assertThat(stalls().get("available").asInt()).isEqualTo(35);
    }

    @Test
    void badSeatedCategoriesAre400AndNothingIsCreated() {
        Map<String, Object> body = new HashMap<>(seatedEvent(TestGrid.uniqueEventId("bad")));
        String id = (String) body.get("eventId");
        record Case(Object sections, Integer capacity, String field) {
        }
        List<Case> cases = List.of(
                new Case(List.of(Map.of("sectionId", "A-1", "rowCount", 2, "seatsPerRow", 2)), null,
                        "categories[0].sections[0]"),
                new Case(List.of(Map.of("sectionId", "A", "rowCount", 2, "seatsPerRow", 6000)), null,
                        "categories[0].sections[0].seatsPerRow"),
                new Case(List.of(Map.of("sectionId", "A", "rowCount", 2)), null, "categories[0].sections[0]"),
                new Case(List.of(Map.of("sectionId", "A", "rows", List.of(Map.of("rowId", "1", "seatNumbers",
                        List.of(3, 2))))), null, "categories[0].sections[0].rows[0]"),
                new Case(List.of(Map.of("sectionId", "A", "rowCount", 1, "seatsPerRow", 2),
                        Map.of("sectionId", "A", "rowCount", 1, "seatsPerRow", 2)), null, "categories[0].sections"),
                new Case(List.of(), null, "categories[0].sections"),
                new Case(List.of(Map.of("sectionId", "A", "rowCount", 2, "seatsPerRow", 2)), 5,
                        "categories[0].capacity"));
        for (Case c : cases) {
            Map<String, Object> category = new HashMap<>(Map.of("categoryId", "stalls", "name", "Stalls",
                    "priceMinor", 8900, "currency", "EUR", "sections", c.sections()));
            if (c.capacity() != null) {
                category.put("capacity", c.capacity());
            }
            body.put("categories", List.of(category));
            Http.Response res = edge.http.post("/api/operator/events", body, edge.operatorAuth());
            assertThat(res.status()).as("%s: %s", c, res.body()).isEqualTo(400);
            assertThat(res.errorField()).as("%s: %s", c, res.body()).isEqualTo(c.field());
        }
        assertThat(edge.http.get("/api/events/" + id).status()).isEqualTo(404);
    }

    @Test
    void operatorsAddAndRemoveSeatsButNotHeldOnes() {
        String path = "/api/operator/events/" + eventId + "/categories/stalls/seats";
        assertThat(hold(admission, seats("r-1", "B-AA-1")).status()).isEqualTo(201);
        Http.Response held = edge.http.post(path, Map.of("remove", List.of("B-AA-1", "B-AA-2")), edge.operatorAuth());
        assertThat(held.status()).isEqualTo(409);
        assertThat(held.errorField()).isEqualTo("remove");
        assertThat(held.error()).contains("B-AA-1");
        assertThat(state("B-AA-2")).isEqualTo("A");

        Http.Response done = edge.http.post(path, Map.of("add", List.of("B-AA-5", "B-BB-1"), "remove",
                List.of("B-AA-2")), edge.operatorAuth());
        assertThat(done.status()).as(done.body()).isEqualTo(200);
        assertThat(done.json().get("capacity").asInt()).isEqualTo(36);
        assertThat(stalls().get("capacity").asInt()).isEqualTo(36);
        assertThat(state("B-AA-2")).isNull();
        assertThat(state("B-BB-1")).isEqualTo("A");
        assertThat(hold(admission, seats("r-2", "B-AA-5")).status()).isEqualTo(201);

        assertThat(edge.http.post(path, Map.of("add", List.of("B-AA-5")), edge.operatorAuth()).status())
                .isEqualTo(409);
        assertThat(edge.http.post(path, Map.of("add", List.of("A-1-11", "B-AA-6")), edge.operatorAuth())
                .status()).isEqualTo(400);
        assertThat(edge.http.post(path, Map.of("add", List.of("C-1-1")), edge.operatorAuth()).status())
                .isEqualTo(409);
        assertThat(edge.http.post(path, Map.of("add", List.of("nonsense")), edge.operatorAuth()).errorField())
                .isEqualTo("add[0]");
        assertThat(edge.http.post(path, Map.of(), edge.operatorAuth()).status()).isEqualTo(400);
        assertThat(edge.http.post("/api/operator/events/" + eventId + "/categories/standing/seats",
                Map.of("add", List.of("A-1-1")), edge.operatorAuth()).status()).isEqualTo(409);
        Http.Response capacity = edge.http.put("/api/operator/events/" + eventId + "/categories/stalls",
                Map.of("capacity", 50), edge.operatorAuth());
        assertThat(capacity.status()).isEqualTo(409);
        assertThat(capacity.errorField()).isEqualTo("capacity");
        assertThat(stalls().get("capacity").asInt()).isEqualTo(36);
        assertThat(edge.http.post(path, Map.of("add", List.of("B-AA-6")), null).status()).isEqualTo(401);
    }
}
