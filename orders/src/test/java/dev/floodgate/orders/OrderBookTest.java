package dev.floodgate.orders;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.floodgate.contracts.order.OrderStatus;
import dev.floodgate.engines.postgres.PostgresServer;
import dev.floodgate.engines.support.ProcessSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The statements on orders and tickets, on a real PostgreSQL with checkout's migrations: placing, settling, issuing
 * tickets, the reconciler's pick and the figures the audit and the rebuild read.
 */
class OrderBookTest {
    @TempDir
    static Path dir;
    private static PostgresServer postgres;
    private static HikariDataSource db;

    @BeforeAll
    static void start() throws Exception {
        ProcessSupport.chmod(dir, "rwxr-xr-x"); // as root the server runs as 'postgres', which must enter this folder
        postgres = PostgresServer.builder().dataDir(dir.resolve("pg")).fastUnsafe(true).build().start();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(postgres.jdbcUrl());
        config.setUsername(postgres.user());
        config.setPassword(postgres.password());
        config.setMaximumPoolSize(4);
        db = new HikariDataSource(config);
        CheckoutSchema.migrate(db);
    }

    @AfterAll
    static void stop() {
        if (db != null) {
            db.close();
        }
        if (postgres != null) {
            postgres.stop();
        }
    }

    @Test
    void placingTwiceUnderOneIdempotencyKeyWritesOneOrder() throws SQLException {
        Order order = order("ev-" + UUID.randomUUID(), "ga", 2, List.of());
        assertThat(place(order)).isEqualTo(1);
        Order again = new Order(UUID.randomUUID(), order.fanId(), order.eventId(), order.categoryId(), order.holdId(),
                order.quantity(), order.amountMinor(), order.currency(), order.status(), order.buyerName(),
                order.buyerEmail(), order.paymentMethodId(), order.idempotencyKey(), null, order.createdAt(),
                order.updatedAt(), null, List.of());
        assertThat(place(again)).isZero();
        try (Connection c = db.getConnection()) {
            assertThat(OrderBook.findByKey(c, order.fanId(), order.idempotencyKey())).contains(order);
            assertThat(OrderBook.find(c, again.id())).isEmpty();
            assertThat(OrderBook.byFan(c, order.fanId(), 10)).containsExactly(order);
        }
    }

    @Test
    void settlingToPaidIssuesOneTicketPerSeatOnce() throws SQLException {
        Order order = order("ev-" + UUID.randomUUID(), "stalls", 2, List.of("A-1", "A-2"));
        place(order);
        OrderRow row = row(order.id());
        assertThat(settle(row, OrderStatus.PAID, "ignored when paid")).isEqualTo(new long[] {1, 2});
        assertThat(settle(row, OrderStatus.PAID, null)).isEqualTo(new long[] {0, 0});
        try (Connection c = db.getConnection()) {
            Order paid = OrderBook.find(c, order.id()).orElseThrow();
            assertThat(paid.status()).isEqualTo(OrderStatus.PAID);
            assertThat(paid.failureReason()).isNull();
            assertThat(paid.settledAt()).isNotNull();
            List<Order.Ticket> tickets = OrderBook.tickets(c, List.of(order.id())).get(order.id());
            assertThat(tickets).extracting(Order.Ticket::seat).containsExactly(1, 2);
            assertThat(tickets).extracting(Order.Ticket::seatId).containsExactly("A-1", "A-2");
            assertThat(tickets).extracting(Order.Ticket::code).allMatch(code -> code.matches("FG(-[A-Z2-9]{4}){4}"))
                    .doesNotHaveDuplicates();
        }
    }

    @Test
    void aFailedPaymentKeepsItsReasonAndIssuesNoTicketAndAnEndedOrderDoesNotMoveAgain() throws SQLException {
        Order order = order("ev-" + UUID.randomUUID(), "ga", 1, List.of());
        place(order);
        OrderRow row = row(order.id());
        assertThat(settle(row, OrderStatus.PAYMENT_FAILED, "card declined")).isEqualTo(new long[] {1, 0});
        assertThat(settle(row, OrderStatus.PAID, null)).isEqualTo(new long[] {0, 0});
        try (Connection c = db.getConnection()) {
            Order failed = OrderBook.find(c, order.id()).orElseThrow();
            assertThat(failed.status()).isEqualTo(OrderStatus.PAYMENT_FAILED);
            assertThat(failed.failureReason()).isEqualTo("card declined");
            assertThat(OrderBook.tickets(c, List.of(order.id()))).isEmpty();
            assertThat(OrderFigures.unpaidWithTickets(c)).doesNotContain(order.id().toString());
        }
    }

    @Test
    void aMoveTheOrderStateMachineForbidsIsRefusedBeforeAnyStatement() throws SQLException {
        Order order = order("ev-" + UUID.randomUUID(), "ga", 1, List.of());
        place(order);
        OrderRow row = row(order.id());
        assertThatThrownBy(() -> settle(row, OrderStatus.AWAITING_PAYMENT, null))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("AWAITING_PAYMENT -> AWAITING_PAYMENT");
        assertThat(row(order.id()).status()).isEqualTo(OrderStatus.AWAITING_PAYMENT);
    }

