package dev.floodgate.worker;

import com.zaxxer.hikari.HikariDataSource;
import dev.floodgate.grid.Grid;
import dev.floodgate.grid.GridSettings;
import dev.floodgate.runtime.Database;
import dev.floodgate.runtime.PaymentTiming;
import dev.floodgate.runtime.Readiness;
import dev.floodgate.runtime.Servers;
import dev.floodgate.runtime.observe.Figures;
import dev.floodgate.runtime.observe.GridMeters;
import dev.floodgate.runtime.observe.PoolMeters;
import dev.floodgate.runtime.observe.RouteLatency;
import dev.floodgate.runtime.openapi.OpenApiDocument;
import dev.floodgate.runtime.pulsar.PulsarClients;
import dev.floodgate.worker.gateway.ProviderGateway;
import dev.floodgate.worker.gateway.ProviderSettings;
import dev.floodgate.worker.operator.OperatorRoutes;
import dev.floodgate.worker.payment.ConsumerSettings;
import dev.floodgate.worker.payment.PaymentConsumer;
import dev.floodgate.worker.payment.PaymentProcessor;
import dev.floodgate.worker.payment.PaymentStore;
import dev.floodgate.worker.payment.WorkerMetrics;
import dev.floodgate.worker.reconcile.Reconciler;
import dev.floodgate.worker.reconcile.ReconcilerSettings;
import dev.floodgate.worker.webhook.WebhookRoutes;
import io.helidon.config.Config;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.Metrics;
import io.helidon.webserver.WebServer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;

import java.util.List;

/**
 * The payment worker: consumes payment requests from Pulsar, charges them through the card processor, records the
 * outcome in its own schema {@code payment}, settles the order in {@code checkout.orders} (with the {@code orders}
 * module's statements) and the hold in the grid. A {@link Reconciler} settles orders whose outcome stayed unknown
 * past {@code timing.payment-timeout-millis}.
 * Its HTTP server serves {@code /observe/health} (readiness: Pulsar consumer connected, database, grid),
 * {@code /observe/metrics} (counters named {@code floodgate_worker_*}), the operator endpoints
 * {@code GET /api/operator/audit} and {@code GET /api/operator/dead-letters} (HTTP Basic, {@code operator.*}), and
 * the provider's signed callbacks at {@code POST /webhooks/provider} (when {@code provider.webhook-secret} is set).
 */
public final class WorkerServer implements AutoCloseable {
    public static final String DEFAULTS_RESOURCE = "payment-worker.yaml";
    /** How often the grid's gauges are sampled (Prometheus scrapes every 5-15 s). */
    static final long GAUGE_REFRESH_MILLIS = 5_000;
    static final String IN_FLIGHT = "floodgate_payments_in_flight";
    static final String RECEIVER_QUEUE = "floodgate_pulsar_consumer_receiver_queue_messages";

    private final WebServer server;
    private final HikariDataSource dataSource;
    private final PulsarClient pulsar;
    private final PaymentConsumer consumer;
    private final WorkerMetrics metrics;
    private final Reconciler reconciler;
    private final ProviderGateway gateway;
    private final Grid ownedGrid;
    private final Figures gridGauges;

    private WorkerServer(WebServer server, HikariDataSource dataSource, PulsarClient pulsar, PaymentConsumer consumer,
                         WorkerMetrics metrics, Reconciler reconciler, ProviderGateway gateway, Grid ownedGrid,
                         Figures gridGauges) {
        this.server = server;
        this.gridGauges = gridGauges;
        this.reconciler = reconciler;
        this.gateway = gateway;
        this.dataSource = dataSource;
        this.pulsar = pulsar;
        this.consumer = consumer;
        this.metrics = metrics;
        this.ownedGrid = ownedGrid;
    }

    /** Standalone: joins (or connects to) the grid itself, from {@code grid.*}. */
    public static WorkerServer start(Config config) {
        return Grid.startOwned(GridSettings.from(config.get("grid")), grid -> start(config, grid, grid));
    }

    /** With a grid someone else owns and closes (the local stack shares one embedded member between services). */
    public static WorkerServer start(Config config, Grid grid) {
        return start(config, grid, null);
    }

