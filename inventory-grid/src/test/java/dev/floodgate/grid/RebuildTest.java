package dev.floodgate.grid;

import dev.floodgate.engines.fixture.MutableClock;
import java.time.Instant;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.floodgate.engines.fixture.Engines;
import dev.floodgate.engines.fixture.SharedEngines;
import dev.floodgate.grid.catalog.CatalogStore;
import dev.floodgate.grid.catalog.CategoryInfo;
import dev.floodgate.grid.catalog.EventInfo;
import dev.floodgate.grid.hold.HoldResult;
import dev.floodgate.grid.hold.HoldStatus;
import dev.floodgate.grid.inventory.StockCounters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A cold grid rebuilt from PostgreSQL: the catalog from {@code catalog.*}, stock from {@code checkout.orders}
 * (checkout's own migration creates the table). Paid orders are sold, orders awaiting payment are held in checkout
 * under their hold id, holds without an order are gone.
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

    private static void createCheckoutOrders(HikariDataSource db) throws Exception {
        String sql = Files.readString(Path.of("../checkout/src/main/resources/db/checkout/V1__orders_and_outbox.sql"));
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("create schema if not exists checkout");
            s.execute("set search_path to checkout");
            s.execute(sql);
            s.execute("set search_path to public");
        }
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
