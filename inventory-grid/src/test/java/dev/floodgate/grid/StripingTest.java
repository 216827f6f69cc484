package dev.floodgate.grid;

import com.hazelcast.map.IMap;
import dev.floodgate.engines.fixture.MutableClock;
import dev.floodgate.grid.catalog.CategoryInfo;
import dev.floodgate.grid.catalog.EventInfo;
import dev.floodgate.grid.hold.HoldResult;
import dev.floodgate.grid.inventory.CapacityChange;
import dev.floodgate.grid.inventory.CategoryStock;
import dev.floodgate.grid.inventory.Inventory;
import dev.floodgate.grid.stripe.HoldProcessors;
import dev.floodgate.grid.stripe.Lent;
import dev.floodgate.grid.stripe.StockCounters;
import dev.floodgate.grid.stripe.StockKey;
import dev.floodgate.grid.stripe.Stripe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** Stripes that lend each other stock, the per-fan limit, capacity edits: one real member, a clock we move. */
class StripingTest {
    private static final Duration TTL = Duration.ofMinutes(10);
    private static final MutableClock clock = new MutableClock(Instant.ofEpochMilli(1_800_000_000_000L));
    private static Grid grid;
    private static Inventory inventory;

    @BeforeAll
    static void start() {
        grid = Grid.start(Cluster.member(Cluster.name("striping"), Cluster.freePorts(1), 0), 8, clock);
        inventory = grid.inventory();
    }

    @AfterAll
    static void stop() {
        grid.close();
    }

    private static String newEvent(int capacity, int stripes, int maxPerFan) {
        String eventId = "ev-" + UUID.randomUUID().toString().substring(0, 8);
        EventInfo event = new EventInfo(eventId, "Test", 0, maxPerFan, TTL.toMillis(),
                List.of(new CategoryInfo("ga", "General", capacity, 5000, "EUR", stripes)));
        grid.catalog().add(event);
        inventory.stock(event);
        return eventId;
    }

    private static HoldResult hold(String eventId, String fan, int quantity) {
        return inventory.hold(eventId, "ga", fan, UUID.randomUUID().toString(), quantity, TTL);
    }

    @Test
    void theCatalogRecordsTheStripeCountOfEachCategory() {
        String big = "ev-" + UUID.randomUUID().toString().substring(0, 8);
        grid.catalog().add(new EventInfo(big, "Big", 0, 4, TTL.toMillis(), List.of(
                new CategoryInfo("ga", "General", 10_000, 5000, "EUR"),
                new CategoryInfo("vip", "VIP", 20, 9000, "EUR"))));
        EventInfo stored = grid.catalog().find(big).orElseThrow();
        assertThat(stored.category("ga").orElseThrow().stripes()).isEqualTo(8);
        assertThat(stored.category("vip").orElseThrow().stripes()).isEqualTo(1); // too small to stripe
    }

    @Test
    void aHoldLargerThanItsStripeBorrowsFromTheOthers() {
        String ev = newEvent(16, 8, 4); // 2 units a stripe
        HoldResult result = hold(ev, "fan-1", 4);
        assertThat(result.done()).isTrue();
        assertThat(inventory.audit(ev, "ga")).isEqualTo(new StockCounters(16, 12, 4, 0));
    }

    @Test
    void soldOutOnlyWhenNoStripeHasStockLeft() {
        String ev = newEvent(37, 8, 4);
        int fan = 0;
        // Mixed sizes until one is refused, then single units: every unit must go, none twice.
        while (hold(ev, "fan-" + fan++, 1 + fan % 3).done()) {
            assertThat(fan).isLessThan(100);
        }
        while (hold(ev, "fan-" + fan++, 1).done()) {
            assertThat(fan).isLessThan(200);
        }
        assertThat(inventory.audit(ev, "ga")).isEqualTo(new StockCounters(37, 0, 37, 0));
        assertThat(hold(ev, "late-fan", 1).outcome()).isEqualTo(HoldResult.Outcome.NOT_ENOUGH_STOCK);
    }

    @Test
    void aRetriedRequestFindsItsHoldWhicheverStripeLentTheUnits() {
        String ev = newEvent(8, 8, 4); // 1 unit a stripe: any hold of 3 needs loans
        HoldResult first = inventory.hold(ev, "ga", "fan-1", "req-1", 3, TTL);
        HoldResult again = inventory.hold(ev, "ga", "fan-1", "req-1", 3, TTL);
        assertThat(first.done()).isTrue();
        assertThat(again.hold().holdId()).isEqualTo(first.hold().holdId());
        assertThat(inventory.audit(ev, "ga").held()).isEqualTo(3);
    }

