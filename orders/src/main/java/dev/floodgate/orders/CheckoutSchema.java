package dev.floodgate.orders;

import org.flywaydb.core.Flyway;

import javax.sql.DataSource;

/**
 * The {@code checkout} schema's migrations ({@code classpath:db/checkout}: orders, tickets, seat claims, and
 * checkout's payment-request outbox, which the first script creates with the orders). Checkout applies them at start;
 * tests of the parts that read or settle orders apply the same ones.
 */
public final class CheckoutSchema {
    public static final String NAME = "checkout";

    private CheckoutSchema() {
    }

    /** Applies the migrations not applied yet, creating the schema if needed (history: {@code flyway_history_checkout}). */
    public static void migrate(DataSource dataSource) {
        Flyway.configure()
                .dataSource(dataSource)
                .schemas(NAME)
                .createSchemas(true)
                .locations("classpath:db/" + NAME)
                .table("flyway_history_" + NAME)
                .load()
                .migrate();
    }
}
