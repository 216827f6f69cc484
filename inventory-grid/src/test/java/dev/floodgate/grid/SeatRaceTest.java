package dev.floodgate.grid;

import dev.floodgate.engines.fixture.MutableClock;
import dev.floodgate.grid.catalog.CategoryInfo;
import dev.floodgate.grid.catalog.EventInfo;
import dev.floodgate.grid.catalog.Seating;
import dev.floodgate.grid.hold.Hold;
import dev.floodgate.grid.hold.HoldResult;
import dev.floodgate.grid.hold.HoldStatus;
import dev.floodgate.grid.inventory.Inventory;
import dev.floodgate.grid.stripe.StockCounters;
import dev.floodgate.grid.stripe.Stripe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fans race for the same numbered seats through three members of one cluster (one JVM): no seat is ever in two
 * holds, a refusal always names a seat someone else holds, the per-fan limit holds across concurrent requests, and
 * counters, seat states and holds agree. And: seat holds reaching their expiry while being released and sold at
 * the same instant return each seat exactly once.
 */
class SeatRaceTest {
    private static final Duration TTL = Duration.ofMinutes(10);
    private static final MutableClock clock = new MutableClock(Instant.ofEpochMilli(1_800_000_000_000L));
    private static final List<Grid> members = new ArrayList<>();