    @Test
    void aLoanCutOffBeforeDeliveryIsCountedAndLandsExactlyOnce() {
        String ev = newEvent(80, 8, 4); // 10 a stripe
        IMap<StockKey, Stripe> stock = grid.hazelcast().getMap(Inventory.MAP);
        StockKey donor = new StockKey(ev, "ga", 3);
        StockKey receiver = new StockKey(ev, "ga", 5);
        // The borrower "dies" right after the donor recorded the loan: nothing was delivered.
        Lent lent = stock.executeOnKey(donor, new HoldProcessors.Lend("op-1", 5, 4));
        assertThat(lent.given()).isEqualTo(4);
        // A retry of the same call (the member answered, the caller did not hear) gives nothing more.
        assertThat(stock.executeOnKey(donor, new HoldProcessors.Lend("op-1", 5, 4)).given()).isZero();
        CategoryStock inFlight = inventory.figures(ev).getFirst();
        assertThat(inFlight.inTransit()).isEqualTo(4);
        assertThat(inventory.audit(ev, "ga")).isEqualTo(new StockCounters(80, 80, 0, 0));

        // Delivered twice, concurrently with the sweep's recovery: lands once.
        Inventory.deliver(stock, donor, 5, lent);
        Inventory.deliver(stock, donor, 5, lent);
        grid.expiry().orElseThrow().sweep();
        assertThat(stock.executeOnKey(receiver, new HoldProcessors.ReadCounters())).isEqualTo(
                new StockCounters(14, 14, 0, 0));
        assertThat(stock.executeOnKey(donor, new HoldProcessors.ReadCounters())).isEqualTo(
                new StockCounters(6, 6, 0, 0));
        assertThat(inventory.figures(ev).getFirst().inTransit()).isZero();
        assertThat(inventory.audit(ev, "ga")).isEqualTo(new StockCounters(80, 80, 0, 0));
    }

    @Test
    void aLoanWhoseBorrowerDiedIsDeliveredByTheSweep() {
        String ev = newEvent(80, 8, 4);
        IMap<StockKey, Stripe> stock = grid.hazelcast().getMap(Inventory.MAP);
        stock.executeOnKey(new StockKey(ev, "ga", 0), new HoldProcessors.Lend("op-2", 1, 10));
        stock.executeOnKey(new StockKey(ev, "ga", 2), new HoldProcessors.Lend("op-3", 1, 3));
        assertThat(inventory.figures(ev).getFirst().inTransit()).isEqualTo(13);
        grid.expiry().orElseThrow().sweep();
        assertThat(inventory.figures(ev).getFirst().inTransit()).isZero();
        assertThat(stock.executeOnKey(new StockKey(ev, "ga", 1), new HoldProcessors.ReadCounters()).available())
                .isEqualTo(23);
        assertThat(inventory.audit(ev, "ga")).isEqualTo(new StockCounters(80, 80, 0, 0));
    }

    @Test
    void aFanCannotHoldMoreThanTheLimitAcrossConcurrentRequests() throws Exception {
        String ev = newEvent(400, 8, 4);
        int units = race(24, i -> hold(ev, "greedy-fan", 1 + i % 2));
        assertThat(units).isBetween(3, 4);
        assertThat(inventory.counters(ev, "ga").held()).isEqualTo(units);
    }

