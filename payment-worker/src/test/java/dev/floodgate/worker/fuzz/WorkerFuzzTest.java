package dev.floodgate.worker.fuzz;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.floodgate.engines.fixture.Engines;
import dev.floodgate.engines.fixture.SharedEngines;
import dev.floodgate.grid.Grid;
import dev.floodgate.grid.GridSettings;
import dev.floodgate.ops.simulator.Ledger;
import dev.floodgate.ops.simulator.SimulatorServer;
import dev.floodgate.ops.simulator.Webhooks;
import dev.floodgate.runtime.Database;
import dev.floodgate.runtime.ServiceConfig;
import dev.floodgate.runtime.fuzz.Fuzz;
import dev.floodgate.worker.WorkerServer;
import dev.floodgate.worker.settle.WorkerFixture;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Every payment-worker endpoint fed seeded random input ({@link Fuzz}): provider callbacks signed with the right
 * secret (so the handler past the signature is reached) or not, with events of the right shape and wrong values, of
 * the wrong shape, or not JSON; operator sign-ins and sessions; the operator API's query parameters. Never a 5xx or a
 * hang; a refused request changes no order, charge or refund.
 */
@ExtendWith(SharedEngines.class)
class WorkerFuzzTest {
    static final int CASES = 200;
    private static final String SECRET = "fuzz-webhook-secret-0123456789";
    private static final String OPERATOR_PASSWORD = "operator-password-for-tests";
    private static final List<String> FIELDS = List.of("id", "type", "data", "username", "password");
    private static final List<String[]> ROUTES = List.of(new String[] {"POST", "/webhooks/provider"},
            new String[] {"POST", "/webhooks/provider"}, new String[] {"POST", "/api/operator/sessions"},
            new String[] {"DELETE", "/api/operator/sessions"}, new String[] {"GET", "/api/operator/me"},
            new String[] {"GET", "/api/operator/audit"}, new String[] {"GET", "/api/operator/dead-letters"},
            new String[] {"GET", "/api/operator/worker"}, new String[] {"GET", "/openapi"});
    private static Grid grid;
    private static SimulatorServer simulator;
    private static WorkerServer worker;
    private static HikariDataSource db;
    /** Orders awaiting payment, so that some signed callbacks name a real one and reach settlement. */
    private static final List<String> orders = new java.util.ArrayList<>();

    @BeforeAll
    static void start(Engines engines) {
        WorkerFixture.migrateCheckoutSchema(engines);
        grid = Grid.start(GridSettings.embedded("worker-fuzz-" + UUID.randomUUID()));
        simulator = SimulatorServer.start(ServiceConfig.load(SimulatorServer.DEFAULTS_RESOURCE,
                Map.of("server.port", "0")), new Ledger());
        // Random credentials must not lock the operator out (each wrong password counts).
        worker = WorkerFixture.startWorker(engines, grid, simulator.url(), SECRET, OPERATOR_PASSWORD,
                "fuzz-payment-requests", Map.of("operator.account-failures", "100000000",
                        "operator.address-failures", "100000000"));
        for (int i = 0; i < 6; i++) {
            try {
                orders.add(WorkerFixture.placeOrder(engines, grid, "pm_fuzz", 1, "worker-fuzz").orderId().toString());
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        }
        db = Database.pool(Config.just(ConfigSources.create(Map.of("url", engines.jdbcUrl(), "user", engines.user(),
                "password", engines.password(), "pool.max-size", "2"))), "fuzz-snapshot");
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {worker, simulator, grid, db}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void noInputGets5xxHangsOrChangesAnythingWhenRefused() {
        Fuzz fuzz = new Fuzz(CASES);
        String basic = "Basic " + Base64.getEncoder().encodeToString(("operator:" + OPERATOR_PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < fuzz.cases(); i++) {
            String[] route = ROUTES.get(fuzz.random.nextInt(ROUTES.size()));
            Map<String, String> headers = new LinkedHashMap<>();
            String contentType = fuzz.contentType();
            if (!contentType.isEmpty()) {
                headers.put("Content-Type", contentType);
            }
            byte[] body = route[1].startsWith("/webhooks") && fuzz.random.nextBoolean() ? callback(fuzz)
                    : fuzz.body(FIELDS);
            if (route[1].startsWith("/webhooks")) {
                String t = fuzz.random.nextInt(5) == 0 ? fuzz.pick("0", "abc", "99999999999999999999")
                        : Long.toString(System.currentTimeMillis() / 1000);
                String secret = fuzz.random.nextInt(4) == 0 ? "another-secret-0123456789" : SECRET;
                headers.put(Webhooks.SIGNATURE_HEADER, fuzz.random.nextInt(6) == 0 ? fuzz.headerText(40)
                        : "t=" + t + ",v1=" + Webhooks.sign(secret, t, body));
            } else {
                switch (fuzz.random.nextInt(4)) {
                    case 0 -> { }
                    case 1 -> headers.put("Authorization", basic);
                    case 2 -> headers.put("Authorization", "Basic " + fuzz.headerText(20));
                    default -> headers.put("Authorization", fuzz.bearer(List.of(UUID.randomUUID().toString())));
                }
            }
            String path = route[1] + fuzz.query(fuzz.pick("limit", "from", "eventId"));
            fuzz.check(worker.url(), new Fuzz.Request(i, route[0], path, headers, body), WorkerFuzzTest::snapshot);
        }
        System.out.println(fuzz.summary());
    }

    /** A provider event of the right shape, each field right or wrong. */
    private static byte[] callback(Fuzz fuzz) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode o = f.objectNode();
        o.set("id", fuzz.random.nextInt(4) == 0 ? fuzz.jsonValue(2) : f.textNode("evt_" + fuzz.random.nextInt(1000)));
        o.set("type", fuzz.random.nextInt(4) == 0 ? fuzz.jsonValue(2) : f.textNode(fuzz.pick("charge.succeeded",
                "charge.failed", "charge.refunded", "ping")));
        ObjectNode data = f.objectNode();
        data.set("id", fuzz.random.nextInt(4) == 0 ? fuzz.jsonValue(2) : f.textNode("ch_" + fuzz.random.nextInt(1000)));
        data.set("status", fuzz.random.nextInt(4) == 0 ? fuzz.jsonValue(2)
                : f.textNode(fuzz.pick("succeeded", "failed", "refunded")));
        data.set("amountMinor", fuzz.random.nextInt(3) == 0 ? fuzz.jsonValue(2) : f.numberNode(4500));
        data.set("currency", fuzz.random.nextInt(4) == 0 ? fuzz.jsonValue(2) : f.textNode("EUR"));
        data.set("reference", fuzz.random.nextInt(4) == 0 ? fuzz.jsonValue(2)
                : f.textNode(fuzz.random.nextBoolean() ? orders.get(fuzz.random.nextInt(orders.size()))
                : UUID.randomUUID().toString()));
        o.set("data", fuzz.random.nextInt(6) == 0 ? fuzz.jsonValue(1) : data);
        return o.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Every order, charge and refund: counts and the latest change of each. */
    private static String snapshot() {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "select (select count(*) || ' ' || coalesce(max(updated_at)::text, '') from checkout.orders),"
                        + " (select count(*) from payment.charges), (select count(*) from payment.refunds)")) {
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return "orders " + rs.getString(1) + " charges " + rs.getLong(2) + " refunds " + rs.getLong(3);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
