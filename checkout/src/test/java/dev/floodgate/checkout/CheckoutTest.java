package dev.floodgate.checkout;

import dev.floodgate.contracts.http.Json;
import dev.floodgate.contracts.payment.PaymentRequest;
import dev.floodgate.engines.fixture.Engines;
import dev.floodgate.engines.fixture.SharedEngines;
import dev.floodgate.grid.Grid;
import dev.floodgate.grid.GridSettings;
import dev.floodgate.grid.catalog.CategoryInfo;
import dev.floodgate.grid.catalog.EventInfo;
import dev.floodgate.grid.hold.HoldStatus;
import dev.floodgate.runtime.ServiceConfig;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** checkout against real PostgreSQL, Pulsar and Hazelcast; tokens from a real JWKS endpoint. */
@ExtendWith(SharedEngines.class)
class CheckoutTest {
    private static final String EVENT = "gig";
    private static Engines engines;
    private static Grid grid;
    private static TestIssuer issuer;
    private static CheckoutServer checkout;
    private static WebClient http;
    private static PulsarClient pulsar;
    private static Consumer<PaymentRequest> payments;

    @BeforeAll
    static void start(Engines e) throws Exception {
        engines = e;
        grid = Grid.start(GridSettings.embedded("checkout-test-" + UUID.randomUUID()));
        EventInfo event = new EventInfo(EVENT, "Gig", 0, 4, 600_000,
                List.of(new CategoryInfo("ga", "General", 100, 4500, "EUR")));
        grid.catalog().add(event);
        grid.inventory().stock(event);
        issuer = new TestIssuer();
        String topic = engines.topic("payment-requests");
        pulsar = PulsarClient.builder().serviceUrl(engines.pulsarServiceUrl()).build();
        payments = pulsar.newConsumer(Schema.JSON(PaymentRequest.class)).topic(topic).subscriptionName("test")
                .subscriptionInitialPosition(SubscriptionInitialPosition.Earliest).subscribe();
        checkout = CheckoutServer.start(ServiceConfig.load("checkout.yaml", Map.of(
                "server.port", "0",
                "db.url", engines.jdbcUrl(), "db.user", engines.user(), "db.password", engines.password(),
                "pulsar.service-url", engines.pulsarServiceUrl(),
                "pulsar.topics.payment-requests", topic,
                "admission.jwks-url", issuer.jwksUrl())), grid);
        http = WebClient.builder().baseUri(checkout.url()).build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (checkout != null) {
            checkout.close();
        }
        if (payments != null) {
            payments.close();
        }
        if (pulsar != null) {
            pulsar.close();
        }
        if (issuer != null) {
            issuer.close();
        }
        if (grid != null) {
            grid.close();
        }
    }

    private static String newHold(String fan, int quantity) {
        return grid.inventory().hold(EVENT, "ga", fan, UUID.randomUUID().toString(), quantity, Duration.ofMinutes(10))
                .hold().holdId();
    }

    private static String orderBody(String holdId) {
        return "{\"eventId\":\"" + EVENT + "\",\"holdId\":\"" + holdId + "\",\"paymentMethodId\":\"pm_test123\","
                + "\"buyer\":{\"name\":\"Ada Lovelace\",\"email\":\"Ada@Example.com\"}}";
    }

    private static HttpClientResponse placeOrder(String token, String key, String body) {
        var request = http.method(Method.POST).path("/api/orders").header(HeaderNames.CONTENT_TYPE, "application/json");
        if (token != null) {
            request.header(HeaderNames.AUTHORIZATION, "Bearer " + token);
        }
        if (key != null) {
            request.header(HeaderNames.create("Idempotency-Key"), key);
        }
        return request.submit(body);
    }

    /** The first error's machine-readable code. */
    private static String code(HttpClientResponse res) {
        return Json.read(res.as(String.class), com.fasterxml.jackson.databind.JsonNode.class)
                .path("errors").path(0).path("code").asText(null);
    }

