package dev.floodgate.grid;

import dev.floodgate.engines.fixture.MutableClock;
import dev.floodgate.grid.catalog.CategoryInfo;
import dev.floodgate.grid.catalog.EventInfo;
import dev.floodgate.grid.hold.HoldResult;
import dev.floodgate.grid.hold.HoldStatus;
import dev.floodgate.grid.inventory.Inventory;
import dev.floodgate.grid.stripe.StockCounters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Holds on a real embedded Hazelcast member. Each test uses its own event, so they do not interfere. */
class InventoryTest {
    private static final Duration TTL = Duration.ofMinutes(10);
    private static final MutableClock clock = new MutableClock(Instant.ofEpochMilli(1_800_000_000_000L));
    private static Grid grid;
    private static Inventory inventory;

    @BeforeAll
    static void start() {
        grid = Grid.start(new GridSettings("inventory-test-" + UUID.randomUUID(), GridSettings.Role.MEMBER,
                List.of(), 0, 1, Duration.ofHours(1)), Grid.DEFAULT_STRIPES, clock);
        inventory = grid.inventory();
    }

    @AfterAll
    static void stop() {
        grid.close();
    }

    private static String newEvent(int capacity) {
        String eventId = "ev-" + UUID.randomUUID().toString().substring(0, 8);
        EventInfo event = new EventInfo(eventId, "Test", 0, 4, TTL.toMillis(),
                List.of(new CategoryInfo("ga", "General", capacity, 5000, "EUR")));
        grid.catalog().add(event);
        inventory.stock(event);
        return eventId;
    }

    private static HoldResult hold(String eventId, String fan, int quantity) {
        return inventory.hold(eventId, "ga", fan, UUID.randomUUID().toString(), quantity, TTL);
    }

    @Test
    void aHoldTakesUnitsFromAvailable() {
        String ev = newEvent(10);
        HoldResult result = hold(ev, "fan-1", 3);
        assertThat(result.done()).isTrue();
        assertThat(inventory.counters(ev, "ga")).isEqualTo(new StockCounters(10, 7, 3, 0));
    }

    @Test
    void theSameRequestTwiceReturnsTheSameHold() {
        String ev = newEvent(10);
        HoldResult first = inventory.hold(ev, "ga", "fan-1", "req-1", 2, TTL);
        HoldResult again = inventory.hold(ev, "ga", "fan-1", "req-1", 2, TTL);
        assertThat(again.hold().holdId()).isEqualTo(first.hold().holdId());
        assertThat(inventory.counters(ev, "ga").held()).isEqualTo(2);
    }

    @Test
    void aHoldLargerThanWhatIsLeftTakesNothing() {
        String ev = newEvent(2);
        assertThat(hold(ev, "fan-1", 3).outcome()).isEqualTo(HoldResult.Outcome.NOT_ENOUGH_STOCK);
        assertThat(inventory.counters(ev, "ga")).isEqualTo(new StockCounters(2, 2, 0, 0));
    }

    @Test
    void racingFansNeverHoldMoreThanCapacity() throws Exception {
        int capacity = 100;
        String ev = newEvent(capacity);
        int fans = 400;
        ExecutorService pool = Executors.newFixedThreadPool(16);
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger granted = new AtomicInteger();
        try {
            List<Future<?>> futures = new java.util.ArrayList<>();
            for (int i = 0; i < fans; i++) {
                String fan = "fan-" + i;
                futures.add(pool.submit(() -> {
                    start.await();
                    if (hold(ev, fan, 1 + (fan.hashCode() & 1)).done()) {
                        granted.incrementAndGet();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        StockCounters counters = inventory.counters(ev, "ga");
        assertThat(counters.held()).isLessThanOrEqualTo(capacity);
        assertThat(counters.available()).isLessThanOrEqualTo(1); // only a lone unit can be left when asks are 1 or 2
        assertThat(counters.available() + counters.held() + counters.sold()).isEqualTo(capacity);
    }

    @Test
    void releasingAHoldReturnsItsUnits() {
        String ev = newEvent(10);
        HoldResult held = hold(ev, "fan-1", 4);
        assertThat(inventory.release(ev, held.hold().holdId(), "fan-1").done()).isTrue();
        assertThat(inventory.counters(ev, "ga")).isEqualTo(new StockCounters(10, 10, 0, 0));
    }

    @Test
    void anotherFanCannotReleaseAHold() {
        String ev = newEvent(10);
        HoldResult held = hold(ev, "fan-1", 1);
        assertThat(inventory.release(ev, held.hold().holdId(), "fan-2").outcome())
                .isEqualTo(HoldResult.Outcome.NOT_YOURS);
        assertThat(inventory.counters(ev, "ga").held()).isEqualTo(1);
    }

    @Test
    void anExpiredHoldReturnsToStockExactlyOnce() {
        String ev = newEvent(10);
        hold(ev, "fan-1", 2);
        clock.advance(TTL.plusSeconds(1));
        grid.expiry().orElseThrow().sweep();
        grid.expiry().orElseThrow().sweep();
        assertThat(inventory.counters(ev, "ga")).isEqualTo(new StockCounters(10, 10, 0, 0));
    }

    @Test
    void aHoldInCheckoutOutlivesItsHoldTimeAndBecomesSold() {
        String ev = newEvent(10);
        HoldResult held = hold(ev, "fan-1", 2);
        String holdId = held.hold().holdId();
        assertThat(inventory.markInCheckout(ev, holdId, "fan-1", "order-1", Duration.ofMinutes(30)).done()).isTrue();
        clock.advance(TTL.plusSeconds(1));
        grid.expiry().orElseThrow().sweep();
        assertThat(inventory.find(ev, holdId).orElseThrow().status()).isEqualTo(HoldStatus.IN_CHECKOUT);

        assertThat(inventory.markSold(ev, holdId, "order-1").done()).isTrue();
        assertThat(inventory.markSold(ev, holdId, "order-1").done()).isTrue();
        assertThat(inventory.counters(ev, "ga")).isEqualTo(new StockCounters(10, 8, 0, 2));
    }

    @Test
    void releasingForAnOrderTwiceReturnsTheUnitsOnce() {
        String ev = newEvent(10);
        String holdId = hold(ev, "fan-1", 3).hold().holdId();
        inventory.markInCheckout(ev, holdId, "fan-1", "order-2", Duration.ofMinutes(30));
        assertThat(inventory.releaseForOrder(ev, holdId, "order-2").done()).isTrue();
        assertThat(inventory.releaseForOrder(ev, holdId, "order-2").done()).isTrue();
        assertThat(inventory.counters(ev, "ga")).isEqualTo(new StockCounters(10, 10, 0, 0));
    }

    @Test
    void anotherOrderCannotSellAHoldInCheckout() {
        String ev = newEvent(10);
        String holdId = hold(ev, "fan-1", 1).hold().holdId();
        inventory.markInCheckout(ev, holdId, "fan-1", "order-a", Duration.ofMinutes(30));
        assertThat(inventory.markSold(ev, holdId, "order-b").outcome()).isEqualTo(HoldResult.Outcome.WRONG_STATE);
        assertThat(inventory.counters(ev, "ga").sold()).isZero();
    }

    @Test
    void aMalformedHoldIdIsNotFound() {
        String ev = newEvent(10);
        assertThat(inventory.release(ev, "nonsense", "fan-1").outcome()).isEqualTo(HoldResult.Outcome.NOT_FOUND);
        assertThat(inventory.find(ev, "ga.99." + UUID.randomUUID())).isEmpty();
    }
}
