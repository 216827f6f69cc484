package dev.floodgate.checkout;

import com.zaxxer.hikari.HikariDataSource;
import dev.floodgate.checkout.admission.TokenGuard;
import dev.floodgate.checkout.order.OrderRoutes;
import dev.floodgate.checkout.order.OrderService;
import dev.floodgate.checkout.order.OrderStore;
import dev.floodgate.checkout.outbox.CheckoutGauges;
import dev.floodgate.checkout.outbox.OutboxRelay;
import dev.floodgate.contracts.payment.Topics;
import dev.floodgate.grid.Grid;
import dev.floodgate.grid.GridSettings;
import dev.floodgate.orders.CheckoutSchema;
import dev.floodgate.runtime.Cors;
import dev.floodgate.runtime.Database;
import dev.floodgate.runtime.PaymentTiming;
import dev.floodgate.runtime.Readiness;
import dev.floodgate.runtime.Servers;
import dev.floodgate.runtime.ServiceConfig;
import dev.floodgate.runtime.observe.Figures;
import dev.floodgate.runtime.observe.GridMeters;
import dev.floodgate.runtime.observe.PoolMeters;
import dev.floodgate.runtime.observe.RouteLatency;
import dev.floodgate.runtime.openapi.OpenApiDocument;
import dev.floodgate.runtime.pulsar.PulsarClients;
import dev.floodgate.runtime.token.Audiences;
import io.helidon.config.Config;
import io.helidon.webserver.WebServer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;

import java.time.Clock;
import java.util.List;

/** The checkout service: places orders from holds and hands their payment requests to Pulsar through an outbox. */
public final class CheckoutServer implements AutoCloseable {
    /** How often checkout's gauges read PostgreSQL and the grid (Prometheus scrapes every 5-15 s). */
    static final long GAUGE_REFRESH_MILLIS = 2_000;
    private final WebServer server;
    private final HikariDataSource dataSource;
    private final PulsarClient pulsar;
    private final OutboxRelay relay;
    private final Grid ownedGrid;
    private final CheckoutGauges gauges;
    private final Figures gridGauges;
    private final TokenGuard tokens;

    private CheckoutServer(WebServer server, HikariDataSource dataSource, PulsarClient pulsar, OutboxRelay relay,
                           Grid ownedGrid, CheckoutGauges gauges, Figures gridGauges, TokenGuard tokens) {
        this.server = server;
        this.gauges = gauges;
        this.gridGauges = gridGauges;
        this.dataSource = dataSource;
        this.pulsar = pulsar;
        this.relay = relay;
        this.ownedGrid = ownedGrid;
        this.tokens = tokens;
    }

    /** Standalone: joins (or connects to) the grid itself. */
    public static CheckoutServer start(Config config) {
        return Grid.startOwned(GridSettings.from(config.get("grid")), grid -> start(config, grid, grid));
    }

    /** With a grid someone else owns (the local stack shares one embedded member between services). */
    public static CheckoutServer start(Config config, Grid grid) {
        return start(config, grid, null);
    }

    private static CheckoutServer start(Config config, Grid grid, Grid ownedGrid) {
        PaymentTiming timing = PaymentTiming.from(config);
        Clock clock = Clock.systemUTC();
        HikariDataSource dataSource = Database.pool(config.get("db"), "checkout");
        PulsarClient pulsar = null;
        OutboxRelay relay = null;
        CheckoutGauges gauges = null;
        Figures gridGauges = null;
        TokenGuard tokens = null;
        try {
            CheckoutSchema.migrate(dataSource);
            pulsar = PulsarClients.from(config.get("pulsar"));
            Config outbox = config.get("outbox");
            relay = new OutboxRelay(dataSource, pulsar, outbox.get("batch-size").asInt().orElse(100),
                    ServiceConfig.millis(outbox.get("poll-interval-millis"), 250),
                    ServiceConfig.millis(outbox.get("send-timeout-millis"), 10_000));
            tokens = new TokenGuard(
                    config.get("admission.jwks-url").asString().orElseThrow(
                            () -> new IllegalArgumentException("admission.jwks-url is required")),
                    config.get("admission.issuer").asString().orElse(Audiences.DEFAULT_ISSUER),
                    ServiceConfig.millis(config.get("admission.jwks-refresh-min-interval-millis"), 5_000), clock,
                    config.get("admission.verified-cache-entries").asInt().orElse(TokenGuard.DEFAULT_REMEMBERED));
            OrderStore store = new OrderStore(dataSource);
            OutboxRelay wake = relay;
            OrderService orders = new OrderService(grid.catalog(), grid.inventory(), store,
                    config.get("pulsar.topics.payment-requests").asString().orElse(Topics.PAYMENT_REQUESTS),
                    timing.holdExtension(), clock, wake::wakeUp);
            OrderRoutes routes = new OrderRoutes(orders, store, tokens,
                    config.get("checkout.max-body-bytes").asInt().orElse(4096));
            PoolMeters.register(dataSource);
            gauges = CheckoutGauges.start(dataSource, relay, GAUGE_REFRESH_MILLIS);
            gridGauges = GridMeters.sample(grid.hazelcast(), "checkout", GAUGE_REFRESH_MILLIS);
            OpenApiDocument openApi = OpenApiDocument.fromClasspath("openapi/checkout.yaml");
            WebServer server = Servers.start("checkout", config.get("server"), Cors.from(config.get("cors")),
                    routing -> {
                        routing.addFilter(RouteLatency.of("checkout"));
                        routes.register(routing);
                        openApi.routes(routing);
                    },
                    List.of(Database.healthCheck(dataSource, "database"), Readiness.check("grid", grid::isRunning)));
            return new CheckoutServer(server, dataSource, pulsar, relay, ownedGrid, gauges, gridGauges, tokens);
        } catch (RuntimeException | PulsarClientException e) {
            if (tokens != null) {
                tokens.close();
            }
            if (gauges != null) {
                gauges.close();
            }
            if (gridGauges != null) {
                gridGauges.close();
            }
            if (relay != null) {
                relay.close();
            }
            if (pulsar != null) {
                pulsar.closeAsync();
            }
            dataSource.close();
            throw e instanceof RuntimeException r ? r : new IllegalStateException("cannot reach Pulsar", e);
        }
    }

    public int port() {
        return server.port();
    }

    public String url() {
        return "http://127.0.0.1:" + server.port();
    }

    public OutboxRelay relay() {
        return relay;
    }

    @Override
    public void close() {
        tokens.close();
        gauges.close();
        gridGauges.close();
        server.stop();
        relay.close();
        try {
            pulsar.close();
        } catch (PulsarClientException e) {
            // closing anyway
        }
        dataSource.close();
        if (ownedGrid != null) {
            ownedGrid.close();
        }
    }
}
