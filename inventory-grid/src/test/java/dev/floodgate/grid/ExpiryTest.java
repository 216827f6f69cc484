package dev.floodgate.grid;

import dev.floodgate.engines.fixture.MutableClock;
import dev.floodgate.grid.catalog.CategoryInfo;
import dev.floodgate.grid.catalog.EventInfo;
import dev.floodgate.grid.hold.Hold;
import dev.floodgate.grid.hold.HoldResult;
import dev.floodgate.grid.hold.HoldStatus;
import dev.floodgate.grid.stripe.StockCounters;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Thousands of holds reach their expiry at the same instant while a third of them are being released and a third
 * sold: every unit comes back exactly once. Two members sweep their own stripes concurrently with the releases and
 * sales; a per-hold audit and the counters must agree.
 */
class ExpiryTest {
    private static final Duration TTL = Duration.ofSeconds(5);
    private static final int STEPS = 40;

    @Test
    void everyUnitReturnsExactlyOnceWhenExpiryRacesReleasesAndSales() throws Exception {
        MutableClock clock = new MutableClock(Instant.ofEpochMilli(1_800_000_000_000L));
        String cluster = Cluster.name("expiry");
        List<Integer> ports = Cluster.freePorts(2);
        try (Grid a = Grid.start(Cluster.member(cluster, ports, 0), 8, clock);
             Grid b = Grid.start(Cluster.member(cluster, ports, 1), 8, clock)) {
            Cluster.await("2 members", Duration.ofSeconds(60), () -> a.hazelcast().getCluster().getMembers().size() == 2);
            int holds = 3000;
            int capacity = 2 * holds + 500;
            String ev = "expiry-" + UUID.randomUUID().toString().substring(0, 8);
            EventInfo event = new EventInfo(ev, "Expiry", 0, 4, TTL.toMillis(),
                    List.of(new CategoryInfo("ga", "General", capacity, 5000, "EUR", 8)));
            a.catalog().add(event);
            a.inventory().stock(event);

            // Take the holds (all expire at the same instant), put a third in checkout until that same instant.
            List<Hold> taken = runAll(8, holds, i -> {
                Duration ttl = TTL.plusMillis(i % STEPS); // STEPS groups, one expiry instant each
                HoldResult r = (i % 2 == 0 ? a : b).inventory().hold(ev, "ga", "fan-" + i, "r", 1 + i % 2, ttl);
                assertThat(r.done()).isTrue();
                if (i % 3 == 2) {
                    assertThat(a.inventory().markInCheckout(ev, r.hold().holdId(), "fan-" + i, "order-" + i,
                            ttl).done()).isTrue();
                }
                return r.hold();
            });
            int heldUnits = taken.stream().mapToInt(Hold::quantity).sum();
            assertThat(a.inventory().audit(ev, "ga")).isEqualTo(new StockCounters(capacity, capacity - heldUnits,
                    heldUnits, 0));

            // Step the clock to each group's expiry instant; at each, both members sweep while the group's holds
            // are being released (a third) and sold (a third) from other threads.
            AtomicInteger sweptUnits = new AtomicInteger();
            HoldResult[] fateOf = new HoldResult[holds];
            ExecutorService pool = Executors.newFixedThreadPool(16);
            try {
                clock.advance(TTL);
                for (int step = 0; step < STEPS; step++) {
                    CountDownLatch go = new CountDownLatch(1);
                    List<Future<?>> work = new ArrayList<>();
                    for (int i = step; i < holds; i += STEPS) {
                        int index = i;
                        Hold h = taken.get(i);
                        if (i % 3 == 1) {
                            continue; // left to expire
                        }
                        work.add(pool.submit(() -> {
                            go.await();
                            fateOf[index] = index % 3 == 0
                                    ? b.inventory().release(ev, h.holdId(), h.fanId())
                                    : a.inventory().markSold(ev, h.holdId(), "order-" + index);
                            return null;
                        }));
                    }
                    for (Grid g : List.of(a, b)) {
                        work.add(pool.submit(() -> {
                            go.await();
                            sweptUnits.addAndGet(g.expiry().orElseThrow().sweep());
                            return null;
                        }));
                    }
                    go.countDown();
                    for (Future<?> f : work) {
                        f.get();
                    }
                    clock.advance(Duration.ofMillis(1));
                }
            } finally {
                pool.shutdownNow();
            }
            List<HoldResult> fates = java.util.Arrays.asList(fateOf);
            sweptUnits.addAndGet(a.expiry().orElseThrow().sweep() + b.expiry().orElseThrow().sweep());

            // Per-hold audit: each hold was released by the fan, sold, or expired, exactly one of them.
            int released = 0;
            int sold = 0;
            int expired = 0;
            for (int i = 0; i < holds; i++) {
                Hold h = taken.get(i);
                HoldResult fate = fates.get(i);
                Hold now = a.inventory().find(ev, h.holdId()).orElse(null);
                if (fate != null && fate.done() && i % 3 == 0) {
                    released += h.quantity();
                    assertThat(now).isNull();
                } else if (fate != null && fate.done() && i % 3 == 2) {
                    sold += h.quantity();
                    assertThat(now.status()).isEqualTo(HoldStatus.SOLD);
                } else {
                    expired += h.quantity();
                    assertThat(now).as("hold %s should be gone", h.holdId()).isNull();
                }
            }
            assertThat(released + sold + expired).isEqualTo(heldUnits);
            assertThat(sweptUnits.get()).isEqualTo(expired);
            assertThat(a.expiry().orElseThrow().unitsReturned() + b.expiry().orElseThrow().unitsReturned())
                    .isEqualTo(expired);
            assertThat(b.inventory().audit(ev, "ga")).isEqualTo(new StockCounters(capacity, capacity - sold, 0,
                    sold));
            System.out.printf("expiry race: %d holds, units released %d, sold %d, expired %d%n", holds, released,
                    sold, expired);
        }
    }

    interface Job<T> {
        T run(int i) throws Exception;
    }

    static <T> List<T> runAll(int threads, int n, Job<T> job) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                futures.add(pool.submit((Callable<T>) () -> job.run(index)));
            }
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }
}
