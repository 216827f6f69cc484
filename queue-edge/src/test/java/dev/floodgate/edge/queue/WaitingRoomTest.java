package dev.floodgate.edge.queue;

import dev.floodgate.contracts.error.ApiException;
import dev.floodgate.edge.support.TestGrid;
import dev.floodgate.engines.fixture.MutableClock;
import dev.floodgate.grid.queue.QueueState;
import dev.floodgate.grid.queue.QueueStatus;
import dev.floodgate.grid.queue.Shuffle;
import dev.floodgate.grid.stripe.StockCounters;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
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
    private final Map<String, StockCounters> stock = new ConcurrentHashMap<>();
    private final WaitingRoom room = new WaitingRoom(TestGrid.member(), clock, WINDOW, new QueueMetrics(),
            eventId -> Optional.ofNullable(stock.get(eventId)), 0.25);

    /** A queue of 60 fans a minute in batches of 10 (one batch every 10 s). */
    private String newQueue() {
        String eventId = TestGrid.uniqueEventId("room");
        room.create(eventId, 60, 10);
        return eventId;
    }

    /** 10 tickets, fans fan-1..fan-15 joined an open queue, one batch interval later (fan-1..fan-10 admitted). */
    private String tenTicketsFifteenFansTenAdmitted() {
        String eventId = newQueue();
        stock.put(eventId, new StockCounters(10, 10, 0, 0));
        room.move(eventId, QueueStatus.OPEN);
        for (int i = 1; i <= 15; i++) {
            room.join(eventId, "fan-" + i);
        }
        clock.advance(Duration.ofSeconds(10));
        return eventId;
    }

    @Test
    void joiningTwiceGivesTheSameSpot() {
        String eventId = newQueue();
        FanPlace first = room.join(eventId, "fan-a");
        FanPlace second = room.join(eventId, "fan-a");
        assertThat(first.newlyJoined()).isTrue();
        assertThat(second.newlyJoined()).isFalse();
        assertThat(second.ticket()).isEqualTo(first.ticket());
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
            List<Long> tickets = new ArrayList<>();
            for (Future<FanPlace> result : results) {
                tickets.add(result.get().ticket());
            }
            assertThat(tickets).containsOnly(tickets.getFirst());
            assertThat(results.stream().filter(r -> r.resultNow().newlyJoined()).count()).isEqualTo(1);
        }
        assertThat(room.state(eventId).orElseThrow().joined()).isEqualTo(1);
        room.join(eventId, "next-fan");
        assertThat(room.state(eventId).orElseThrow().joined()).isEqualTo(2);
    }

    @Test
    void earlyFansGetTheSeededShuffleAtOpeningAndLaterFansQueueBehindInJoinOrder() {
        String eventId = newQueue();
        QueueState before = room.state(eventId).orElseThrow();
        assertThat(before.revealedSeed()).isNull();
        for (int i = 1; i <= 30; i++) {
            FanPlace early = room.join(eventId, "early-" + i);
            assertThat(early.state()).isEqualTo(FanPlace.FanState.PRE_QUEUE);
            assertThat(early.place()).isNull();
            assertThat(early.ticket()).isEqualTo(i);
        }
        QueueState opened = room.move(eventId, QueueStatus.OPEN);
        byte[] seed = opened.revealedSeed();
        assertThat(Shuffle.commitment(seed)).isEqualTo(before.commitment());
        assertThat(opened.preQueueSize()).isEqualTo(30);

        Shuffle shuffle = new Shuffle(seed, 30);
        List<Long> places = new ArrayList<>();
        for (int i = 1; i <= 30; i++) {
            long place = room.status(eventId, "early-" + i).place();
            assertThat(place).isEqualTo(shuffle.shuffledIndex(i - 1) + 1);
            places.add(place);
        }
        assertThat(new HashSet<>(places)).hasSize(30);
        assertThat(places).isNotEqualTo(java.util.stream.LongStream.rangeClosed(1, 30).boxed().toList());
        for (int i = 1; i <= 5; i++) {
            FanPlace late = room.join(eventId, "late-" + i);
            assertThat(late.place()).isEqualTo(30 + i);
            assertThat(late.fansAhead()).isEqualTo(30 + i - 10 - 1);
        }
        // The published order lists the tickets by place.
        long[] order = room.shuffledTickets(room.state(eventId).orElseThrow(), 1, 100);
        assertThat(order).hasSize(30);
        for (int p = 1; p <= 30; p++) {
            assertThat(shuffle.shuffledIndex(order[p - 1] - 1) + 1).isEqualTo(p);
        }
    }

    @Test
    void admissionFollowsTheQueueAtTheConfiguredRate() {
        String eventId = newQueue();
        room.move(eventId, QueueStatus.OPEN);
        for (int i = 1; i <= 25; i++) {
            assertThat(room.join(eventId, "fan-" + i).place()).isEqualTo(i);
        }
        // The opening batch was due when the first fan came: they are in at once, the rest wait their batch.
        assertThat(room.status(eventId, "fan-1").state()).isEqualTo(FanPlace.FanState.ADMITTED);
        assertThat(room.status(eventId, "fan-2").fansAhead()).isZero();
        clock.advance(Duration.ofSeconds(10));
        assertThat(room.status(eventId, "fan-11").state()).isEqualTo(FanPlace.FanState.ADMITTED);
        FanPlace twelfth = room.status(eventId, "fan-12");
        assertThat(twelfth.state()).isEqualTo(FanPlace.FanState.WAITING);
        assertThat(twelfth.fansAhead()).isZero();
        assertThat(twelfth.estimatedWaitSeconds()).isEqualTo(10);
        assertThat(room.status(eventId, "fan-25").fansAhead()).isEqualTo(13);

        clock.advance(Duration.ofMillis(9_999));
        assertThat(room.status(eventId, "fan-12").state()).isEqualTo(FanPlace.FanState.WAITING);
        clock.advance(Duration.ofMillis(1));
        assertThat(room.status(eventId, "fan-21").state()).isEqualTo(FanPlace.FanState.ADMITTED);
        assertThat(room.status(eventId, "fan-22").state()).isEqualTo(FanPlace.FanState.WAITING);
        clock.advance(Duration.ofSeconds(10));
        assertThat(room.status(eventId, "fan-25").state()).isEqualTo(FanPlace.FanState.ADMITTED);
    }

    @Test
    void theAdmissionWindowRunsFromAdmissionSoANoShowLosesThePlaceAndPollingDoesNotExtendIt() {
        String eventId = newQueue();
        room.join(eventId, "fan-a");
        room.join(eventId, "no-show");
        room.move(eventId, QueueStatus.OPEN);
        FanPlace admitted = room.status(eventId, "fan-a");
        assertThat(admitted.state()).isEqualTo(FanPlace.FanState.ADMITTED);
        assertThat(admitted.admissionExpiresAt().toEpochMilli() - clock.millis())
                .isBetween(WINDOW.toMillis() - 1000, WINDOW.toMillis() + WINDOW.toMillis() / 29 + 1000);

        clock.advance(Duration.ofMinutes(5));
        assertThat(room.status(eventId, "fan-a").admissionExpiresAt()).isEqualTo(admitted.admissionExpiresAt());
        clock.advance(Duration.ofMinutes(6));
        assertThat(room.status(eventId, "fan-a").state()).isEqualTo(FanPlace.FanState.ADMISSION_EXPIRED);
        assertThat(room.status(eventId, "no-show").state()).isEqualTo(FanPlace.FanState.ADMISSION_EXPIRED);
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
        long admitted = room.state(eventId).orElseThrow().admittedUpTo();
        assertThat(admitted).isEqualTo(10);
        room.move(eventId, QueueStatus.OPEN);
        assertThat(room.state(eventId).orElseThrow().admittedUpTo()).isEqualTo(15);
    }

    @Test
    void soldOutRefusesNewFansTellsWaitingOnesAndAdmissionResumesWhenStockReturns() {
        String eventId = tenTicketsFifteenFansTenAdmitted();
        assertThat(room.status(eventId, "fan-10").state()).isEqualTo(FanPlace.FanState.ADMITTED);
        assertThat(room.status(eventId, "fan-11").chance()).isLessThan(0.5);

        stock.put(eventId, new StockCounters(10, 0, 10, 0));
        assertThat(room.status(eventId, "fan-11").state()).isEqualTo(FanPlace.FanState.SOLD_OUT);
        assertThatThrownBy(() -> room.join(eventId, "late"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.getMessage()).startsWith("sold out");
                });

        // The admitted fans' holds run out and go back to stock after their admissions ended.
        clock.advance(WINDOW.plusMinutes(1));
        stock.put(eventId, new StockCounters(10, 10, 0, 0));
        assertThat(room.status(eventId, "fan-11").state()).isEqualTo(FanPlace.FanState.ADMITTED);
    }

    @Test
    void holdsThatRunOutWhileTheirShoppersAreStillAdmittedGoToTheNextFansNotAfterTheWindow() {
        String eventId = tenTicketsFifteenFansTenAdmitted();
        for (int i = 1; i <= 10; i++) {
            assertThat(room.status(eventId, "fan-" + i).state()).isEqualTo(FanPlace.FanState.ADMITTED);
            room.tookStock(eventId, "fan-" + i);
        }
        stock.put(eventId, new StockCounters(10, 0, 10, 0));
        // Four walk away: their holds expire well inside their admission window, and four tickets are on sale again.
        clock.advance(Duration.ofSeconds(30));
        stock.put(eventId, new StockCounters(10, 4, 6, 0));
        clock.advance(Duration.ofSeconds(10));
        for (int i = 11; i <= 14; i++) {
            assertThat(room.status(eventId, "fan-" + i).state()).isEqualTo(FanPlace.FanState.ADMITTED);
        }
        assertThat(room.status(eventId, "fan-15").state()).isEqualTo(FanPlace.FanState.WAITING);
    }

    @Test
    void aShopperWhoTookStockAndLeftFreesNothingTwice() {
        String eventId = tenTicketsFifteenFansTenAdmitted();
        room.status(eventId, "fan-1");
        room.tookStock(eventId, "fan-1");
        room.tookStock(eventId, "fan-1");
        long now = clock.millis();
        assertThat(room.state(eventId).orElseThrow().awaitingTake(now)).isEqualTo(9);
        room.leave(eventId, "fan-1");
        QueueState after = room.state(eventId).orElseThrow();
        assertThat(after.awaitingTake(now)).isEqualTo(9);
        assertThat(after.active(now)).isEqualTo(9);
    }

    @Test
    void aFanWhoLeavesLosesTheSpotAndMayJoinAgainAtTheBack() {
        String eventId = newQueue();
        room.move(eventId, QueueStatus.OPEN);
        room.join(eventId, "fan-a");
        room.join(eventId, "fan-b");
        assertThat(room.leave(eventId, "fan-a")).isTrue();
        assertThat(room.leave(eventId, "fan-a")).isFalse();
        assertThat(room.join(eventId, "fan-a").ticket()).isEqualTo(3);
        assertThat(room.state(eventId).orElseThrow().left()).isEqualTo(1);
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
