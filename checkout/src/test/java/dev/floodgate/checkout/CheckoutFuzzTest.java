package dev.floodgate.checkout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.floodgate.contracts.http.Json;
import dev.floodgate.engines.fixture.Engines;
import dev.floodgate.engines.fixture.SharedEngines;
import dev.floodgate.grid.Grid;
import dev.floodgate.grid.GridSettings;
import dev.floodgate.grid.catalog.CategoryInfo;
import dev.floodgate.grid.catalog.EventInfo;
import dev.floodgate.runtime.Database;
import dev.floodgate.runtime.fuzz.Fuzz;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Every checkout endpoint fed seeded random input ({@link Fuzz}): order bodies of the right shape with wrong values
 * (real holds of the fan among them, so some orders are placed), of the wrong shape and not JSON; order ids of any
 * text; admission and fan tokens, forged, expired, for another event, or junk; idempotency keys of any kind. Never a
 * 5xx or a hang; a refused request changes neither the event's stock nor the orders and outbox rows.
 */
@ExtendWith(SharedEngines.class)
class CheckoutFuzzTest {
    static final int CASES = 250;
    private static final String EVENT = "fuzz-gig";
    private static final int FANS = 10;
    private static final String FAN = "fuzz-fan-" + UUID.randomUUID() + "-";
    private static final List<String> FIELDS = List.of("eventId", "holdId", "paymentMethodId", "buyer", "seats",
            "quantity", "categoryId");
    private static final List<String[]> ROUTES = List.of(new String[] {"POST", "/api/orders"},
            new String[] {"GET", "/api/orders"}, new String[] {"GET", "/api/orders/{o}"},
            new String[] {"GET", "/api/orders/{o}/tickets"}, new String[] {"GET", "/openapi"});
    private static Grid grid;
    private static TestIssuer issuer;
    private static CheckoutServer checkout;
    private static HikariDataSource db;
    /** Each fan's holds, by fan number. */
    private static final List<List<String>> holds = new ArrayList<>();
    private static final List<String> orderIds = new ArrayList<>();

