package dev.floodgate.worker.settle;

import dev.floodgate.contracts.payment.PaymentRequest;
import dev.floodgate.engines.fixture.Engines;
import dev.floodgate.grid.Grid;
import dev.floodgate.grid.catalog.CategoryInfo;
import dev.floodgate.grid.catalog.EventInfo;
import dev.floodgate.grid.hold.HoldResult;
import dev.floodgate.orders.CheckoutSchema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** Shared helpers of the worker's settlement tests: orders as checkout writes them, polling, columns. */
public final class WorkerFixture {
    static final String CATEGORY = "floor";
    static final Duration DEADLINE = Duration.ofSeconds(45);
    private static final AtomicInteger EVENTS = new AtomicInteger();

    private WorkerFixture() {
    }

    /** An order row as checkout writes it ({@code amountMinor}, {@code paymentMethodId} its columns) and its message. */
    public record TestOrder(UUID orderId, String eventId, String holdId, String fanId, int quantity,
                     long amountMinor, String paymentMethodId, PaymentRequest request) {
    }

    /** checkout's schema, from the migrations checkout applies (the orders module's). */
    public static void migrateCheckoutSchema(Engines engines) {
        var dataSource = new org.postgresql.ds.PGSimpleDataSource();
        dataSource.setURL(engines.jdbcUrl());
        dataSource.setUser(engines.user());
        dataSource.setPassword(engines.password());
        CheckoutSchema.migrate(dataSource);
    }

    /** A fresh event with 10 seats, a hold of {@code quantity} in checkout for the order, and the order row. */
    public static TestOrder placeOrder(Engines engines, Grid grid, String paymentMethodId, int quantity, String prefix)
            throws SQLException {
        String eventId = prefix + "-" + EVENTS.incrementAndGet();
        grid.inventory().stock(new EventInfo(eventId, "Test " + eventId, System.currentTimeMillis() + 86_400_000L,
                4, 300_000, List.of(new CategoryInfo(CATEGORY, "Floor", 10, 4_500, "EUR"))));
        String fanId = "fan-" + UUID.randomUUID();
        HoldResult held = grid.inventory().hold(eventId, CATEGORY, fanId, UUID.randomUUID().toString(), quantity,
                Duration.ofMinutes(5));
        assertThat(held.done()).isTrue();
        String holdId = held.hold().holdId();
        UUID orderId = UUID.randomUUID();
        assertThat(grid.inventory().markInCheckout(eventId, holdId, fanId, orderId.toString(), Duration.ofMinutes(15))
                .done()).isTrue();
        long amount = 4_500L * quantity;
        try (Connection c = engines.connect();
             PreparedStatement ps = c.prepareStatement("insert into checkout.orders (id, fan_id, event_id,"
                     + " category_id, hold_id, quantity, amount_minor, currency, status, buyer_name, buyer_email,"
                     + " payment_method_id, idempotency_key) values (?, ?, ?, ?, ?, ?, ?, 'EUR',"
                     + " 'AWAITING_PAYMENT', 'Ada Fan', 'ada@example.test', ?, ?)")) {
            ps.setObject(1, orderId);
            ps.setString(2, fanId);
            ps.setString(3, eventId);
            ps.setString(4, CATEGORY);
            ps.setString(5, holdId);
            ps.setInt(6, quantity);
            ps.setLong(7, amount);
            ps.setString(8, paymentMethodId);
            ps.setString(9, UUID.randomUUID().toString());
            ps.executeUpdate();
        }
        return new TestOrder(orderId, eventId, holdId, fanId, quantity, amount, paymentMethodId,
                new PaymentRequest(orderId.toString()));
    }

    static String orderColumn(Engines engines, TestOrder order, String column) {
        return column(engines, "select " + column + " from checkout.orders where id = ?", order.orderId());
    }

    static String chargeColumn(Engines engines, TestOrder order, String column) {
        return column(engines, "select " + column + " from payment.charges where order_id = ?", order.orderId());
    }

    static long tickets(Engines engines, TestOrder order) {
        return Long.parseLong(column(engines, "select count(*) from checkout.tickets where order_id = ?",
                order.orderId()));
    }

    public static String column(Engines engines, String sql, UUID id) {
        try (Connection c = engines.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                Object value = rs.getObject(1);
                return value instanceof Timestamp t ? t.toInstant().toString() : value == null ? null : value.toString();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Polls until the condition holds or the deadline passes; no fixed sleeps. */
    static void awaitUntil(String what, BooleanSupplier condition) {
        awaitUntil(what, condition, DEADLINE);
    }

    public static void awaitUntil(String what, BooleanSupplier condition, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + limit.toSeconds() + " s waiting until " + what);
            }
            LockSupport.parkNanos(Duration.ofMillis(25).toNanos());
        }
    }

    /**
     * A payment-worker on a free port, on the test engines, charging at {@code providerUrl}, taking signed callbacks
     * with {@code webhookSecret}, with operator "operator" / {@code operatorPassword}; the reconciler off.
     */
    public static dev.floodgate.worker.WorkerServer startWorker(Engines engines, Grid grid, String providerUrl,
                                                                String webhookSecret, String operatorPassword,
                                                                String topic, java.util.Map<String, String> more) {
        java.util.Map<String, String> overrides = new java.util.HashMap<>();
        overrides.put("server.port", "0");
        overrides.put("db.url", engines.jdbcUrl());
        overrides.put("db.user", engines.user());
        overrides.put("db.password", engines.password());
        overrides.put("pulsar.service-url", engines.pulsarServiceUrl());
        overrides.put("pulsar.topics.payment-requests", engines.topic(topic));
        overrides.put("provider.url", providerUrl);
        overrides.put("provider.webhook-secret", webhookSecret);
        overrides.put("reconciler.enabled", "false");
        overrides.put("operator.username", "operator");
        overrides.put("operator.password", operatorPassword);
        overrides.putAll(more);
        return dev.floodgate.worker.WorkerServer.start(dev.floodgate.runtime.ServiceConfig.load(
                dev.floodgate.worker.WorkerServer.DEFAULTS_RESOURCE, overrides), grid);
    }
}