    @Test
    void theReconcilerTakesTheOldestOverdueOrderNobodyHoldsAndSkipsThoseItSaw() throws SQLException {
        String event = "ev-" + UUID.randomUUID();
        Instant old = Instant.now().minus(1, ChronoUnit.HOURS);
        Order oldest = order(event, "ga", 1, List.of(), old);
        Order older = order(event, "ga", 1, List.of(), old.plusSeconds(60));
        Order fresh = order(event, "ga", 1, List.of(), Instant.now());
        for (Order o : List.of(oldest, older, fresh)) {
            place(o);
        }
        try (Connection first = db.getConnection(); Connection second = db.getConnection()) {
            first.setAutoCommit(false);
            second.setAutoCommit(false);
            // Other events' overdue orders (other tests) come first only if older: skip all but this event's.
            Set<UUID> others = otherOverdue(event);
            assertThat(OrderBook.lockOldestAwaiting(first, 60_000, others).orElseThrow().id()).isEqualTo(oldest.id());
            assertThat(OrderBook.lockOldestAwaiting(second, 60_000, others).orElseThrow().id()).isEqualTo(older.id());
            Set<UUID> seen = new java.util.HashSet<>(others);
            seen.add(older.id());
            first.rollback();
            assertThat(OrderBook.lockOldestAwaiting(first, 60_000, seen).orElseThrow().id()).isEqualTo(oldest.id());
            seen.add(oldest.id());
            assertThat(OrderBook.lockOldestAwaiting(first, 60_000, seen)).isEmpty(); // the fresh one is not overdue
            first.rollback();
            second.rollback();
        }
    }

    @Test
    void theRebuildReadsACategorysLiveOrdersOldestFirstAndTheAuditItsSoldUnits() throws SQLException {
        String event = "ev-" + UUID.randomUUID();
        Instant t = Instant.now().minus(10, ChronoUnit.MINUTES);
        Order paid = order(event, "stalls", 2, List.of("B-1", "B-2"), t);
        Order awaiting = order(event, "stalls", 1, List.of("B-3"), t.plusSeconds(1));
        Order failed = order(event, "stalls", 1, List.of("B-4"), t.plusSeconds(2));
        Order elsewhere = order(event, "ga", 3, List.of(), t.plusSeconds(3));
        for (Order o : List.of(paid, awaiting, failed, elsewhere)) {
            place(o);
        }
        settle(row(paid.id()), OrderStatus.PAID, null);
        settle(row(failed.id()), OrderStatus.PAYMENT_FAILED, "declined");
        try (Connection c = db.getConnection()) {
            assertThat(OrderFigures.liveOrders(c, event, "stalls")).containsExactly(
                    new OrderFigures.LiveOrder(paid.id().toString(), paid.fanId(), paid.holdId(), 2, true,
                            List.of("B-1", "B-2")),
                    new OrderFigures.LiveOrder(awaiting.id().toString(), awaiting.fanId(), awaiting.holdId(), 1, false,
                            List.of("B-3")));
            assertThat(OrderFigures.paidQuantityByCategory(c)).contains(
                    new OrderFigures.CategorySold(event, "ga", 0), new OrderFigures.CategorySold(event, "stalls", 2));
            assertThat(OrderFigures.paidOrders(c)).contains(
                    new OrderFigures.PaidOrder(paid.id().toString(), event, paid.holdId(), 2, 2));
            assertThat(OrderFigures.countByEventAndStatus(c).get(event))
                    .containsEntry("PAID", 1L).containsEntry("AWAITING_PAYMENT", 2L).containsEntry("PAYMENT_FAILED", 1L);
        }
    }

    @Test
    void rowColumnsNameTheAliasedColumnsReadRowReads() throws SQLException {
        Order order = order("ev-" + UUID.randomUUID(), "ga", 2, List.of());
        place(order);
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("select 'x', " + OrderBook.rowColumns("o") + " from "
                     + OrderBook.ORDERS + " o where o.id = ?")) {
            ps.setObject(1, order.id());
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(OrderBook.readRow(rs, 2)).isEqualTo(new OrderRow(order.id(), order.eventId(),
                        order.holdId(), order.amountMinor(), "EUR", order.paymentMethodId(),
                        OrderStatus.AWAITING_PAYMENT, 2, List.of()));
            }
        }
    }

    private static Order order(String event, String category, int quantity, List<String> seats) {
        return order(event, category, quantity, seats, Instant.now());
    }

    private static Order order(String event, String category, int quantity, List<String> seats, Instant at) {
        Instant created = at.truncatedTo(ChronoUnit.MICROS);
        return new Order(UUID.randomUUID(), "fan-" + UUID.randomUUID(), event, category,
                "hold-" + UUID.randomUUID(), quantity, 4500L * quantity, "EUR", OrderStatus.AWAITING_PAYMENT, "Ada",
                "ada@example.com", "pm_1", UUID.randomUUID().toString(), null, created, created, null, seats);
    }

    /** Places the order on its own (no outbox row): answers how many orders were written. */
    private static int place(Order order) throws SQLException {
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("with " + OrderBook.placeCte("placed")
                     + " select count(*) from placed")) {
            OrderBook.bindPlace(c, ps, 1, order);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static OrderRow row(UUID id) throws SQLException {
        try (Connection c = db.getConnection()) {
            return OrderBook.findRow(c, id).orElseThrow();
        }
    }

    /** Settles alone (without a charge row): answers {orders moved, tickets issued}. */
    private static long[] settle(OrderRow order, OrderStatus target, String reason) throws SQLException {
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("with " + OrderBook.settleCtes("moved", "issued")
                     + " select (select count(*) from moved), (select count(*) from issued)")) {
            OrderBook.bindSettle(c, ps, 1, order, target, reason);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2)};
            }
        }
    }

    private static Set<UUID> otherOverdue(String event) throws SQLException {
        Set<UUID> ids = new java.util.HashSet<>();
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("select id from " + OrderBook.ORDERS
                     + " where event_id <> ? and status = 'AWAITING_PAYMENT'")) {
            ps.setString(1, event);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getObject(1, UUID.class));
                }
            }
        }
        return ids;
    }
}