    @BeforeAll
    static void start(Engines engines) {
        grid = Grid.start(GridSettings.embedded("checkout-fuzz-" + UUID.randomUUID()));
        EventInfo event = new EventInfo(EVENT, "Gig", 0, 20, 600_000,
                List.of(new CategoryInfo("ga", "General", 10_000, 4500, "EUR")));
        grid.catalog().add(event);
        grid.inventory().stock(event);
        issuer = new TestIssuer();
        checkout = RunningCheckout.start(engines, grid, issuer, "fuzz-payment-requests");
        db = Database.pool(Config.just(ConfigSources.create(Map.of("url", engines.jdbcUrl(), "user", engines.user(),
                "password", engines.password(), "pool.max-size", "2"))), "fuzz-snapshot");
        for (int fan = 0; fan < FANS; fan++) {
            List<String> own = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                own.add(grid.inventory().hold(EVENT, "ga", FAN + fan, UUID.randomUUID().toString(), 1,
                        Duration.ofMinutes(10)).hold().holdId());
            }
            holds.add(own);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {checkout, issuer, grid, db}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void noInputGets5xxHangsOrChangesAnythingWhenRefused() {
        Fuzz fuzz = new Fuzz(CASES);
        for (int i = 0; i < fuzz.cases(); i++) {
            int fan = fuzz.random.nextInt(FANS);
            List<String> tokens = List.of(issuer.admission(FAN + fan, EVENT), issuer.admission(FAN + fan, EVENT),
                    issuer.fan(FAN + fan), issuer.admission(FAN + fan, "other-event"),
                    issuer.expiredAdmission(FAN + fan, EVENT), issuer.admission(FAN + ((fan + 1) % FANS), EVENT));
            // Half the cases are an order one mistake or none away from right: they reach past the checks.
            boolean nearlyRight = fuzz.random.nextBoolean();
            String[] route = nearlyRight ? ROUTES.get(0) : ROUTES.get(fuzz.random.nextInt(ROUTES.size()));
            String path = route[1].replace("{o}", !orderIds.isEmpty() && fuzz.random.nextInt(3) == 0
                    ? orderIds.get(fuzz.random.nextInt(orderIds.size()))
                    : fuzz.random.nextBoolean() ? UUID.randomUUID().toString() : fuzz.segment())
                    + (nearlyRight ? "" : fuzz.query("limit"));
            Map<String, String> headers = new LinkedHashMap<>();
            if (nearlyRight && fuzz.random.nextInt(5) != 0) {
                headers.put("Authorization", "Bearer " + tokens.get(0));
            } else if (fuzz.random.nextInt(6) != 0) {
                headers.put("Authorization", fuzz.bearer(tokens));
            }
            String contentType = nearlyRight ? "application/json" : fuzz.contentType();
            if (!contentType.isEmpty()) {
                headers.put("Content-Type", contentType);
            }
            switch (nearlyRight ? 2 : fuzz.random.nextInt(5)) {
                case 0 -> { }
                case 1 -> headers.put("Idempotency-Key", fuzz.headerText(1 + fuzz.random.nextInt(300)));
                // Keys repeat on purpose: a key reused for another order must be refused and change nothing.
                default -> headers.put("Idempotency-Key", "fuzz-key-" + fuzz.random.nextInt(50));
            }
            byte[] body = nearlyRight || fuzz.random.nextBoolean() ? order(fuzz, holds.get(fan), nearlyRight ? 10 : 4)
                    : fuzz.body(FIELDS);
            var res = fuzz.check(checkout.url(), new Fuzz.Request(i, route[0], path, headers, body),
                    CheckoutFuzzTest::snapshot);
            if (res.statusCode() == 201) {
                orderIds.add(Json.read(res.body(), JsonNode.class).path("orderId").asText());
            }
        }
        System.out.println(fuzz.summary());
    }

    /** An order of the right shape, each field wrong one time in {@code oneIn}. */
    private static byte[] order(Fuzz fuzz, List<String> fansHolds, int oneIn) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode o = f.objectNode();
        o.set("eventId", fuzz.random.nextInt(oneIn) == 0 ? fuzz.jsonValue(2) : f.textNode(EVENT));
        o.set("holdId", fuzz.random.nextInt(oneIn) == 0 ? fuzz.jsonValue(2)
                : f.textNode(fansHolds.get(fuzz.random.nextInt(fansHolds.size()))));
        o.set("paymentMethodId", fuzz.random.nextInt(oneIn) == 0 ? fuzz.jsonValue(2) : f.textNode("pm_fuzz"));
        ObjectNode buyer = f.objectNode();
        buyer.set("name", fuzz.random.nextInt(oneIn) == 0 ? fuzz.jsonValue(2) : f.textNode("Ada Lovelace"));
        buyer.set("email", fuzz.random.nextInt(oneIn) == 0 ? fuzz.jsonValue(2) : f.textNode("ada@example.com"));
        o.set("buyer", fuzz.random.nextInt(oneIn + 2) == 0 ? fuzz.jsonValue(1) : buyer);
        if (fuzz.random.nextInt(oneIn + 1) == 0) {
            o.set(fuzz.pick("quantity", "seats", "amountMinor", "status"), fuzz.jsonValue(1));
        }
        return o.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The event's stock and every order and outbox row (their count, statuses and the latest change). */
    private static String snapshot() {
        StringBuilder s = new StringBuilder(grid.inventory().counters(EVENT, "ga").toString());
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "select (select count(*) || ' ' || coalesce(string_agg(distinct status, ','), '')"
                        + " || ' ' || coalesce(max(updated_at)::text, '') from checkout.orders),"
                        + " (select count(*) from checkout.tickets)")) {
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                s.append(" orders ").append(rs.getString(1)).append(" tickets ").append(rs.getLong(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return s.toString();
    }
}
