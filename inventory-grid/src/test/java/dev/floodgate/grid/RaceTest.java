package dev.floodgate.grid;

import dev.floodgate.engines.fixture.MutableClock;
import dev.floodgate.grid.catalog.CategoryInfo;
import dev.floodgate.grid.catalog.EventInfo;
import dev.floodgate.grid.hold.Hold;
import dev.floodgate.grid.hold.HoldResult;
import dev.floodgate.grid.stripe.StockCounters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many fans race for the last units of a striped category through three members of one cluster (one JVM): exactly
 * capacity units end up held, none twice, and nobody was told "not enough" while that many were still left.
 */
class RaceTest {
    private static final Duration TTL = Duration.ofMinutes(10);
    private static final MutableClock clock = new MutableClock(Instant.ofEpochMilli(1_800_000_000_000L));
    private static final List<Grid> members = new ArrayList<>();

    @BeforeAll
    static void start() {
        String cluster = Cluster.name("race");
        List<Integer> ports = Cluster.freePorts(3);
        for (int i = 0; i < 3; i++) {
            members.add(Grid.start(Cluster.member(cluster, ports, i), 8, clock));
        }
        Cluster.await("3 members", Duration.ofSeconds(60),
                () -> members.getFirst().hazelcast().getCluster().getMembers().size() == 3);
    }

    @AfterAll
    static void stop() {
        members.forEach(Grid::close);
    }

    @ParameterizedTest
    @ValueSource(longs = {1L, 42L, 20261124L, 7L})
    void exactlyCapacityUnitsAreHeldAndSoldOutIsExact(long seed) throws Exception {
        // The fans' home category: each hold is one step, record and units together.
        race(seed, "ga", capacity -> List.of(), new Random(seed));
    }

    @ParameterizedTest
    @ValueSource(longs = {3L, 2026L})
    void exactlyCapacityUnitsAreHeldInACategoryThatIsNotTheFansHome(long seed) throws Exception {
        // Another category: each hold reserves in the fan's home stripe (of "main", 8 stripes) first.
        race(seed, "ga", capacity -> List.of(new CategoryInfo("main", "Main floor", 10_000, 4000, "EUR", 8)),
                new Random(seed));
    }

    private static void race(long seed, String category,
                             java.util.function.IntFunction<List<CategoryInfo>> others, Random random)
            throws Exception {
        int capacity = 150 + random.nextInt(100);
        int stripes = 2 + random.nextInt(7); // 2..8: on a tie with "main" the first listed, "main", is home
        String ev = "race-" + seed + "-" + UUID.randomUUID().toString().substring(0, 6);
        List<CategoryInfo> categories = new ArrayList<>(others.apply(capacity));
        categories.add(new CategoryInfo(category, "General", capacity, 5000, "EUR", stripes));
        EventInfo event = new EventInfo(ev, "Race", 0, 4, TTL.toMillis(), categories);
        members.getFirst().catalog().add(event);
        members.getFirst().inventory().stock(event);

        int fans = capacity; // asks of 1..4: about 2.5x the capacity is asked for
        int[] quantity = new int[fans];
        for (int i = 0; i < fans; i++) {
            quantity[i] = 1 + random.nextInt(4);
        }
        ExecutorService pool = Executors.newFixedThreadPool(12);
        CountDownLatch go = new CountDownLatch(1);
        Set<Integer> refusedSizes = ConcurrentHashMap.newKeySet();
        List<Future<HoldResult>> futures = new ArrayList<>();
        try {
            for (int i = 0; i < fans; i++) {
                int fan = i;
                Grid via = members.get(i % 3);
                futures.add(pool.submit(() -> {
                    go.await();
                    HoldResult r = via.inventory().hold(ev, category, "fan-" + fan, "r-" + fan, quantity[fan], TTL);
                    if (r.outcome() == HoldResult.Outcome.NOT_ENOUGH_STOCK) {
                        refusedSizes.add(quantity[fan]);
                    } else {
                        assertThat(r.done()).as("outcome %s", r.outcome()).isTrue();
                    }
                    return r;
                }));
            }
            go.countDown();
            int granted = 0;
            Set<String> ids = new HashSet<>();
            for (Future<HoldResult> f : futures) {
                HoldResult r = f.get();
                if (r.done()) {
                    granted += r.hold().quantity();
                    assertThat(ids.add(r.hold().holdId())).isTrue();
                }
            }
            StockCounters after = members.get(1).inventory().audit(ev, category);
            assertThat(after.held()).isEqualTo(granted).isLessThanOrEqualTo(capacity);
            // No releases happened, so available only went down: a refused ask of q means fewer than q were left.
            if (!refusedSizes.isEmpty()) {
                assertThat(after.available()).isLessThan(refusedSizes.stream().min(Integer::compare).orElseThrow());
            }
            // Drain what is left one unit at a time, through every member: all of it goes, then sold out.
            int next = fans;
            while (members.get(next % 3).inventory().hold(ev, category, "late-" + next, "r", 1, TTL).done()) {
                next++;
            }
            StockCounters drained = members.get(2).inventory().audit(ev, category);
            assertThat(drained).isEqualTo(new StockCounters(capacity, 0, capacity, 0));
            List<Hold> holds = members.getFirst().inventory().holds(ev, category);
            assertThat(holds.stream().mapToInt(Hold::quantity).sum()).isEqualTo(capacity);
            assertThat(holds.stream().map(Hold::holdId).distinct().count()).isEqualTo(holds.size());
        } finally {
            pool.shutdownNow();
        }
    }
}