    /**
     * Starts {@code requests} hold requests at once on 8 threads; each must be done or refused for the per-fan
     * limit. Answers the units held.
     */
    private static int race(int requests, java.util.function.IntFunction<HoldResult> request) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<HoldResult>> results = new ArrayList<>();
        try {
            for (int i = 0; i < requests; i++) {
                int n = i;
                results.add(pool.submit(() -> {
                    go.await();
                    return request.apply(n);
                }));
            }
            go.countDown();
            int units = 0;
            for (Future<HoldResult> f : results) {
                HoldResult r = f.get();
                if (r.done()) {
                    units += r.hold().quantity();
                } else {
                    assertThat(r.outcome()).isEqualTo(HoldResult.Outcome.LIMIT_REACHED);
                }
            }
            return units;
        } finally {
            pool.shutdownNow();
        }
    }

    private static String newTwoCategoryEvent(int maxPerFan) {
        String eventId = "ev-" + UUID.randomUUID().toString().substring(0, 8);
        EventInfo event = new EventInfo(eventId, "Two", 0, maxPerFan, TTL.toMillis(), List.of(
                new CategoryInfo("ga", "General", 400, 5000, "EUR", 8),
                new CategoryInfo("balcony", "Balcony", 400, 7000, "EUR", 4)));
        grid.catalog().add(event);
        inventory.stock(event);
        return eventId;
    }

    @Test
    void theLimitHoldsAcrossCategoriesWhenOneFanRacesForBoth() throws Exception {
        // "ga" holds are one step on the fan's home stripe, "balcony" holds reserve there first: one limit for both.
        for (int round = 0; round < 5; round++) {
            String ev = newTwoCategoryEvent(4);
            int units = race(24, i -> inventory.hold(ev, i % 2 == 0 ? "ga" : "balcony", "greedy-fan",
                    UUID.randomUUID().toString(), 1, TTL));
            assertThat(units).isEqualTo(4);
            assertThat(inventory.audit(ev, "ga").held() + inventory.audit(ev, "balcony").held()).isEqualTo(4);
        }
    }

    @Test
    void aHoldOfAnotherCategoryInCheckoutKeepsCountingPastItsHoldTimeUntilItsOrderEnds() {
        String ev = newTwoCategoryEvent(4);
        HoldResult balcony = inventory.hold(ev, "balcony", "fan-1", "r1", 3, TTL);
        assertThat(inventory.markInCheckout(ev, balcony.hold().holdId(), "fan-1", "order-1", TTL.multipliedBy(3))
                .done()).isTrue();
        clock.advance(TTL.plusSeconds(1));
        grid.expiry().orElseThrow().sweep();
        assertThat(inventory.hold(ev, "ga", "fan-1", "r2", 2, TTL).outcome())
                .isEqualTo(HoldResult.Outcome.LIMIT_REACHED);
        assertThat(inventory.releaseForOrder(ev, balcony.hold().holdId(), "order-1").done()).isTrue();
        assertThat(inventory.hold(ev, "ga", "fan-1", "r2", 4, TTL).done()).isTrue();
    }

    @Test
    void aFansRecordsTravelWithTheirHomeStripeWhenItIsCopied() {
        // IMap.get serialises the stripe and reads it back, as a migration or a new backup replica does.
        String ev = newTwoCategoryEvent(4);
        EventInfo event = grid.catalog().find(ev).orElseThrow();
        HoldResult ga = inventory.hold(ev, "ga", "fan-1", "r1", 1, TTL);
        HoldResult balcony = inventory.hold(ev, "balcony", "fan-1", "r2", 2, TTL);
        IMap<StockKey, Stripe> stock = grid.hazelcast().getMap(Inventory.MAP);
        Stripe copy = stock.get(Inventory.homeKey(event, "fan-1"));
        assertThat(copy.fanHolds("fan-1").entries()).extracting(e -> e.holdId(), e -> e.quantity())
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(ga.hold().holdId(), 1),
                        org.assertj.core.groups.Tuple.tuple(balcony.hold().holdId(), 2));
    }

    @Test
    void fansRecordsLiveInTheMostStripedCategoryNotInASmallFirstOne() {
        // A one-stripe VIP category listed first must not become every hold's hot key.
        String ev = "ev-" + UUID.randomUUID().toString().substring(0, 8);
        grid.catalog().add(new EventInfo(ev, "VIP first", 0, 4, TTL.toMillis(), List.of(
                new CategoryInfo("vip", "VIP", 20, 9000, "EUR"),
                new CategoryInfo("ga", "General", 10_000, 5000, "EUR"))));
        EventInfo event = grid.catalog().find(ev).orElseThrow();
        inventory.stock(event);
        java.util.Set<StockKey> homes = new java.util.HashSet<>();
        for (int i = 0; i < 200; i++) {
            homes.add(Inventory.homeKey(event, "fan-" + i));
        }
        assertThat(homes).extracting(StockKey::categoryId).containsOnly("ga");
        assertThat(homes).hasSize(8);
        assertThat(inventory.hold(ev, "vip", "fan-1", "r1", 3, TTL).done()).isTrue();
        assertThat(inventory.hold(ev, "ga", "fan-1", "r2", 2, TTL).outcome())
                .isEqualTo(HoldResult.Outcome.LIMIT_REACHED);
        assertThat(inventory.hold(ev, "ga", "fan-1", "r3", 1, TTL).done()).isTrue();
    }

    @Test
    void aRetryOfASoldHoldAnswersItWithoutCountingItAgainstTheFanAgain() {
        String ev = newEvent(100, 8, 4);
        HoldResult first = inventory.hold(ev, "ga", "fan-1", "r1", 4, TTL);
        String holdId = first.hold().holdId();
        assertThat(inventory.markInCheckout(ev, holdId, "fan-1", "order-1", TTL).done()).isTrue();
        assertThat(inventory.markSold(ev, holdId, "order-1").done()).isTrue();
        HoldResult retry = inventory.hold(ev, "ga", "fan-1", "r1", 4, TTL);
        assertThat(retry.done()).isTrue();
        assertThat(retry.hold().status()).isEqualTo(dev.floodgate.grid.hold.HoldStatus.SOLD);
        assertThat(inventory.hold(ev, "ga", "fan-1", "r2", 4, TTL).done()).isTrue();
    }

    @Test
    void theSweepDropsTheRecordsOfHoldsWhoseTimeHasPassed() {
        String ev = newTwoCategoryEvent(4);
        EventInfo event = grid.catalog().find(ev).orElseThrow();
        inventory.hold(ev, "ga", "fan-1", "r1", 1, TTL);
        inventory.hold(ev, "balcony", "fan-1", "r2", 2, TTL);
        clock.advance(TTL.plusSeconds(1));
        grid.expiry().orElseThrow().sweep();
        IMap<StockKey, Stripe> stock = grid.hazelcast().getMap(Inventory.MAP);
        assertThat(stock.get(Inventory.homeKey(event, "fan-1")).fanHolds("fan-1")).isNull();
        assertThat(inventory.audit(ev, "ga").available()).isEqualTo(400);
        assertThat(inventory.audit(ev, "balcony").available()).isEqualTo(400);
    }

    @Test
    void releasedOrExpiredHoldsNoLongerCountAgainstTheFan() {
        String ev = newEvent(100, 8, 4);
        HoldResult a = hold(ev, "fan-1", 3);
        assertThat(hold(ev, "fan-1", 2).outcome()).isEqualTo(HoldResult.Outcome.LIMIT_REACHED);
        assertThat(inventory.release(ev, a.hold().holdId(), "fan-1").done()).isTrue();
        HoldResult b = hold(ev, "fan-1", 4);
        assertThat(b.done()).isTrue();
        clock.advance(TTL.plusSeconds(1));
        grid.expiry().orElseThrow().sweep();
        assertThat(hold(ev, "fan-1", 4).done()).isTrue();
        assertThat(inventory.audit(ev, "ga")).isEqualTo(new StockCounters(100, 96, 4, 0));
    }

    @Test
    void capacityRisesAndFallsOnlyDownToWhatIsHeldOrSold() {
        String ev = newEvent(100, 8, 4);
        String holdId = hold(ev, "fan-1", 4).hold().holdId();
        inventory.markInCheckout(ev, holdId, "fan-1", "order-1", Duration.ofMinutes(15));
        inventory.markSold(ev, holdId, "order-1");
        hold(ev, "fan-2", 3);

        assertThat(inventory.changeCapacity(ev, "ga", 150).outcome()).isEqualTo(CapacityChange.Outcome.DONE);
        assertThat(inventory.audit(ev, "ga")).isEqualTo(new StockCounters(150, 143, 3, 4));

        CapacityChange tooLow = inventory.changeCapacity(ev, "ga", 6);
        assertThat(tooLow.outcome()).isEqualTo(CapacityChange.Outcome.TOO_LOW);
        assertThat(tooLow.minimum()).isEqualTo(7);
        assertThat(inventory.audit(ev, "ga")).isEqualTo(new StockCounters(150, 143, 3, 4));

        assertThat(inventory.changeCapacity(ev, "ga", 7).outcome()).isEqualTo(CapacityChange.Outcome.DONE);
        assertThat(inventory.audit(ev, "ga")).isEqualTo(new StockCounters(7, 0, 3, 4));
        assertThat(grid.catalog().find(ev).orElseThrow().category("ga").orElseThrow().capacity()).isEqualTo(7);
        assertThat(hold(ev, "fan-3", 1).outcome()).isEqualTo(HoldResult.Outcome.NOT_ENOUGH_STOCK);
        assertThat(inventory.changeCapacity(ev, "nope", 7).outcome()).isEqualTo(CapacityChange.Outcome.NOT_FOUND);
    }
}
