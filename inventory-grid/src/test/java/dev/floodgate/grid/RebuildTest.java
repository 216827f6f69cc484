package dev.floodgate.grid;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.floodgate.engines.fixture.Engines;
import dev.floodgate.engines.fixture.MutableClock;
import dev.floodgate.engines.fixture.SharedEngines;
import dev.floodgate.grid.catalog.CatalogStore;
import dev.floodgate.grid.catalog.CategoryInfo;
import dev.floodgate.grid.catalog.EventInfo;
import dev.floodgate.grid.catalog.Seating;
import dev.floodgate.grid.hold.HoldResult;
import dev.floodgate.grid.hold.HoldStatus;
import dev.floodgate.grid.inventory.Inventory;
import dev.floodgate.grid.stripe.StockCounters;
import dev.floodgate.grid.stripe.Stripe;
import dev.floodgate.orders.CheckoutSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A cold grid rebuilt from PostgreSQL: the catalog from {@code catalog.*}, stock from {@code checkout.orders}
 * (checkout's own migrations, shipped in the orders module, create the table). Paid orders are sold, orders awaiting
 * payment are held in checkout under their hold id, holds without an order are gone.
 */
@ExtendWith(SharedEngines.class)
class RebuildTest {
    private static final Duration TTL = Duration.ofMinutes(10);

    @Test
    void aColdGridIsRebuiltFromCatalogAndOrders(Engines engines) throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(engines.jdbcUrl());
        config.setUsername(engines.user());
        config.setPassword(engines.password());
        config.setMaximumPoolSize(4);
        try (HikariDataSource db = new HikariDataSource(config)) {
            CatalogStore store = CatalogStore.migrate(db);
            createCheckoutOrders(db);
            MutableClock clock = new MutableClock(Instant.ofEpochMilli(1_800_000_000_000L));
            String ev = "rebuild-" + UUID.randomUUID().toString().substring(0, 8);
            EventInfo event = new EventInfo(ev, "Rebuild", 0, 4, TTL.toMillis(),
                    List.of(new CategoryInfo("ga", "General", 100, 4500, "EUR", 4),
                            new CategoryInfo("vip", "VIP", 10, 9900, "EUR")));
            String awaitingHold;
            String awaitingOrder = UUID.randomUUID().toString();
            try (Grid before = Grid.start(Cluster.member(Cluster.name("before"), Cluster.freePorts(1), 0), 8, clock)) {
                before.catalog().persistTo(store);
                assertThat(before.catalog().add(event)).isTrue();
                before.inventory().stock(event);
                // Awaiting payment: 2 units. Paid: 3 units. A hold without an order: 4 units.
                awaitingHold = inCheckout(before, ev, "fan-1", 2, awaitingOrder);
                insertOrder(db, awaitingOrder, "fan-1", ev, awaitingHold, 2, "AWAITING_PAYMENT");
                String paidOrder = UUID.randomUUID().toString();
                String paidHold = inCheckout(before, ev, "fan-2", 3, paidOrder);
                insertOrder(db, paidOrder, "fan-2", ev, paidHold, 3, "PAID");
                assertThat(before.inventory().markSold(ev, paidHold, paidOrder).done()).isTrue();
                String failedOrder = UUID.randomUUID().toString();
                insertOrder(db, failedOrder, "fan-4", ev, inCheckout(before, ev, "fan-4", 1, failedOrder), 1,
                        "PAYMENT_FAILED");
                assertThat(before.inventory().hold(ev, "ga", "fan-3", "r", 4, TTL).done()).isTrue();
                assertThat(before.inventory().audit(ev, "ga")).isEqualTo(new StockCounters(100, 90, 7, 3));
            } // the whole grid is gone

            try (Grid after = Grid.start(Cluster.member(Cluster.name("after"), Cluster.freePorts(1), 0), 8, clock)) {
                assertThat(after.catalog().find(ev)).isEmpty();
                GridRebuild.Report report = GridRebuild.rebuild(after, db, Duration.ofMinutes(15), clock);
                assertThat(report.categoriesRebuilt()).isEqualTo(2);
                assertThat(report.unitsHeld()).isEqualTo(2);
                assertThat(report.unitsSold()).isEqualTo(3);
                assertThat(after.catalog().find(ev).orElseThrow()).isEqualTo(store.find(ev).orElseThrow());
                assertThat(after.inventory().audit(ev, "ga")).isEqualTo(new StockCounters(100, 95, 2, 3));
                assertThat(after.inventory().audit(ev, "vip")).isEqualTo(new StockCounters(10, 10, 0, 0));
                // The hold in checkout still counts against its fan (2 of 4): 3 more is too many, 2 more is not,
                // and a retry of the request that made it answers it without counting it twice.
                Inventory inventory = after.inventory();
                assertThat(inventory.hold(ev, "ga", "fan-1", "r-more", 3, TTL).outcome())
                        .isEqualTo(HoldResult.Outcome.LIMIT_REACHED);
                assertThat(inventory.hold(ev, "ga", "fan-1", "r-" + awaitingOrder, 2, TTL).hold().holdId())
                        .isEqualTo(awaitingHold);
                HoldResult two = inventory.hold(ev, "ga", "fan-1", "r-two", 2, TTL);
                assertThat(two.done()).isTrue();
                assertThat(inventory.release(ev, two.hold().holdId(), "fan-1").done()).isTrue();
                // The order awaiting payment can still be settled against the rebuilt grid.
                assertThat(after.inventory().find(ev, awaitingHold).orElseThrow().status())
                        .isEqualTo(HoldStatus.IN_CHECKOUT);
                assertThat(after.inventory().markSold(ev, awaitingHold, awaitingOrder).done()).isTrue();
                assertThat(after.inventory().audit(ev, "ga")).isEqualTo(new StockCounters(100, 95, 0, 5));
                // A second rebuild of a warm grid changes nothing.
                GridRebuild.Report again = GridRebuild.rebuild(after, db, Duration.ofMinutes(15), clock);
                assertThat(again.categoriesRebuilt()).isZero();
                assertThat(again.categoriesWarm()).isEqualTo(2);
                assertThat(after.inventory().audit(ev, "ga")).isEqualTo(new StockCounters(100, 95, 0, 5));
                // Capacity edits reach PostgreSQL too.
                after.catalog().persistTo(store);
                after.inventory().changeCapacity(ev, "vip", 12);
                assertThat(store.find(ev).orElseThrow().category("vip").orElseThrow().capacity()).isEqualTo(12);
            }
        }
    }

    private static String inCheckout(Grid grid, String ev, String fan, int quantity, String orderId) {
        HoldResult held = grid.inventory().hold(ev, "ga", fan, "r-" + orderId, quantity, TTL);
        assertThat(held.done()).isTrue();
        assertThat(grid.inventory().markInCheckout(ev, held.hold().holdId(), fan, orderId, Duration.ofMinutes(15))
                .done()).isTrue();
        return held.hold().holdId();
    }

    /** Checkout's schema from its migrations (shipped in the orders module), as checkout applies them. */
    private static void createCheckoutOrders(HikariDataSource db) {
        CheckoutSchema.migrate(db);
    }

    @Test
    void aColdGridRestoresSoldAndAwaitingSeatsExactly(Engines engines) throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(engines.jdbcUrl());
        config.setUsername(engines.user());
        config.setPassword(engines.password());
        config.setMaximumPoolSize(4);
        try (HikariDataSource db = new HikariDataSource(config)) {
            CatalogStore store = CatalogStore.migrate(db);
            createCheckoutOrders(db);
            MutableClock clock = new MutableClock(Instant.ofEpochMilli(1_800_000_000_000L));
            String ev = "rebuild-seats-" + UUID.randomUUID().toString().substring(0, 8);
            Seating seating = new Seating(List.of(Seating.Section.grid("A", 2, 5),
                    new Seating.Section("B", List.of(new Seating.Row("AA", List.of(1, 2, 3, 7))))));
            EventInfo event = new EventInfo(ev, "Rebuild seats", 0, 4, TTL.toMillis(),
                    List.of(CategoryInfo.seated("stalls", "Stalls", 8900, "EUR", seating)));
            String awaitingHold;
            String awaitingOrder = UUID.randomUUID().toString();
            try (Grid before = Grid.start(Cluster.member(Cluster.name("before"), Cluster.freePorts(1), 0), 8, clock)) {
                before.catalog().persistTo(store);
                assertThat(before.catalog().add(event)).isTrue();
                before.inventory().stock(event);
                awaitingHold = seatsInCheckout(before, db, ev, "fan-1", awaitingOrder, "AWAITING_PAYMENT",
                        "A-1-1", "A-1-2");
                String paidOrder = UUID.randomUUID().toString();
                String paidHold = seatsInCheckout(before, db, ev, "fan-2", paidOrder, "PAID", "B-AA-7");
                assertThat(before.inventory().markSold(ev, paidHold, paidOrder).done()).isTrue();
                String failedOrder = UUID.randomUUID().toString();
                seatsInCheckout(before, db, ev, "fan-3", failedOrder, "PAYMENT_FAILED", "A-2-5");
                assertThat(before.inventory().holdSeats(ev, "stalls", "fan-4", "r", List.of("B-AA-1"), TTL).done())
                        .isTrue();
                // Seats edited before the loss reach PostgreSQL too.
                assertThat(before.inventory().changeSeats(ev, "stalls", List.of("B-AA-8"), List.of("B-AA-2"))
                        .outcome()).isEqualTo(dev.floodgate.grid.inventory.Inventory.SeatChange.Outcome.DONE);
                assertThat(before.inventory().audit(ev, "stalls")).isEqualTo(new StockCounters(14, 9, 4, 1));
            } // the whole grid is gone

            try (Grid after = Grid.start(Cluster.member(Cluster.name("after"), Cluster.freePorts(1), 0), 8, clock)) {
                // (The report also counts the other test's event in this database: the audit below is exact.)
                GridRebuild.rebuild(after, db, Duration.ofMinutes(15), clock);
                assertThat(after.catalog().find(ev).orElseThrow()).isEqualTo(store.find(ev).orElseThrow());
                assertThat(store.find(ev).orElseThrow().category("stalls").orElseThrow().seating().sections().get(1)
                        .rows().getFirst().seats()).containsExactly(1, 3, 7, 8);
                // available 11 = 14 - 2 awaiting - 1 paid; the hold without an order (B-AA-1) is back.
                assertThat(after.inventory().audit(ev, "stalls")).isEqualTo(new StockCounters(14, 11, 2, 1));
                java.util.Map<String, Byte> states = new java.util.HashMap<>();
                for (var section : after.inventory().seatMap(ev, "stalls")) {
                    for (int i = 0; i < section.seatIds().length; i++) {
                        states.put(section.seatIds()[i], section.states()[i]);
                    }
                }
                assertThat(states).containsEntry("A-1-1", Stripe.SEAT_HELD).containsEntry("A-1-2", Stripe.SEAT_HELD)
                        .containsEntry("B-AA-7", Stripe.SEAT_SOLD).containsEntry("B-AA-1", Stripe.SEAT_AVAILABLE)
                        .containsEntry("A-2-5", Stripe.SEAT_AVAILABLE).containsEntry("B-AA-8", Stripe.SEAT_AVAILABLE)
                        .doesNotContainKey("B-AA-2");
                assertThat(after.inventory().holdSeats(ev, "stalls", "fan-5", "r", List.of("B-AA-7"), TTL).outcome())
                        .isEqualTo(HoldResult.Outcome.SEAT_TAKEN);
                // The order awaiting payment still settles against the rebuilt grid, with its seats.
                assertThat(after.inventory().find(ev, awaitingHold).orElseThrow().seats())
                        .containsExactly("A-1-1", "A-1-2");
                assertThat(after.inventory().releaseForOrder(ev, awaitingHold, awaitingOrder).done()).isTrue();
                assertThat(after.inventory().audit(ev, "stalls")).isEqualTo(new StockCounters(14, 13, 0, 1));
            } finally {
                // Leave the database as the other test of this class expects it (it counts what a rebuild did).
                try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
                    for (String table : List.of("checkout.seat_claims", "checkout.orders", "catalog.seat_rows",
                            "catalog.seat_sections", "catalog.categories", "catalog.events")) {
                        s.execute("delete from " + table + " where event_id = '" + ev + "'");
                    }
                }
            }
        }
    }

    private static String seatsInCheckout(Grid grid, HikariDataSource db, String ev, String fan, String orderId,
                                          String status, String... seats) throws Exception {
        HoldResult held = grid.inventory().holdSeats(ev, "stalls", fan, "r-" + orderId, List.of(seats), TTL);
        assertThat(held.done()).isTrue();
        assertThat(grid.inventory().markInCheckout(ev, held.hold().holdId(), fan, orderId, Duration.ofMinutes(15))
                .done()).isTrue();
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("insert into checkout.orders (id, fan_id, event_id,"
                     + " category_id, hold_id, quantity, amount_minor, currency, status, buyer_name, buyer_email,"
                     + " payment_method_id, idempotency_key, seat_ids) values (?::uuid, ?, ?, 'stalls', ?, ?, ?,"
                     + " 'EUR', ?, 'Ada', 'ada@example.test', 'pm_1', ?, ?)")) {
            ps.setString(1, orderId);
            ps.setString(2, fan);
            ps.setString(3, ev);
            ps.setString(4, held.hold().holdId());
            ps.setInt(5, seats.length);
            ps.setLong(6, 8900L * seats.length);
            ps.setString(7, status);
            ps.setString(8, "key-" + orderId);
            ps.setArray(9, c.createArrayOf("text", seats));
            ps.executeUpdate();
        }
        return held.hold().holdId();
    }

    private static void insertOrder(HikariDataSource db, String id, String fan, String ev, String holdId,
                                    int quantity, String status) throws Exception {
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("insert into checkout.orders (id, fan_id, event_id,"
                     + " category_id, hold_id, quantity, amount_minor, currency, status, buyer_name, buyer_email,"
                     + " payment_method_id, idempotency_key) values (?::uuid, ?, ?, 'ga', ?, ?, ?, 'EUR', ?,"
                     + " 'Ada', 'ada@example.test', 'pm_1', ?)")) {
            ps.setString(1, id);
            ps.setString(2, fan);
            ps.setString(3, ev);
            ps.setString(4, holdId);
            ps.setInt(5, quantity);
            ps.setLong(6, 4500L * quantity);
            ps.setString(7, status);
            ps.setString(8, "key-" + id);
            ps.executeUpdate();
        }
    }
}
