package dev.floodgate.checkout.order;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.floodgate.contracts.order.OrderStatus;
import dev.floodgate.contracts.payment.PaymentRequest;
import dev.floodgate.engines.fixture.Engines;
import dev.floodgate.engines.fixture.SharedEngines;
import dev.floodgate.orders.CheckoutSchema;
import dev.floodgate.orders.Order;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * PostgreSQL itself never lets two live or paid orders name one seat, whatever the grid says (real PostgreSQL,
 * checkout's migrations).
 */
@ExtendWith(SharedEngines.class)
class SeatClaimsTest {
    private static HikariDataSource dataSource;
    private static OrderStore store;

    @BeforeAll
    static void start(Engines engines) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(engines.jdbcUrl());
        config.setUsername(engines.user());
        config.setPassword(engines.password());
        config.setMaximumPoolSize(2);
        dataSource = new HikariDataSource(config);
        CheckoutSchema.migrate(dataSource);
        store = new OrderStore(dataSource);
    }

    @AfterAll
    static void stop() {
        if (dataSource != null) {
            dataSource.close();
        }
    }

    private static Order order(String holdId, List<String> seats) {
        return order(holdId, seats, seats.size());
    }

    private static Order order(String holdId, List<String> seats, int quantity) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        return new Order(UUID.randomUUID(), "fan-" + UUID.randomUUID(), "gig", "stalls", holdId, quantity,
                4500L * quantity, "EUR", OrderStatus.AWAITING_PAYMENT, "Ada", "ada@example.com", "pm_1",
                UUID.randomUUID().toString(), null, now, now, null, seats);
    }

    private static Order place(Order order) {
        return store.insert(order, "payments", new PaymentRequest(order.id().toString()));
    }

    private static void setStatus(UUID orderId, OrderStatus status) throws Exception {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("update checkout.orders set status = ? where id = ?")) {
            ps.setString(1, status.name());
            ps.setObject(2, orderId);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    private static long count(String sql) throws Exception {
        try (Connection c = dataSource.getConnection(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aSecondLiveOrderNamingASeatIsRefusedAndWritesNothing() throws Exception {
        place(order("stalls.0.a", List.of("A-1-1", "A-1-2")));
        long orders = count("select count(*) from checkout.orders");
        long outbox = count("select count(*) from checkout.outbox");
        assertThatThrownBy(() -> place(order("stalls.0.b", List.of("A-1-2", "A-1-3"))))
                .isInstanceOf(OrderStore.SeatTaken.class);
        assertThat(count("select count(*) from checkout.orders")).isEqualTo(orders);
        assertThat(count("select count(*) from checkout.outbox")).isEqualTo(outbox);
        assertThat(count("select count(*) from checkout.seat_claims where seat_id = 'A-1-3'")).isZero();
    }

    @Test
    void aPaidOrderKeepsItsSeats() throws Exception {
        Order paid = place(order("stalls.0.c", List.of("B-1-1")));
        setStatus(paid.id(), OrderStatus.PAID);
        assertThatThrownBy(() -> place(order("stalls.0.d", List.of("B-1-1"))))
                .isInstanceOf(OrderStore.SeatTaken.class);
    }

    @Test
    void anOrderThatEndsUnpaidGivesItsSeatsBack() throws Exception {
        Order failed = place(order("stalls.0.e", List.of("C-1-1")));
        setStatus(failed.id(), OrderStatus.PAYMENT_FAILED);
        Order expired = place(order("stalls.0.f", List.of("C-1-1")));
        setStatus(expired.id(), OrderStatus.EXPIRED);
        place(order("stalls.0.g", List.of("C-1-1")));
        assertThat(count("select count(*) from checkout.seat_claims where seat_id = 'C-1-1'")).isEqualTo(1);
    }

    @Test
    void generalAdmissionOrdersClaimNothing() throws Exception {
        long before = count("select count(*) from checkout.seat_claims");
        place(order("ga.0.h", List.of(), 2));
        assertThat(count("select count(*) from checkout.seat_claims")).isEqualTo(before);
    }
}
