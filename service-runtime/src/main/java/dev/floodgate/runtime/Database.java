package dev.floodgate.runtime;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.floodgate.contracts.error.ApiException;
import io.helidon.config.Config;
import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import org.flywaydb.core.Flyway;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLTransientException;
import javax.sql.DataSource;

/**
 * A service's PostgreSQL: a bounded HikariCP pool from the {@code db} config node, and schemas migrated by Flyway.
 *
 * <p>All services use one database, one schema per set of migrations, each migrated by the service that owns it:
 * {@code edge} (queue-edge), {@code catalog} (queue-edge, through inventory-grid's {@code CatalogStore}),
 * {@code checkout} (checkout; its migrations ship in the {@code orders} module), {@code payment} (payment-worker) and
 * {@code operators} (queue-edge and payment-worker both, through
 * {@link dev.floodgate.runtime.operator.OperatorAccess}). Every statement on {@code checkout.orders} and
 * {@code checkout.tickets} is the {@code orders} module's ({@code OrderBook}, {@code OrderFigures}): checkout places
 * orders with it, the payment-worker settles them and audits them with it (composing its {@code payment.charges}
 * statements with the module's), and inventory-grid's {@code GridRebuild} reads the live orders to rebuild a cold
 * grid. Queue-edge and payment-worker share the operator accounts, sessions and audit trail.
 */
public final class Database {
    private Database() {
    }

    /**
     * @param db   config node with {@code url}, {@code user}, {@code password}, {@code pool.max-size},
     *             {@code pool.min-idle} (default: max-size), {@code pool.connection-timeout-millis}
     * @param name pool name, for logs and metrics
     */
    public static HikariDataSource pool(Config db, String name) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName(name);
        hikari.setJdbcUrl(db.get("url").asString().orElseThrow(() -> new IllegalArgumentException("db.url is required")));
        hikari.setUsername(db.get("user").asString().orElse("floodgate"));
        hikari.setPassword(db.get("password").asString().orElse(""));
        hikari.setMaximumPoolSize(db.get("pool.max-size").asInt().orElse(10));
        // A fixed-size pool unless told otherwise (HikariCP's own advice): a drop is a burst, and a pool that grows
        // one connection at a time while requests wait was answering 503 "busy" at 3 s in the full-drop runs.
        int minIdle = db.get("pool.min-idle").asInt().orElse(hikari.getMaximumPoolSize());
        hikari.setMinimumIdle(Math.max(0, Math.min(minIdle, hikari.getMaximumPoolSize())));
        hikari.setConnectionTimeout(db.get("pool.connection-timeout-millis").asLong().orElse(3_000L));
        hikari.setValidationTimeout(1_000);
        // Start even while PostgreSQL is down: requests then fail with 503 and the pool recovers on its own.
        hikari.setInitializationFailTimeout(-1);
        return new HikariDataSource(hikari);
    }

    /** Applies the migrations under {@code classpath:db/<schema>} to {@code schema}, creating it if needed. */
    public static void migrate(DataSource dataSource, String schema) {
        Flyway.configure()
                .dataSource(dataSource)
                .schemas(schema)
                .createSchemas(true)
                .locations("classpath:db/" + schema)
                .table("flyway_history_" + schema)
                .load()
                .migrate();
    }

    /**
     * Readiness: PostgreSQL answered a probe recently. Answered from {@link DatabaseProbe} within
     * {@link DatabaseProbe#ANSWER_WITHIN_MILLIS}, never after the pool's timeout: a load balancer's check that waited
     * on a saturated pool timed out, took a busy (not broken) service out of rotation and moved its load onto the
     * others (the 300-fan cluster rush collapsed that way). A pool that is only busy counts as up.
     */
    public static HealthCheck healthCheck(DataSource dataSource, String name) {
        DatabaseProbe probe = new DatabaseProbe(dataSource);
        return new HealthCheck() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public HealthCheckType type() {
                return HealthCheckType.READINESS;
            }

            @Override
            public HealthCheckResponse call() {
                DatabaseProbe.Result r = probe.latest();
                HealthCheckResponse.Builder b = HealthCheckResponse.builder().status(r.up());
                r.detail().ifPresent(d -> b.detail("detail", d));
                return b.build();
            }
        };
    }

    /**
     * Whether the pool's wait for a connection ran out while every connection was in use, with no failure to reach
     * PostgreSQL behind it: overload (a spike), not an outage. HikariCP then throws without a cause; when PostgreSQL
     * cannot be reached the cause is the connection failure.
     */
    public static boolean isBusy(SQLException e) {
        return e instanceof SQLTransientConnectionException && e.getCause() == null;
    }

    /**
     * The 503 for a failure {@link #isUnavailable} accepts: "busy" when the pool was only exhausted, else
     * {@code unreachableMessage}. Both carry Retry-After.
     */
    public static ApiException unavailable(SQLException e, String unreachableMessage) {
        return ApiException.unavailable(isBusy(e)
                ? "too many requests at once right now, try again shortly" : unreachableMessage);
    }

    /** Whether a failure means "the database is not reachable now" (answer 503) rather than a bug. */
    public static boolean isUnavailable(SQLException e) {
        String state = e.getSQLState();
        return e instanceof SQLTransientException
                || (state != null && (state.startsWith("08") || state.startsWith("57P") || state.equals("53300")));
    }
}
