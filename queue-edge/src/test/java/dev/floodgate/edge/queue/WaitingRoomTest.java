package dev.floodgate.edge.queue;

import dev.floodgate.grid.queue.QueueState;
import dev.floodgate.grid.queue.QueueStatus;

import dev.floodgate.contracts.error.ApiException;
import dev.floodgate.edge.support.MutableClock;
import dev.floodgate.edge.support.TestGrid;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The waiting room on a real Hazelcast member, with time moved by hand. */
class WaitingRoomTest {
    private static final Duration WINDOW = Duration.ofMinutes(10);

    private final MutableClock clock = MutableClock.startingNow();
    private final WaitingRoom room = new WaitingRoom(TestGrid.member(), clock, WINDOW, new QueueMetrics());

    /** A queue of 60 fans a minute in batches of 10 (one batch every 10 s). */
    private String newQueue() {
        String eventId = TestGrid.uniqueEventId("room");
        room.create(eventId, 60, 10);
        return eventId;
    }

    @Test
    void joiningTwiceGivesTheSameSpot() {
        String eventId = newQueue();
        FanPlace first = room.join(eventId, "fan-a");
        FanPlace second = room.join(eventId, "fan-a");
        assertThat(first.newlyJoined()).isTrue();
        assertThat(second.newlyJoined()).isFalse();
        assertThat(second.position()).isEqualTo(first.position());
        assertThat(room.state(eventId).orElseThrow().joined()).isEqualTo(1);
    }

    @Test
    void concurrentJoinsOfOneFanGiveOneSpotAndAdmitOnlyThatOne() throws Exception {
        String eventId = newQueue();
        int racers = 32;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<FanPlace>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(racers)) {
            for (int i = 0; i < racers; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return room.join(eventId, "racing-fan");
                }));
            }
            start.countDown();
            List<Long> positions = new ArrayList<>();
            for (Future<FanPlace> result : results) {
                positions.add(result.get().position());
            }
            assertThat(positions).containsOnly(positions.getFirst());
            assertThat(results.stream().filter(r -> r.resultNow().newlyJoined()).count()).isEqualTo(1);
        }
        QueueState state = room.state(eventId).orElseThrow();
        assertThat(state.joined()).isEqualTo(1);
        room.join(eventId, "next-fan");
        assertThat(room.state(eventId).orElseThrow().joined()).isEqualTo(2);
    }

    @Test
    void fansAreAdmittedInPositionOrderAtTheConfiguredRate() {
        String eventId = newQueue();
        for (int i = 1; i <= 25; i++) {
            assertThat(room.join(eventId, "fan-" + i).position()).isEqualTo(i);
        }
        assertThat(room.status(eventId, "fan-1").state()).isEqualTo(FanPlace.FanState.PRE_QUEUE);

        room.move(eventId, QueueStatus.OPEN);
        assertThat(room.status(eventId, "fan-10").state()).isEqualTo(FanPlace.FanState.ADMITTED);
        FanPlace eleventh = room.status(eventId, "fan-11");
        assertThat(eleventh.state()).isEqualTo(FanPlace.FanState.WAITING);
        assertThat(eleventh.fansAhead()).isZero();
        assertThat(eleventh.estimatedWaitSeconds()).isEqualTo(10);
        assertThat(room.status(eventId, "fan-25").fansAhead()).isEqualTo(14);

        clock.advance(Duration.ofMillis(9_999));
        assertThat(room.status(eventId, "fan-11").state()).isEqualTo(FanPlace.FanState.WAITING);
        clock.advance(Duration.ofMillis(1));
        assertThat(room.status(eventId, "fan-20").state()).isEqualTo(FanPlace.FanState.ADMITTED);
        assertThat(room.status(eventId, "fan-21").state()).isEqualTo(FanPlace.FanState.WAITING);
        clock.advance(Duration.ofSeconds(10));
        assertThat(room.status(eventId, "fan-25").state()).isEqualTo(FanPlace.FanState.ADMITTED);
        assertThat(room.state(eventId).orElseThrow().admittedUpTo()).isEqualTo(25);
    }

    @Test
    void theAdmissionWindowRunsFromTheFirstReadAfterAdmissionAndPollingDoesNotExtendIt() {
        String eventId = newQueue();
        room.join(eventId, "fan-a");
        room.move(eventId, QueueStatus.OPEN);
        FanPlace admitted = room.status(eventId, "fan-a");
        assertThat(admitted.state()).isEqualTo(FanPlace.FanState.ADMITTED);

        clock.advance(WINDOW.minusSeconds(1));
        assertThat(room.status(eventId, "fan-a").admissionExpiresAt()).isEqualTo(admitted.admissionExpiresAt());
        clock.advance(Duration.ofSeconds(1));
        assertThat(room.status(eventId, "fan-a").state()).isEqualTo(FanPlace.FanState.ADMISSION_EXPIRED);
    }

    @Test
    void aPausedQueueAdmitsNobodyUntilResumed() {
        String eventId = newQueue();
        for (int i = 1; i <= 15; i++) {
            room.join(eventId, "fan-" + i);
        }
        room.move(eventId, QueueStatus.OPEN);
        room.move(eventId, QueueStatus.PAUSED);
        clock.advance(Duration.ofMinutes(5));
        assertThat(room.status(eventId, "fan-11").state()).isEqualTo(FanPlace.FanState.PAUSED);
        room.move(eventId, QueueStatus.OPEN);
        assertThat(room.status(eventId, "fan-15").state()).isEqualTo(FanPlace.FanState.ADMITTED);
    }

    @Test
    void aClosedQueueRefusesNewFans() {
        String eventId = newQueue();
        room.move(eventId, QueueStatus.CLOSED);
        assertThatThrownBy(() -> room.join(eventId, "late-fan"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(409));
    }

    @Test
    void anEventWithoutAQueueCannotBeJoined() {
        assertThatThrownBy(() -> room.join("no-such-event", "fan-a"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(404));
    }

    @Test
    void aFanWhoNeverJoinedHasNoStatus() {
        String eventId = newQueue();
        assertThatThrownBy(() -> room.status(eventId, "stranger"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(404));
    }

    @Test
    void creatingAnExistingQueueKeepsIt() {
        String eventId = newQueue();
        room.join(eventId, "fan-a");
        assertThat(room.create(eventId, 1000, 1000).joined()).isEqualTo(1);
    }
}
