package dev.floodgate.checkout.outbox;

import dev.floodgate.orders.OrderFigures;
import dev.floodgate.runtime.observe.Figures;
import io.helidon.metrics.api.FunctionalCounter;
import io.helidon.metrics.api.Metrics;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;

/**
 * Checkout's figures for Prometheus: orders by event and status, and the outbox (rows not yet relayed to Pulsar and the
 * oldest one's age: a relay that stalls shows as an age that grows). Read from PostgreSQL in the background every
 * {@code intervalMillis}, never per scrape: the orders count is one grouped scan of the orders table (tens of
 * milliseconds for a drop's hundreds of thousands of orders), the outbox query reads a table that stays near empty.
 */
public final class CheckoutGauges implements AutoCloseable {
    public static final String ORDERS = "floodgate_orders";
    public static final String OUTBOX_ROWS = "floodgate_outbox_rows";
    public static final String OUTBOX_AGE = "floodgate_outbox_oldest_age_seconds";
    public static final String RELAYED = "floodgate_outbox_relayed";
    private static final List<String> STATUSES = List.of("AWAITING_PAYMENT", "PAID", "PAYMENT_FAILED", "EXPIRED");

    private final Figures figures;

    private CheckoutGauges(Figures figures) {
        this.figures = figures;
    }

    public static CheckoutGauges start(DataSource dataSource, OutboxRelay relay, long intervalMillis) {
        Metrics.globalRegistry().remove(RELAYED, List.of());
        Metrics.globalRegistry().getOrCreate(FunctionalCounter.builder(RELAYED, relay, OutboxRelay::relayed)
                .description("payment requests relayed from the outbox to Pulsar"));
        return new CheckoutGauges(Figures.every(intervalMillis, "floodgate-checkout-gauges", f -> {
            try (Connection c = dataSource.getConnection()) {
                refresh(f, c);
            } catch (SQLException e) {
                // PostgreSQL unreachable: the last figures stay; the health check and the pool's gauges say why.
            }
        }));
    }

    private static void refresh(Figures f, Connection c) throws SQLException {
        // Every status of every event with orders, zeros included, so that rates and ratios have both sides.
        OrderFigures.countByEventAndStatus(c).forEach((event, counts) -> STATUSES.forEach(status -> f.set(ORDERS,
                "orders by status", counts.getOrDefault(status, 0L), "event", event, "status", status)));
        try (PreparedStatement ps = c.prepareStatement("select count(*), coalesce(extract(epoch from "
                + "clock_timestamp() - min(created_at)), 0) from checkout.outbox");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            f.set(OUTBOX_ROWS, "payment requests written but not yet relayed to Pulsar", rs.getLong(1));
            f.set(OUTBOX_AGE, "age of the oldest outbox row (0 when empty)", Math.max(0, rs.getDouble(2)));
        }
    }

    public double value(String name, String... labels) {
        return figures.get(name, labels);
    }

    @Override
    public void close() {
        figures.close();
    }
}
