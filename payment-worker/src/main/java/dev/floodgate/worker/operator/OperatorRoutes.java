package dev.floodgate.worker.operator;

import dev.floodgate.contracts.error.ApiException;
import dev.floodgate.contracts.http.JsonHttp;
import dev.floodgate.grid.inventory.Inventory;
import dev.floodgate.runtime.Database;
import dev.floodgate.worker.gateway.ProviderGateway;
import dev.floodgate.worker.gateway.ProviderUnavailableException;
import dev.floodgate.worker.payment.WorkerMetrics;
import dev.floodgate.runtime.operator.OperatorAccess;
import dev.floodgate.runtime.operator.OperatorAccountRoutes;
import dev.floodgate.runtime.operator.OperatorAuth;
import dev.floodgate.runtime.operator.OperatorSettings;
import dev.floodgate.runtime.operator.Role;
import io.helidon.config.Config;
import io.helidon.webserver.http.HttpRouting;
import org.apache.pulsar.client.api.PulsarClient;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Map;

/**
 * The worker's operator API, signed in with the same operator accounts and sessions as the edge (service-runtime's
 * {@link OperatorAccess}: a session token from {@code POST /api/operator/sessions} here or on the edge, or HTTP
 * Basic); every call here is a read, open to any role:
 * <ul>
 *   <li>{@code GET /api/operator/audit}: {@link Audit.Report}; 200 whether or not the books agree ({@code ok}
 *       says), 503 when PostgreSQL or the provider cannot be asked;</li>
 *   <li>{@code GET /api/operator/dead-letters?limit=50}: the dead-letter topic, read without consuming;</li>
 *   <li>{@code GET /api/operator/worker}: this worker's counters and circuit-breaker state.</li>
 * </ul>
 */
public final class OperatorRoutes {
    private final OperatorAccountRoutes signIn;
    private final Audit audit;
    private final DeadLetters deadLetters;
    private final WorkerMetrics metrics;
    private final ProviderGateway gateway;

    private OperatorRoutes(OperatorAccountRoutes signIn, Audit audit, DeadLetters deadLetters, WorkerMetrics metrics,
                           ProviderGateway gateway) {
        this.signIn = signIn;
        this.audit = audit;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.gateway = gateway;
    }

    public static OperatorRoutes from(Config config, DataSource dataSource, Inventory inventory,
                                      ProviderGateway gateway, PulsarClient pulsar, String deadLetterTopic,
                                      WorkerMetrics metrics) {
        // The same accounts and sessions as the edge (schema "operators"); the first service up creates the admin.
        OperatorAccess operators = OperatorAccess.start(dataSource, OperatorSettings.from(config.get("operator")),
                Clock.systemUTC(), "payment-worker");
        Audit audit = new Audit(dataSource, inventory, gateway,
                config.get("provider.audit-charges-path").asString().orElse("/v1/simulator/charges"),
                config.get("provider.audit-refunds-path").asString().orElse("/v1/simulator/refunds"));
        return new OperatorRoutes(OperatorAccountRoutes.signInOnly(operators), audit, new DeadLetters(pulsar, deadLetterTopic), metrics, gateway);
    }

    public void register(HttpRouting.Builder routing) {
        signIn.register(routing);
        routing.get("/api/operator/audit", (req, res) -> {
            OperatorAuth.require(req, Role.VIEWER);
            try {
                JsonHttp.ok(res, audit.run());
            } catch (SQLException e) {
                throw Database.isUnavailable(e) ? ApiException.unavailable("the database is unavailable, retry")
                        : new IllegalStateException("audit failed", e);
            } catch (ProviderUnavailableException e) {
                throw ApiException.unavailable("the payment provider cannot be asked right now, retry");
            }
        });
        routing.get("/api/operator/dead-letters", (req, res) -> {
            OperatorAuth.require(req, Role.VIEWER);
            int limit = req.query().first("limit").asOptional().map(OperatorRoutes::limit).orElse(50);
            try {
                JsonHttp.ok(res, deadLetters.list(limit));
            } catch (java.io.IOException e) {
                throw ApiException.unavailable("the dead-letter topic cannot be read right now, retry");
            }
        });
        routing.get("/api/operator/worker", (req, res) -> {
            OperatorAuth.require(req, Role.VIEWER);
            JsonHttp.ok(res, Map.of("counters", metrics.snapshot(),
                    "providerCircuitBreaker", gateway.breakerState().name()));
        });
    }

    private static int limit(String text) {
        try {
            int n = Integer.parseInt(text);
            if (n >= 1 && n <= 1000) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw ApiException.badRequest("limit must be 1..1000", "limit");
    }
}