    private static String column(String sql, String id) throws Exception {
        try (Connection c = engines.connect(); var ps = c.prepareStatement(sql)) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static long count(String sql) throws Exception {
        try (Connection c = engines.connect(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Message<PaymentRequest> nextPaymentFor(String orderId) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            Message<PaymentRequest> m = payments.receive(1, TimeUnit.SECONDS);
            if (m != null) {
                payments.acknowledge(m);
                if (m.getValue().orderId().equals(orderId)) {
                    return m;
                }
            }
        }
        throw new AssertionError("no payment request for order " + orderId + " within 30 s");
    }

    @Test
    void anOrderIsStoredAwaitingPaymentAndItsPaymentRequestReachesPulsar() throws Exception {
        String holdId = newHold("fan-a", 2);
        String orderId;
        try (HttpClientResponse res = placeOrder(issuer.admission("fan-a", EVENT), "key-fan-a-0001", orderBody(holdId))) {
            assertThat(res.status().code()).isEqualTo(201);
            String body = res.as(String.class);
            assertThat(body).contains("\"status\":\"AWAITING_PAYMENT\"", "\"amountMinor\":9000", "\"currency\":\"EUR\"");
            orderId = body.replaceAll(".*\"orderId\":\"([^\"]+)\".*", "$1");
        }
        // The message names the order and nothing else: the worker reads the rest from the order row.
        Message<PaymentRequest> message = nextPaymentFor(orderId);
        assertThat(new String(message.getData(), StandardCharsets.UTF_8))
                .isEqualTo("{\"orderId\":\"" + orderId + "\"}");
        assertThat(column("select hold_id from checkout.orders where id = ?::uuid", orderId)).isEqualTo(holdId);
        assertThat(column("select payment_method_id from checkout.orders where id = ?::uuid", orderId))
                .isEqualTo("pm_test123");
        assertThat(grid.inventory().find(EVENT, holdId).orElseThrow().status()).isEqualTo(HoldStatus.IN_CHECKOUT);
    }

    @Test
    void aRetriedOrderWithTheSameKeyIsTheSameOrder() throws Exception {
        String holdId = newHold("fan-b", 1);
        String token = issuer.admission("fan-b", EVENT);
        String first;
        try (HttpClientResponse res = placeOrder(token, "key-fan-b-0001", orderBody(holdId))) {
            assertThat(res.status().code()).isEqualTo(201);
            first = res.as(String.class);
        }
        try (HttpClientResponse res = placeOrder(token, "key-fan-b-0001", orderBody(holdId))) {
            assertThat(res.status().code()).isEqualTo(200);
            assertThat(res.as(String.class)).isEqualTo(first);
        }
        assertThat(count("select count(*) from checkout.orders where fan_id = 'fan-b'")).isEqualTo(1);
    }

    @Test
    void aSecondOrderForTheSameHoldIsRefused() {
        String holdId = newHold("fan-c", 1);
        String token = issuer.admission("fan-c", EVENT);
        try (HttpClientResponse res = placeOrder(token, "key-fan-c-0001", orderBody(holdId))) {
            assertThat(res.status().code()).isEqualTo(201);
        }
        try (HttpClientResponse res = placeOrder(token, "key-fan-c-0002", orderBody(holdId))) {
            assertThat(res.status().code()).isEqualTo(409);
            String body = res.as(String.class);
            assertThat(body).startsWith("{\"errors\":[{\"message\":");
            assertThat(body).contains("\"code\":\"HOLD_UNAVAILABLE\"");
        }
    }

    @Test
    void theSameKeyForAnotherHoldIs422WithCodeIdempotencyKeyReused() throws Exception {
        String token = issuer.admission("fan-r", EVENT);
        try (HttpClientResponse res = placeOrder(token, "key-fan-r-0001", orderBody(newHold("fan-r", 1)))) {
            assertThat(res.status().code()).isEqualTo(201);
        }
        String secondHold = newHold("fan-r", 1);
        try (HttpClientResponse res = placeOrder(token, "key-fan-r-0001", orderBody(secondHold))) {
            assertThat(res.status().code()).isEqualTo(422);
            assertThat(code(res)).isEqualTo("IDEMPOTENCY_KEY_REUSED");
        }
        assertThat(grid.inventory().find(EVENT, secondHold).orElseThrow().status()).isEqualTo(HoldStatus.HELD);
    }

    @Test
    void withoutAnAdmissionTokenNothingIsOrdered() throws Exception {
        String holdId = newHold("fan-d", 1);
        try (HttpClientResponse res = placeOrder(null, "key-fan-d-0001", orderBody(holdId))) {
            assertThat(res.status().code()).isEqualTo(401);
            assertThat(code(res)).isEqualTo("UNAUTHENTICATED");
        }
        try (HttpClientResponse res = placeOrder(issuer.fan("fan-d"), "key-fan-d-0002", orderBody(holdId))) {
            assertThat(res.status().code()).isEqualTo(401);
            assertThat(code(res)).isEqualTo("TOKEN_INVALID");
        }
        try (HttpClientResponse res = placeOrder(issuer.expiredAdmission("fan-d", EVENT), "key-fan-d-0003",
                orderBody(holdId))) {
            assertThat(res.status().code()).isEqualTo(401);
            assertThat(code(res)).isEqualTo("TOKEN_EXPIRED");
        }
        // A visitor's place token (queue first, not signed in) names the event too, but never orders.
        try (HttpClientResponse res = placeOrder(issuer.sign("place~fan-d", "floodgate-place", EVENT,
                Duration.ofHours(1)), "key-fan-d-0004", orderBody(holdId))) {
            assertThat(res.status().code()).isEqualTo(401);
        }
        assertThat(count("select count(*) from checkout.orders where fan_id = 'fan-d'")).isZero();
        assertThat(grid.inventory().find(EVENT, holdId).orElseThrow().status()).isEqualTo(HoldStatus.HELD);
    }

    @Test
    void aTokenFromAnotherIssuerIsRejected() {
        String holdId = newHold("fan-e", 1);
        try (TestIssuer stranger = new TestIssuer();
             HttpClientResponse res = placeOrder(stranger.admission("fan-e", EVENT), "key-fan-e-0001",
                     orderBody(holdId))) {
            assertThat(res.status().code()).isEqualTo(401);
        }
    }

    @Test
    void anAdmissionForAnotherEventIsForbidden() {
        String holdId = newHold("fan-f", 1);
        try (HttpClientResponse res = placeOrder(issuer.admission("fan-f", "other-gig"), "key-fan-f-0001",
                orderBody(holdId))) {
            assertThat(res.status().code()).isEqualTo(403);
        }
    }

    @Test
    void anotherFansHoldCannotBeOrdered() {
        String holdId = newHold("fan-g", 1);
        try (HttpClientResponse res = placeOrder(issuer.admission("fan-h", EVENT), "key-fan-h-0001",
                orderBody(holdId))) {
            assertThat(res.status().code()).isEqualTo(404);
            assertThat(res.as(String.class)).contains("\"field\":\"holdId\"", "\"code\":\"HOLD_NOT_FOUND\"");
        }
    }

    @Test
    void badInputIsA400NamingTheFieldAndWritesNothing() throws Exception {
        String holdId = newHold("fan-i", 1);
        String token = issuer.admission("fan-i", EVENT);
        String badEmail = orderBody(holdId).replace("Ada@Example.com", "not-an-email");
        try (HttpClientResponse res = placeOrder(token, "key-fan-i-0001", badEmail)) {
            assertThat(res.status().code()).isEqualTo(400);
            assertThat(res.as(String.class)).contains("\"field\":\"buyer.email\"", "\"code\":\"VALIDATION\"");
        }
        try (HttpClientResponse res = placeOrder(token, "key-fan-i-0002", "{\"eventId\":")) {
            assertThat(res.status().code()).isEqualTo(400);
        }
        try (HttpClientResponse res = placeOrder(token, null, orderBody(holdId))) {
            assertThat(res.status().code()).isEqualTo(400);
            assertThat(res.as(String.class)).contains("\"field\":\"Idempotency-Key\"");
        }
        assertThat(count("select count(*) from checkout.orders where fan_id = 'fan-i'")).isZero();
    }

    @Test
    void aPaidOrderShowsItsTicketsToTheFanAndAnAwaitingOneShowsNone() throws Exception {
        String holdId = newHold("fan-t", 2);
        String orderId;
        try (HttpClientResponse res = placeOrder(issuer.admission("fan-t", EVENT), "key-fan-t-0001",
                orderBody(holdId))) {
            String body = res.as(String.class);
            assertThat(body).contains("\"tickets\":[]");
            orderId = body.replaceAll(".*\"orderId\":\"([^\"]+)\".*", "$1");
        }
        // What the payment worker does when the payment succeeds: PAID and one code per seat, in one transaction.
        try (Connection c = engines.connect()) {
            c.setAutoCommit(false);
            c.createStatement().executeUpdate("update checkout.orders set status = 'PAID', settled_at = now()"
                    + " where id = '" + orderId + "'");
            c.createStatement().executeUpdate("insert into checkout.tickets (order_id, seat_no, code) values"
                    + " ('" + orderId + "', 1, 'FG-TEST-0001-" + orderId.substring(0, 8) + "'),"
                    + " ('" + orderId + "', 2, 'FG-TEST-0002-" + orderId.substring(0, 8) + "')");
            c.commit();
        }
        try (HttpClientResponse res = http.get("/api/orders/" + orderId)
                .header(HeaderNames.AUTHORIZATION, "Bearer " + issuer.fan("fan-t")).request()) {
            String body = res.as(String.class);
            assertThat(body).contains("\"status\":\"PAID\"", "\"seat\":1", "\"seat\":2", "FG-TEST-0001-");
        }
        try (HttpClientResponse res = http.get("/api/orders/" + orderId + "/tickets")
                .header(HeaderNames.AUTHORIZATION, "Bearer " + issuer.fan("fan-t")).request()) {
            assertThat(res.status().code()).isEqualTo(200);
            assertThat(res.as(String.class)).contains("FG-TEST-0002-");
        }
        try (HttpClientResponse res = http.get("/api/orders/" + orderId + "/tickets")
                .header(HeaderNames.AUTHORIZATION, "Bearer " + issuer.fan("fan-u")).request()) {
            assertThat(res.status().code()).isEqualTo(404);
        }
        try (HttpClientResponse res = http.get("/api/orders")
                .header(HeaderNames.AUTHORIZATION, "Bearer " + issuer.fan("fan-t")).request()) {
            assertThat(res.as(String.class)).contains("FG-TEST-0001-", "FG-TEST-0002-");
        }
    }

    @Test
    void aRememberedTokenIsRefusedOnceItExpiresAndAnAlteredOneIsCheckedAfresh() {
        String token = issuer.sign("fan-m", "floodgate-fan", null, Duration.ofSeconds(1));
        try (HttpClientResponse res = http.get("/api/orders")
                .header(HeaderNames.AUTHORIZATION, "Bearer " + token).request()) {
            assertThat(res.status().code()).isEqualTo(200);
        }
        // One changed character of the signature: another key in the cache, so the full check refuses it.
        String altered = token.substring(0, token.length() - 2) + (token.endsWith("AA") ? "BB" : "AA");
        try (HttpClientResponse res = http.get("/api/orders")
                .header(HeaderNames.AUTHORIZATION, "Bearer " + altered).request()) {
            assertThat(res.status().code()).isEqualTo(401);
        }
        // Expired (1 s, plus the 5 s clock skew every check allows): refused although it verified before.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        int status = 200;
        while (status == 200 && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
            try (HttpClientResponse res = http.get("/api/orders")
                    .header(HeaderNames.AUTHORIZATION, "Bearer " + token).request()) {
                status = res.status().code();
            }
        }
        assertThat(status).isEqualTo(401);
    }

    @Test
    void aFanReadsTheirOwnOrderButNotAnotherFans() {
        String holdId = newHold("fan-j", 1);
        String orderId;
        try (HttpClientResponse res = placeOrder(issuer.admission("fan-j", EVENT), "key-fan-j-0001",
                orderBody(holdId))) {
            orderId = res.as(String.class).replaceAll(".*\"orderId\":\"([^\"]+)\".*", "$1");
        }
        try (HttpClientResponse res = http.get("/api/orders/" + orderId)
                .header(HeaderNames.AUTHORIZATION, "Bearer " + issuer.fan("fan-j")).request()) {
            assertThat(res.status().code()).isEqualTo(200);
        }
        try (HttpClientResponse res = http.get("/api/orders/" + orderId)
                .header(HeaderNames.AUTHORIZATION, "Bearer " + issuer.fan("fan-k")).request()) {
            assertThat(res.status().code()).isEqualTo(404);
            assertThat(code(res)).isEqualTo("ORDER_NOT_FOUND");
        }
        try (HttpClientResponse res = http.get("/api/orders/not-a-uuid")
                .header(HeaderNames.AUTHORIZATION, "Bearer " + issuer.fan("fan-j")).request()) {
            assertThat(res.status().code()).isEqualTo(400);
        }
    }

    /** The payment message as a checkout before version 2 wrote it: the order's fields copied in. */
    record PaymentRequestV1(String orderId, String eventId, String holdId, String fanId, long amountMinor,
                            String currency, String paymentMethodId, long requestedAtEpochMillis) {
    }

    @Test
    void aVersionOnePaymentRequestLeftInTheOutboxGoesUnchangedToItsOwnTopic() throws Exception {
        String topicV1 = engines.topic("payment-requests-v1");
        String orderId = UUID.randomUUID().toString();
        // The older checkout's producer registered version 1's schema on its topic.
        try (var older = pulsar.newProducer(Schema.JSON(PaymentRequestV1.class)).topic(topicV1).create();
             Consumer<byte[]> v1 = pulsar.newConsumer(Schema.BYTES).topic(topicV1).subscriptionName("v1-test")
                     .subscriptionInitialPosition(SubscriptionInitialPosition.Earliest).subscribe();
             Connection c = engines.connect();
             var insert = c.prepareStatement("insert into checkout.outbox (topic, message_key, payload)"
                     + " values (?, ?, ?::jsonb)")) {
            String payload = Json.writeString(new PaymentRequestV1(orderId, EVENT, "hold-1", "fan-v1", 9000, "EUR",
                    "pm_test123", 1_700_000_000_000L));
            insert.setString(1, topicV1);
            insert.setString(2, orderId);
            insert.setString(3, payload);
            insert.executeUpdate();
            checkout.relay().wakeUp();

            Message<byte[]> relayed = v1.receive(30, TimeUnit.SECONDS);
            assertThat(relayed).as("the v1 row relayed within 30 s").isNotNull();
            assertThat(Json.read(relayed.getData(), PaymentRequestV1.class))
                    .isEqualTo(Json.read(payload, PaymentRequestV1.class));
            assertThat(relayed.getKey()).isEqualTo(orderId);
            assertThat(PaymentRequest.read(relayed.getData())).isEqualTo(new PaymentRequest(orderId));
        }
        // The row goes in the transaction that waited for the broker's acknowledgement, just after it.
        String left = "select count(*) from checkout.outbox where message_key = '" + orderId + "'";
        Poll.until(Duration.ofSeconds(30), "the relayed row is gone", () -> Poll.quietly(() -> count(left) == 0));
    }
}