    @BeforeAll
    static void start() {
        String cluster = Cluster.name("seat-race");
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

    private static String newEvent(String prefix, Seating seating, long ttlMillis) {
        String ev = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        EventInfo event = new EventInfo(ev, "Race", 0, 4, ttlMillis,
                List.of(CategoryInfo.seated("seats", "Seats", 8900, "EUR", seating)));
        members.getFirst().catalog().add(event);
        members.getFirst().inventory().stock(event);
        return ev;
    }

    @ParameterizedTest
    @ValueSource(longs = {1L, 42L, 20261202L, 7L})
    void noSeatIsEverHeldTwiceWhenFansRaceForTheSameSeats(long seed) throws Exception {
        Random random = new Random(seed);
        int rows = 3 + random.nextInt(3);
        int perRow = 8 + random.nextInt(5);
        String ev = newEvent("race-" + seed, new Seating(List.of(Seating.Section.grid("A", rows, perRow),
                Seating.Section.grid("B", rows, perRow))), TTL.toMillis());
        int seats = 2 * rows * perRow;

        // 3 requests per fan, at once, each 1..3 adjacent seats from a random start: heavy overlap, and 3 x 1..3
        // seats per fan against a limit of 4.
        int fans = seats / 2;
        record Ask(String fan, String request, List<String> seats) {
        }
        List<Ask> asks = new ArrayList<>();
        for (int f = 0; f < fans; f++) {
            for (int k = 0; k < 3; k++) {
                String section = random.nextBoolean() ? "A" : "B";
                int row = 1 + random.nextInt(rows);
                int n = 1 + random.nextInt(3);
                int first = 1 + random.nextInt(perRow - n + 1);
                List<String> want = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    want.add(section + "-" + row + "-" + (first + i));
                }
                asks.add(new Ask("fan-" + f, "r-" + k, want));
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(12);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<HoldResult>> futures = new ArrayList<>();
        try {
            for (int i = 0; i < asks.size(); i++) {
                Ask ask = asks.get(i);
                Grid via = members.get(i % 3);
                futures.add(pool.submit(() -> {
                    go.await();
                    return via.inventory().holdSeats(ev, "seats", ask.fan(), ask.request(), ask.seats(), TTL);
                }));
            }
            go.countDown();
            Map<String, String> holderOf = new HashMap<>();
            Map<String, Integer> seatsPerFan = new HashMap<>();
            List<HoldResult> refusals = new ArrayList<>();
            int granted = 0;
            for (int i = 0; i < asks.size(); i++) {
                HoldResult r = futures.get(i).get();
                switch (r.outcome()) {
                    case DONE -> {
                        assertThat(r.hold().seats()).isEqualTo(asks.get(i).seats());
                        for (String seat : r.hold().seats()) {
                            assertThat(holderOf.put(seat, r.hold().holdId())).as("seat %s twice", seat).isNull();
                        }
                        seatsPerFan.merge(asks.get(i).fan(), r.hold().quantity(), Integer::sum);
                        granted += r.hold().quantity();
                    }
                    case SEAT_TAKEN -> refusals.add(r);
                    case LIMIT_REACHED -> { }
                    default -> throw new AssertionError("unexpected " + r.outcome());
                }
            }
            assertThat(seatsPerFan.values()).allMatch(n -> n <= 4);
            // Nothing was released, so a seat named in a refusal is held by someone.
            for (HoldResult r : refusals) {
                assertThat(r.seats()).isNotEmpty().allMatch(holderOf::containsKey);
            }
            StockCounters audited = members.get(1).inventory().audit(ev, "seats"); // seats vs holds vs catalog
            assertThat(audited).isEqualTo(new StockCounters(seats, seats - granted, granted, 0));
            for (Inventory.SectionSeats section : members.get(2).inventory().seatMap(ev, "seats")) {
                for (int i = 0; i < section.seatIds().length; i++) {
                    assertThat(section.states()[i]).isEqualTo(holderOf.containsKey(section.seatIds()[i])
                            ? Stripe.SEAT_HELD : Stripe.SEAT_AVAILABLE);
                }
            }
            System.out.printf("seat race seed %d: %d seats, %d asks, %d seats held, %d refused as taken%n", seed,
                    seats, asks.size(), granted, refusals.size());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void everySeatReturnsExactlyOnceWhenExpiryRacesReleasesAndSales() throws Exception {
        int steps = 20;
        Duration ttl = Duration.ofSeconds(5);
        // 4 sections of 40 x 25 seats; 1,500 holds of 1 or 2 seats.
        List<Seating.Section> sections = new ArrayList<>();
        for (String s : List.of("A", "B", "C", "D")) {
            sections.add(Seating.Section.grid(s, 40, 25));
        }
        String ev = newEvent("seat-expiry", new Seating(sections), ttl.toMillis());
        int holds = 1500;
        List<Hold> taken = ExpiryTest.runAll(8, holds, i -> {
            // hold i takes seats 2i, 2i+1 (or only 2i) counted through the sections: no overlap
            int slot = 2 * i;
            String section = List.of("A", "B", "C", "D").get(slot / 1000);
            int inSection = slot % 1000;
            String first = section + "-" + (1 + inSection / 25) + "-" + (1 + inSection % 25);
            String second = section + "-" + (1 + (inSection + 1) / 25) + "-" + (1 + (inSection + 1) % 25);
            List<String> want = i % 2 == 0 || (inSection + 1) / 25 != inSection / 25 ? List.of(first)
                    : List.of(first, second);
            Duration lasts = ttl.plusMillis(i % steps);
            Grid via = members.get(i % 3);
            HoldResult r = via.inventory().holdSeats(ev, "seats", "fan-" + i, "r", want, lasts);
            assertThat(r.done()).as("hold %d: %s", i, r.outcome()).isTrue();
            if (i % 3 == 2) {
                assertThat(via.inventory().markInCheckout(ev, r.hold().holdId(), "fan-" + i, "order-" + i, lasts)
                        .done()).isTrue();
            }
            return r.hold();
        });
        int heldSeats = taken.stream().mapToInt(Hold::quantity).sum();
        assertThat(members.getFirst().inventory().audit(ev, "seats"))
                .isEqualTo(new StockCounters(4000, 4000 - heldSeats, heldSeats, 0));

        AtomicInteger swept = new AtomicInteger();
        HoldResult[] fateOf = new HoldResult[holds];
        long sweptBefore = members.stream().mapToLong(g -> g.expiry().orElseThrow().unitsReturned()).sum();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            clock.advance(ttl);
            for (int step = 0; step < steps; step++) {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<?>> work = new ArrayList<>();
                for (int i = step; i < holds; i += steps) {
                    if (i % 3 == 1) {
                        continue; // left to expire
                    }
                    int index = i;
                    Hold h = taken.get(i);
                    Grid via = members.get((i + 1) % 3);
                    work.add(pool.submit(() -> {
                        go.await();
                        fateOf[index] = index % 3 == 0 ? via.inventory().release(ev, h.holdId(), h.fanId())
                                : via.inventory().markSold(ev, h.holdId(), "order-" + index);
                        return null;
                    }));
                }
                for (Grid g : members) {
                    work.add(pool.submit(() -> {
                        go.await();
                        swept.addAndGet(g.expiry().orElseThrow().sweep());
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
        for (Grid g : members) {
            swept.addAndGet(g.expiry().orElseThrow().sweep());
        }

        int released = 0;
        int sold = 0;
        int expired = 0;
        Set<String> soldSeats = new HashSet<>();
        for (int i = 0; i < holds; i++) {
            Hold h = taken.get(i);
            Hold now = members.get(2).inventory().find(ev, h.holdId()).orElse(null);
            if (fateOf[i] != null && fateOf[i].done() && i % 3 == 0) {
                released += h.quantity();
                assertThat(now).isNull();
            } else if (fateOf[i] != null && fateOf[i].done() && i % 3 == 2) {
                sold += h.quantity();
                assertThat(now.status()).isEqualTo(HoldStatus.SOLD);
                soldSeats.addAll(h.seats());
            } else {
                expired += h.quantity();
                assertThat(now).as("hold %s should be gone", h.holdId()).isNull();
            }
        }
        assertThat(released + sold + expired).isEqualTo(heldSeats);
        long sweptAfter = members.stream().mapToLong(g -> g.expiry().orElseThrow().unitsReturned()).sum();
        assertThat(swept.get()).isEqualTo(expired);
        assertThat(sweptAfter - sweptBefore).isEqualTo(expired);
        assertThat(members.get(1).inventory().audit(ev, "seats"))
                .isEqualTo(new StockCounters(4000, 4000 - sold, 0, sold));
        for (Inventory.SectionSeats section : members.getFirst().inventory().seatMap(ev, "seats")) {
            for (int i = 0; i < section.seatIds().length; i++) {
                assertThat(section.states()[i]).isEqualTo(soldSeats.contains(section.seatIds()[i])
                        ? Stripe.SEAT_SOLD : Stripe.SEAT_AVAILABLE);
            }
        }
        System.out.printf("seat expiry race: %d holds, seats released %d, sold %d, expired %d%n", holds, released,
                sold, expired);
    }
}
