package dev.floodgate.edge.queue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.floodgate.edge.support.Http;
import dev.floodgate.edge.support.Race;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Queue first, sign in while you wait: a visitor without a session takes a place (a place token, nothing stored but
 * the grid's spot), keeps it across sign-up or sign-in by binding it, and one account never has two places or two
 * admissions, also when two places are bound through two edges at once. Two edges on one grid and one clock.
 */
@ExtendWith(SharedEngines.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlaceTest {
    private static final Duration GRACE = Duration.ofMinutes(2);
    private final MutableClock clock = MutableClock.startingNow();
    private RunningEdge a;
    private RunningEdge b;

    @BeforeAll
    void start(Engines engines) {
        Map<String, String> extra = Map.of("queue.sign-in-grace-millis", Long.toString(GRACE.toMillis()));
        a = new RunningEdge(engines, extra, clock);
        b = new RunningEdge(engines, extra, clock);
    }

    @AfterAll
    void stop() {
        a.close();
        b.close();
    }

    private static String queue(String eventId) {
        return "/api/events/" + eventId + "/queue";
    }

    /** An anonymous join through {@code edge}: answers the whole body (with the place token). */
    private static JsonNode anonymousJoin(RunningEdge edge, String eventId) {
        Http.Response res = edge.http.post(queue(eventId), null, null);
        assertThat(res.status()).as(res.body()).isEqualTo(201);
        return res.json();
    }

    private static Http.Response placeStatus(RunningEdge edge, String eventId, String placeToken) {
        return edge.http.get(queue(eventId), Http.bearer(placeToken));
    }

    private static Http.Response bind(RunningEdge edge, String eventId, RunningEdge.SignedUp fan, String placeToken) {
        return edge.http.post(queue(eventId) + "/bind", Map.of("placeToken", placeToken), fan.auth());
    }

    private String pausedEvent() {
        String eventId = TestGrid.uniqueEventId("place");
        a.createEvent(eventId, 100, 2, 60, 1);
        a.queueAction(eventId, "open");
        a.queueAction(eventId, "pause");
        return eventId;
    }

    @Test
    void aVisitorWithoutASessionTakesAPlaceAndItsPlaceTokenReadsIt() {
        String eventId = pausedEvent();
        JsonNode joined = anonymousJoin(a, eventId);
        assertThat(joined.get("placeToken").asText()).isNotBlank();
        assertThat(joined.get("bound").asBoolean()).isFalse();
        assertThat(joined.get("admissionToken").isNull()).isTrue();

        Http.Response status = placeStatus(b, eventId, joined.get("placeToken").asText());
        assertThat(status.status()).isEqualTo(200);
        assertThat(status.json().get("ticket").asLong()).isEqualTo(joined.get("ticket").asLong());
        assertThat(status.json().get("state").asText()).isEqualTo("PAUSED");
        assertThat(status.json().get("placeToken").isNull()).as("the token is given once, at the join").isTrue();
    }

    private long unboundPlaces(String eventId) {
        return a.http.get("/api/operator/events/" + eventId + "/figures", a.operatorAuth()).json()
                .get("unboundPlaces").asLong();
    }

    @Test
    void aPlaceIsKeptAcrossSignUp() {
        String eventId = pausedEvent();
        JsonNode joined = anonymousJoin(a, eventId);
        assertThat(unboundPlaces(eventId)).as("the operator sees a place without an account").isEqualTo(1);
        RunningEdge.SignedUp fan = a.signUp();
        Http.Response bound = bind(b, eventId, fan, joined.get("placeToken").asText());
        assertThat(bound.status()).as(bound.body()).isEqualTo(200);
        assertThat(bound.json().get("ticket").asLong()).isEqualTo(joined.get("ticket").asLong());
        assertThat(bound.json().get("bound").asBoolean()).isTrue();
        assertThat(a.http.get(queue(eventId), fan.auth()).json().get("ticket").asLong())
                .isEqualTo(joined.get("ticket").asLong());
        // The place itself is gone: its token reads nothing any more.
        assertThat(placeStatus(a, eventId, joined.get("placeToken").asText()).status()).isEqualTo(404);
        assertThat(unboundPlaces(eventId)).isZero();
    }

    @Test
    void aPlaceIsKeptAcrossSignInAndABindRepeatedAnswersTheSamePlace() {
        String eventId = pausedEvent();
        RunningEdge.SignedUp account = a.signUp();
        JsonNode joined = anonymousJoin(a, eventId);
        Http.Response session = a.http.post("/api/sessions",
                Map.of("email", account.email(), "password", "correct horse battery"), null);
        RunningEdge.SignedUp signedIn = new RunningEdge.SignedUp(session.json().get("token").asText(),
                account.fanId(), account.email());
        String placeToken = joined.get("placeToken").asText();
        assertThat(bind(a, eventId, signedIn, placeToken).json().get("ticket").asLong())
                .isEqualTo(joined.get("ticket").asLong());
        Http.Response again = bind(b, eventId, signedIn, placeToken);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("ticket").asLong()).isEqualTo(joined.get("ticket").asLong());
    }

    @Test
    void bindingALaterPlaceToAnAccountThatHasOneKeepsTheEarlierAndGivesUpTheOther() {
        String eventId = pausedEvent();
        RunningEdge.SignedUp fan = a.signUp();
        long own = a.http.post(queue(eventId), null, fan.auth()).json().get("ticket").asLong();
        JsonNode later = anonymousJoin(b, eventId);
        Http.Response bound = bind(b, eventId, fan, later.get("placeToken").asText());
        assertThat(bound.json().get("ticket").asLong()).isEqualTo(own);
        assertThat(placeStatus(a, eventId, later.get("placeToken").asText()).status()).isEqualTo(404);
    }

    @Test
    void afterTheShuffleTheEarlierPlaceIsKeptNotTheLowerTicketSoNoAdmissionIsTakenAway() {
        String eventId = TestGrid.uniqueEventId("place");
        a.createEvent(eventId, 1000, 2, 60, 1);
        int accounts = 16;
        List<RunningEdge.SignedUp> fans = new ArrayList<>();
        List<String> places = new ArrayList<>();
        for (int i = 0; i < accounts; i++) {
            RunningEdge.SignedUp fan = a.signUp();
            a.http.post(queue(eventId), null, fan.auth());
            fans.add(fan);
            places.add(anonymousJoin(b, eventId).get("placeToken").asText());
        }
        a.queueAction(eventId, "open");
        clock.advance(Duration.ofSeconds(3));   // the first places of the shuffled pre-queue are admitted
        int placeWon = 0;
        for (int i = 0; i < accounts; i++) {
            JsonNode own = a.http.get(queue(eventId), fans.get(i).auth()).json();
            JsonNode place = placeStatus(b, eventId, places.get(i)).json();
            boolean placeEarlier = place.get("position").asLong() < own.get("position").asLong();
            JsonNode bound = bind(a, eventId, fans.get(i), places.get(i)).json();
            JsonNode expected = placeEarlier ? place : own;
            assertThat(bound.get("ticket").asLong()).as("account %d keeps the earlier place", i)
                    .isEqualTo(expected.get("ticket").asLong());
            if (own.get("state").asText().equals("ADMITTED")) {
                assertThat(bound.get("state").asText()).as("an admission is never taken away").isEqualTo("ADMITTED");
            }
            placeWon += placeEarlier ? 1 : 0;
        }
        // The shuffle put some places before their account's own ticket and some after (16 fair coins).
        assertThat(placeWon).isBetween(1, accounts - 1);
    }

    @Test
    void twoPlacesOfOneAccountBoundThroughTwoEdgesAtOnceEndAsOnePlaceAndOneAdmission() throws Exception {
        String eventId = TestGrid.uniqueEventId("place");
        a.createEvent(eventId, 1000, 2, 6000, 100);
        a.queueAction(eventId, "open");
        a.queueAction(eventId, "pause");
        int accounts = 12;
        List<RunningEdge.SignedUp> fans = new ArrayList<>();
        List<Callable<Http.Response>> binds = new ArrayList<>();
        List<long[]> tickets = new ArrayList<>();
        List<String[]> tokens = new ArrayList<>();
        for (int i = 0; i < accounts; i++) {
            RunningEdge.SignedUp fan = a.signUp();
            JsonNode first = anonymousJoin(a, eventId);
            JsonNode second = anonymousJoin(b, eventId);
            fans.add(fan);
            tickets.add(new long[] {first.get("ticket").asLong(), second.get("ticket").asLong()});
            tokens.add(new String[] {first.get("placeToken").asText(), second.get("placeToken").asText()});
            binds.add(() -> bind(a, eventId, fan, first.get("placeToken").asText()));
            binds.add(() -> bind(b, eventId, fan, second.get("placeToken").asText()));
        }
        List<Http.Response> answers = Race.all(binds.size(), binds);

        a.queueAction(eventId, "resume");
        clock.advance(Duration.ofSeconds(30));   // admits everyone (100 a second)
        for (int i = 0; i < accounts; i++) {
            long earlier = Math.min(tickets.get(i)[0], tickets.get(i)[1]);
            for (int j = 0; j < 2; j++) {
                Http.Response answer = answers.get(2 * i + j);
                assertThat(answer.status()).as(answer.body()).isEqualTo(200);
                // Each bind answers the fan's place as it stood then (the later place, if the other bind had not
                // run yet); where it ends is asserted below.
                assertThat(answer.json().get("ticket").asLong()).isIn(tickets.get(i)[0], tickets.get(i)[1]);
                assertThat(placeStatus(j == 0 ? a : b, eventId, tokens.get(i)[j]).status())
                        .as("neither place is left to be admitted on its own").isEqualTo(404);
            }
            JsonNode status = b.http.get(queue(eventId), fans.get(i).auth()).json();
            assertThat(status.get("ticket").asLong()).isEqualTo(earlier);
            assertThat(status.get("state").asText()).isEqualTo("ADMITTED");
            assertThat(status.get("admissionToken").asText()).isNotBlank();
        }
        // Every place given up was given up once: one of each account's two.
        JsonNode figures = a.http.get("/api/operator/events/" + eventId + "/figures", a.operatorAuth()).json();
        assertThat(figures.get("abandoned").asLong()).isEqualTo(accounts);
    }

    @Test
    void anUnboundPlaceWhoseTurnCameIsAskedToSignInAndGetsNoAdmissionToken() {
        String eventId = TestGrid.uniqueEventId("place");
        a.createEvent(eventId, 100, 2, 60, 1);
        JsonNode joined = anonymousJoin(a, eventId);
        a.queueAction(eventId, "open");
        clock.advance(Duration.ofSeconds(2));
        JsonNode status = placeStatus(b, eventId, joined.get("placeToken").asText()).json();
        assertThat(status.get("state").asText()).isEqualTo("AWAITING_SIGN_IN");
        assertThat(status.get("admissionToken").isNull()).isTrue();
        assertThat(status.get("signInSoon").asBoolean()).isTrue();
        assertThat(status.get("signInBy").asText()).isNotBlank();

        // Bound within the grace time: admitted, with a token, for what is left of the admission window.
        RunningEdge.SignedUp fan = a.signUp();
        JsonNode bound = bind(a, eventId, fan, joined.get("placeToken").asText()).json();
        assertThat(bound.get("state").asText()).isEqualTo("ADMITTED");
        assertThat(bound.get("admissionToken").asText()).isNotBlank();
    }

    @Test
    void anUnboundPlaceYieldsItsTurnOnceTheGraceTimeHasPassed() {
        String eventId = TestGrid.uniqueEventId("place");
        a.createEvent(eventId, 100, 2, 60, 1);
        JsonNode joined = anonymousJoin(a, eventId);
        String placeToken = joined.get("placeToken").asText();
        a.queueAction(eventId, "open");
        clock.advance(Duration.ofSeconds(2));
        JsonNode awaiting = placeStatus(a, eventId, placeToken).json();
        assertThat(awaiting.get("state").asText()).isEqualTo("AWAITING_SIGN_IN");
        java.time.Instant signInBy = java.time.Instant.parse(awaiting.get("signInBy").asText());
        assertThat(Duration.between(clock.instant(), signInBy)).isLessThanOrEqualTo(GRACE.plusMinutes(1));
        clock.advance(Duration.between(clock.instant(), signInBy).plusSeconds(1));
        JsonNode yielded = placeStatus(b, eventId, placeToken).json();
        assertThat(yielded.get("state").asText()).isEqualTo("ADMISSION_EXPIRED");
        assertThat(yielded.get("pollAfterMillis").asLong()).as("nothing more to ask").isZero();
        placeStatus(a, eventId, placeToken);
        assertThat(unboundPlaces(eventId)).as("yielded once, counted once").isZero();
        Http.Response late = bind(a, eventId, a.signUp(), placeToken);
        assertThat(late.status()).isEqualTo(404);
        assertThat(late.error()).contains("no longer in the queue");
    }

    @Test
    void aPlaceUnreadUntilItsWholeAdmissionWindowPassedEndsAtItsNextRead() {
        String eventId = TestGrid.uniqueEventId("place");
        a.createEvent(eventId, 100, 2, 60, 1);
        String placeToken = anonymousJoin(a, eventId).get("placeToken").asText();
        a.queueAction(eventId, "open");
        clock.advance(Duration.ofSeconds(2));
        unboundPlaces(eventId);                  // the operator's read moves the queue: the place's turn comes
        clock.advance(Duration.ofMinutes(15));   // past the 10-minute admission window, the place never read
        JsonNode status = placeStatus(b, eventId, placeToken).json();
        assertThat(status.get("state").asText()).isEqualTo("ADMISSION_EXPIRED");
        assertThat(status.get("admissionToken").isNull()).isTrue();
        assertThat(unboundPlaces(eventId)).as("its spot went with it").isZero();
        assertThat(placeStatus(a, eventId, placeToken).status()).isEqualTo(404);
    }

    @Test
    void aPlaceTokenNeverHoldsSeatsNorReadsAnotherEventsQueue() {
        String eventId = pausedEvent();
        String other = pausedEvent();
        String placeToken = anonymousJoin(a, eventId).get("placeToken").asText();
        Http.Response hold = a.http.post("/api/events/" + eventId + "/holds",
                Map.of("categoryId", "floor", "quantity", 1, "requestId", "r-place-1"), Http.bearer(placeToken));
        assertThat(hold.status()).isEqualTo(401);
        assertThat(hold.body()).startsWith("{\"errors\":[{\"message\":");
        assertThat(placeStatus(a, other, placeToken).status()).isEqualTo(403);
        assertThat(a.http.post(queue(eventId), null, Http.bearer(placeToken)).status())
                .as("a place token is not a fan token: it cannot join").isEqualTo(401);
    }

    @Test
    void forgedOrMisusedTokensAreRefusedAndChangeNothing() {
        String eventId = pausedEvent();
        JsonNode joined = anonymousJoin(a, eventId);
        String placeToken = joined.get("placeToken").asText();
        String forged = placeToken.substring(0, placeToken.lastIndexOf('.') + 1) + "AAAA" + placeToken.substring(
                placeToken.lastIndexOf('.') + 5);
        assertThat(placeStatus(a, eventId, forged).status()).isEqualTo(401);
        RunningEdge.SignedUp fan = a.signUp();
        Http.Response fanTokenAsPlace = bind(a, eventId, fan, fan.token());
        assertThat(fanTokenAsPlace.status()).isEqualTo(401);
        assertThat(fanTokenAsPlace.errorCode()).isEqualTo("PLACE_TOKEN_INVALID");
        Http.Response forgedBind = bind(a, eventId, fan, forged);
        assertThat(forgedBind.status()).isEqualTo(401);
        assertThat(forgedBind.errorCode()).as("the fan page starts over on this code").isEqualTo("PLACE_TOKEN_INVALID");
        Http.Response noAccount = a.http.post(queue(eventId) + "/bind", Map.of("placeToken", placeToken),
                Http.bearer(placeToken));
        assertThat(noAccount.status()).as("binding needs a fan token, not the place's own").isEqualTo(401);
        assertThat(noAccount.errorCode()).isEqualTo("TOKEN_INVALID");
        Http.Response empty = a.http.post(queue(eventId) + "/bind", Map.of("placeToken", ""), fan.auth());
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.errorField()).isEqualTo("placeToken");
        // The place is untouched by all of that.
        Http.Response status = placeStatus(a, eventId, placeToken);
        assertThat(status.status()).isEqualTo(200);
        assertThat(status.json().get("ticket").asLong()).isEqualTo(joined.get("ticket").asLong());
    }

    @Test
    void soldOutReachesEveryWaitingPollerWithinTheLongestAdvisedInterval() {
        String eventId = TestGrid.uniqueEventId("place");
        a.createEvent(eventId, 1, 1, 60, 1);
        a.queueAction(eventId, "open");
        RunningEdge.SignedUp buyer = a.signUp();
        a.http.post(queue(eventId), null, buyer.auth());
        List<RunningEdge.SignedUp> waiting = new ArrayList<>();
        List<String> places = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            RunningEdge.SignedUp fan = b.signUp();
            b.http.post(queue(eventId), null, fan.auth());
            waiting.add(fan);
            places.add(anonymousJoin(b, eventId).get("placeToken").asText());
        }
        clock.advance(Duration.ofSeconds(2));   // the buyer's turn; the stock lets nobody else in
        String admission = a.http.get(queue(eventId), buyer.auth()).json().get("admissionToken").asText();
        Http.Response hold = a.http.post("/api/events/" + eventId + "/holds",
                Map.of("categoryId", "floor", "quantity", 1, "requestId", "r-last-ticket"), Http.bearer(admission));
        assertThat(hold.status()).as(hold.body()).isEqualTo(201);

        for (int i = 0; i < waiting.size(); i++) {
            for (Http.Response status : List.of(b.http.get(queue(eventId), waiting.get(i).auth()),
                    placeStatus(a, eventId, places.get(i)))) {
                assertThat(status.json().get("state").asText()).isEqualTo("SOLD_OUT");
                assertThat(status.json().get("pollAfterMillis").asLong()).isBetween(2_000L, 25_000L);
            }
        }
    }
}
