package dev.floodgate.edge.queue;

import dev.floodgate.edge.support.Http;
import dev.floodgate.edge.support.Race;
import dev.floodgate.edge.support.RunningEdge;
import dev.floodgate.edge.support.TestGrid;
import dev.floodgate.engines.fixture.Engines;
import dev.floodgate.engines.fixture.MutableClock;
import dev.floodgate.engines.fixture.SharedEngines;
import dev.floodgate.grid.queue.QueueState;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two edges answering status from their own copies of the queue state ({@code queue.state-max-age-millis} 1 s) and
 * of fans' tickets: answers lag the grid by less than the maximum age and never more; admission still follows the
 * rate when every read is served from copies; news and leaves reach the other edge's copies at once; a fan whose
 * spot is gone is never admitted from a stale ticket.
 */
@ExtendWith(SharedEngines.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CachedStatusTest {
    private static final Duration MAX_AGE = Duration.ofSeconds(1);

    private final MutableClock clock = MutableClock.startingNow();
    private RunningEdge a;
    private RunningEdge b;

    @BeforeAll
    void start(Engines engines) {
        Map<String, String> copies = Map.of("queue.state-max-age-millis", Long.toString(MAX_AGE.toMillis()));
        a = new RunningEdge(engines, copies, clock);
        b = new RunningEdge(engines, copies, clock);
    }

    @AfterAll
    void stop() {
        a.close();
        b.close();
    }

    private RunningEdge edge(int i) {
        return i % 2 == 0 ? a : b;
    }

    private static String queue(String eventId) {
        return "/api/events/" + eventId + "/queue";
    }

    @Test
    void answersLagTheGridByLessThanTheMaximumAgeAndTheRateHoldsThroughBothEdges() throws Exception {
        String eventId = TestGrid.uniqueEventId("copies");
        a.createEvent(eventId, 1000, 2, 60, 5);   // 5 every 5 s
        a.queueAction(eventId, "open");
        List<RunningEdge.SignedUp> fans = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            fans.add(edge(i).signUp());
            assertThat(edge(i).http.post(queue(eventId), null, fans.get(i).auth()).status()).isEqualTo(201);
        }
        // Opening batch: fan 1 (the only one waiting then), admitted by its own join. An edge's copy may be from
        // before that (the opening); once it is the maximum age old, both edges see it.
        clock.advance(MAX_AGE);
        assertThat(admitted(eventId, fans)).isEqualTo(1);
        clock.advance(Duration.ofMillis(3_999));
        assertThat(admitted(eventId, fans)).as("copies refreshed: nothing new due yet").isEqualTo(1);
        clock.advance(Duration.ofMillis(1));
        // The second batch is due now, but every edge's copy is 1 ms old: answers may lag, by less than 1 s.
        assertThat(admitted(eventId, fans)).isEqualTo(1);
        clock.advance(MAX_AGE.minusMillis(2));
        assertThat(admitted(eventId, fans)).isEqualTo(1);
        clock.advance(Duration.ofMillis(1));
        // Copies exactly the maximum age old are not used: the grid admits the due batch, and no more.
        assertThat(admitted(eventId, fans)).isEqualTo(6);
        clock.advance(Duration.ofSeconds(5));
        List<String> states = states(eventId, fans);
        assertThat(states.subList(0, 11)).containsOnly("ADMITTED");
        assertThat(states.get(11)).isEqualTo("WAITING");
    }

    @Test
    void oneFanRacingJoinsThroughBothEdgesGetsOneSpot() throws Exception {
        String eventId = TestGrid.uniqueEventId("copies");
        a.createEvent(eventId, 100, 2, 60, 10);
        RunningEdge.SignedUp fan = a.signUp();
        List<Callable<Http.Response>> joins = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            RunningEdge edge = edge(i);
            joins.add(() -> edge.http.post(queue(eventId), null, fan.auth()));
        }
        List<Http.Response> answers = Race.all(16, joins);
        assertThat(answers.stream().filter(r -> r.status() == 201).count()).isEqualTo(1);
        assertThat(answers.stream().map(r -> r.json().get("ticket").asLong()).distinct().count()).isEqualTo(1);
        assertThat(b.http.get("/api/operator/events/" + eventId + "/figures", b.operatorAuth()).json()
                .get("joined").asLong()).isEqualTo(1);
    }

    @Test
    void aPauseThroughOneEdgeReachesTheOtherEdgesCopyWithoutWaitingForItsAge() {
        String eventId = TestGrid.uniqueEventId("copies");
        a.createEvent(eventId, 1000, 2, 60, 1);
        a.queueAction(eventId, "open");
        RunningEdge.SignedUp first = a.signUp();
        RunningEdge.SignedUp second = a.signUp();
        a.http.post(queue(eventId), null, first.auth());
        a.http.post(queue(eventId), null, second.auth());
        assertThat(state(b, eventId, second)).isEqualTo("WAITING");
        a.queueAction(eventId, "pause");
        // The clock does not move: only the news (grid topic) can make b read the grid again.
        assertThat(eventually(() -> state(b, eventId, second), "PAUSED")).isEqualTo("PAUSED");
    }

    @Test
    void aLeaveThroughOneEdgeDropsTheOtherEdgesTicket() {
        String eventId = TestGrid.uniqueEventId("copies");
        a.createEvent(eventId, 1000, 2, 60, 1);
        a.queueAction(eventId, "open");
        RunningEdge.SignedUp fan = a.signUp();
        a.http.post(queue(eventId), null, a.signUp().auth());
        a.http.post(queue(eventId), null, fan.auth());
        assertThat(b.http.get(queue(eventId), fan.auth()).status()).isEqualTo(200);
        assertThat(a.http.delete(queue(eventId), fan.auth()).status()).isEqualTo(204);
        assertThat(eventually(() -> b.http.get(queue(eventId), fan.auth()).status(), 404)).isEqualTo(404);
    }

    @Test
    void aFanWhoseSpotIsGoneIsNeverAdmittedFromAStaleTicket() {
        String eventId = TestGrid.uniqueEventId("copies");
        a.createEvent(eventId, 1000, 2, 60, 1);
        a.queueAction(eventId, "open");
        RunningEdge.SignedUp fan = a.signUp();
        a.http.post(queue(eventId), null, a.signUp().auth());
        a.http.post(queue(eventId), null, fan.auth());
        assertThat(b.http.get(queue(eventId), fan.auth()).json().path("state").asText()).isEqualTo("WAITING");
        // The spot disappears without the leave message (as if it were lost): b still has the ticket.
        b.grid.hazelcast().<String, Integer>getMap(QueueState.spotsMap(eventId)).delete(fan.fanId());
        clock.advance(Duration.ofSeconds(2));   // the fan's place comes up
        Http.Response status = b.http.get(queue(eventId), fan.auth());
        assertThat(status.status()).as(status.body()).isEqualTo(404);
        assertThat(status.json().path("admissionToken").isMissingNode()).isTrue();
    }

    // ---- helpers ----

    /** Fans admitted as every one of three concurrent rounds through both edges sees it (all rounds agree). */
    private long admitted(String eventId, List<RunningEdge.SignedUp> fans) throws Exception {
        List<String> all = allStates(eventId, fans);
        List<Long> perRound = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            perRound.add(all.subList(round * fans.size(), (round + 1) * fans.size()).stream()
                    .filter("ADMITTED"::equals).count());
        }
        assertThat(perRound).as("every read of the round agrees").containsOnly(perRound.get(0));
        return perRound.get(0);
    }

    private List<String> states(String eventId, List<RunningEdge.SignedUp> fans) throws Exception {
        List<String> all = allStates(eventId, fans);
        return all.subList(all.size() - fans.size(), all.size());
    }

    private static String state(RunningEdge edge, String eventId, RunningEdge.SignedUp fan) {
        Http.Response res = edge.http.get(queue(eventId), fan.auth());
        if (res.status() != 200) {
            throw new AssertionError(res.status() + " " + res.body());
        }
        return res.json().get("state").asText();
    }

    /** Every fan's state in three rounds, read through both edges by 16 threads at once. */
    private List<String> allStates(String eventId, List<RunningEdge.SignedUp> fans) throws Exception {
        List<Callable<String>> reads = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < fans.size(); i++) {
                RunningEdge.SignedUp fan = fans.get(i);
                RunningEdge edge = edge(i + round);
                reads.add(() -> state(edge, eventId, fan));
            }
        }
        return Race.all(16, reads);
    }

    private static <T> T eventually(Supplier<T> read, T expected) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        T last = read.get();
        while (!expected.equals(last) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            last = read.get();
        }
        return last;
    }
}