    private static WorkerServer start(Config config, Grid grid, Grid ownedGrid) {
        PaymentTiming timing = PaymentTiming.from(config);
        ConsumerSettings consumerSettings = ConsumerSettings.from(config);
        ProviderGateway gateway = new ProviderGateway(ProviderSettings.from(config.get("provider")));
        HikariDataSource dataSource = Database.pool(config.get("db"), "payment-worker");
        PulsarClient pulsar = null;
        PaymentConsumer consumer = null;
        Reconciler reconciler = null;
        Figures gridGauges = null;
        try {
            Database.migrate(dataSource, "payment");
            pulsar = PulsarClients.from(config.get("pulsar"));
            WorkerMetrics metrics = new WorkerMetrics();
            PaymentStore store = new PaymentStore(dataSource);
            PaymentProcessor processor = new PaymentProcessor(store, gateway, grid.inventory(), metrics);
            consumer = new PaymentConsumer(pulsar, consumerSettings, processor, metrics);
            reconciler = new Reconciler(store, processor, gateway, metrics,
                    ReconcilerSettings.from(config.get("reconciler"), timing.paymentTimeout(),
                            gateway.settings().worstCase()));
            PaymentConsumer subscribed = consumer;
            OperatorRoutes operator = OperatorRoutes.from(config, dataSource, grid.inventory(), gateway, pulsar,
                    consumerSettings.deadLetterTopic(), metrics);
            WebhookRoutes webhooks = WebhookRoutes.from(config.get("provider"), store, processor, metrics);
            PoolMeters.register(dataSource);
            PaymentConsumer counted = consumer;
            Metrics.globalRegistry().remove(IN_FLIGHT, List.of());
            Metrics.globalRegistry().getOrCreate(Gauge.builder(IN_FLIGHT, counted, PaymentConsumer::inFlight)
                    .description("payment requests being processed (received, not yet acknowledged or nacked)"));
            Metrics.globalRegistry().remove(RECEIVER_QUEUE, List.of());
            Metrics.globalRegistry().getOrCreate(Gauge.builder(RECEIVER_QUEUE, counted,
                            PaymentConsumer::receiverQueueMessages)
                    .description("payment requests fetched from Pulsar and waiting in the client for a handler"));
            gridGauges = GridMeters.sample(grid.hazelcast(), "payment-worker", GAUGE_REFRESH_MILLIS);
            OpenApiDocument openApi = OpenApiDocument.fromClasspath("openapi/payment-worker.yaml");
            WebServer server = Servers.start("payment-worker", config.get("server"), routing -> {
                routing.addFilter(RouteLatency.of("payment-worker"));
                operator.register(routing);
                webhooks.register(routing);
                openApi.routes(routing);
            }, List.of(
                    Database.healthCheck(dataSource, "database"),
                    Readiness.check("pulsar-consumer", subscribed::isConnected),
                    Readiness.check("grid", grid::isRunning)));
            return new WorkerServer(server, dataSource, pulsar, consumer, metrics, reconciler, gateway, ownedGrid,
                    gridGauges);
        } catch (RuntimeException | PulsarClientException e) {
            if (gridGauges != null) {
                gridGauges.close();
            }
            if (reconciler != null) {
                reconciler.close();
            }
            if (consumer != null) {
                consumer.close();
            }
            if (pulsar != null) {
                pulsar.closeAsync();
            }
            dataSource.close();
            throw e instanceof RuntimeException r ? r : new IllegalStateException("cannot create the Pulsar client", e);
        }
    }

    public int port() {
        return server.port();
    }

    public String url() {
        return "http://127.0.0.1:" + server.port();
    }

    /** This worker's own counters (the registry at /observe/metrics is shared by the JVM). */
    public WorkerMetrics metrics() {
        return metrics;
    }

    public boolean isConsuming() {
        return consumer.isConnected();
    }

    public Reconciler reconciler() {
        return reconciler;
    }

    public ProviderGateway gateway() {
        return gateway;
    }

    @Override
    public void close() {
        gridGauges.close();
        server.stop();
        reconciler.close();
        consumer.close();
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
