package dev.floodgate.worker;

import dev.floodgate.contracts.payment.PaymentRequest;
import dev.floodgate.engines.fixture.Engines;
import dev.floodgate.engines.fixture.SharedEngines;
import dev.floodgate.grid.Grid;
import dev.floodgate.grid.GridSettings;
import dev.floodgate.grid.catalog.CategoryInfo;
import dev.floodgate.grid.catalog.EventInfo;
import dev.floodgate.grid.hold.Hold;
import dev.floodgate.grid.hold.HoldResult;
import dev.floodgate.grid.hold.HoldStatus;
import dev.floodgate.grid.inventory.Inventory;
import dev.floodgate.grid.stripe.StockCounters;
import dev.floodgate.ops.simulator.Api;
import dev.floodgate.ops.simulator.Faults;
import dev.floodgate.ops.simulator.Ledger;
import dev.floodgate.ops.simulator.SimulatorServer;
import dev.floodgate.ops.simulator.TestCards;
import dev.floodgate.runtime.ServiceConfig;
import dev.floodgate.worker.payment.WorkerMetrics;
import dev.floodgate.worker.settle.WorkerFixture;
import io.helidon.config.Config;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The worker end to end on real engines: PostgreSQL and Pulsar (SharedEngines), a Hazelcast member, and the
 * provider SIMULATOR over HTTP. Nothing of ours is mocked.
 */
@ExtendWith(SharedEngines.class)
class PaymentWorkerTest {
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final String CATEGORY = "floor";
    private static final AtomicInteger EVENTS = new AtomicInteger();

    private static Engines engines;
    private static Grid grid;
    private static Ledger books;
    private static SimulatorServer simulator;
    private static int simulatorPort;
    private static WorkerServer worker;
    private static PulsarClient pulsar;
    private static Producer<PaymentRequest> producer;
    private static String topic;
    private static String topicV1;

    /** What a test sets up for one order: stock, a hold in checkout, the order row, the message. */
    record TestOrder(UUID orderId, String eventId, String holdId, String fanId, PaymentRequest request) {
    }

    @BeforeAll
    static void start(Engines e) throws Exception {
        engines = e;
        migrateCheckoutSchema();
        grid = Grid.start(GridSettings.embedded("payment-worker-test-" + UUID.randomUUID()));
        books = new Ledger();
        simulator = SimulatorServer.start(simulatorConfig(0), books);
        simulatorPort = simulator.port();
        topic = engines.topic("payment-requests");
        topicV1 = engines.topic("payment-requests-v1");

        Map<String, String> overrides = new HashMap<>();
        overrides.put("server.port", "0");
        overrides.put("db.url", engines.jdbcUrl());
        overrides.put("db.user", engines.user());
        overrides.put("db.password", engines.password());
        overrides.put("pulsar.service-url", engines.pulsarServiceUrl());
        overrides.put("pulsar.topics.payment-requests", topic);
        overrides.put("pulsar.topics.payment-requests-v1", topicV1);
        overrides.put("pulsar.dead-letter.max-redeliveries", "4");
        overrides.put("pulsar.negative-ack.min-delay-millis", "200");
        overrides.put("pulsar.negative-ack.max-delay-millis", "800");
        overrides.put("worker.max-in-flight", "8");
        overrides.put("provider.url", simulator.url());
        overrides.put("provider.connect-timeout-millis", "500");
        overrides.put("provider.read-timeout-millis", "1000");
        overrides.put("provider.retry.max-attempts", "3");
        overrides.put("provider.retry.initial-backoff-millis", "50");
        overrides.put("provider.retry.max-backoff-millis", "200");
        worker = WorkerServer.start(ServiceConfig.load(WorkerServer.DEFAULTS_RESOURCE, overrides), grid);

        pulsar = PulsarClient.builder().serviceUrl(engines.pulsarServiceUrl()).build();
        producer = pulsar.newProducer(Schema.JSON(PaymentRequest.class)).topic(topic).enableBatching(false).create();
        awaitUntil("the worker is subscribed", worker::isConsuming);
    }

    @AfterAll
    static void stop() throws Exception {
        if (producer != null) {
            producer.close();
        }
        if (pulsar != null) {
            pulsar.close();
        }
        if (worker != null) {
            worker.close();
        }
        if (simulator != null) {
            simulator.close();
        }
        if (grid != null) {
            grid.close();
        }
    }

    private static void migrateCheckoutSchema() {
        WorkerFixture.migrateCheckoutSchema(engines);
    }

    static Config simulatorConfig(int port) {
        return ServiceConfig.load(SimulatorServer.DEFAULTS_RESOURCE, Map.of("server.port", Integer.toString(port)));
    }

    // ---------------------------------------------------------------------------------------------------------
    // The scenarios

    @Test
    void aGoodCardEndsPaidWithTheHoldSold() throws Exception {
        TestOrder order = placeOrder("pm_card_visa");
        producer.send(order.request());

        awaitUntil("the order is PAID", () -> "PAID".equals(orderColumn(order, "status")));
        Hold hold = inventory().find(order.eventId(), order.holdId()).orElseThrow();
        assertThat(hold.status()).isEqualTo(HoldStatus.SOLD);
        assertThat(inventory().counters(order.eventId(), CATEGORY)).isEqualTo(new StockCounters(10, 8, 0, 2));
        assertThat(orderColumn(order, "settled_at")).isNotNull();
        assertThat(orderColumn(order, "failure_reason")).isNull();

        List<Api.Charge> charged = books.findByReference(order.orderId().toString());
        assertThat(charged).singleElement().satisfies(c -> {
            assertThat(c.status()).isEqualTo("succeeded");
            assertThat(c.amountMinor()).isEqualTo(9000L);
        });
        awaitUntil("the charge is settled", () -> chargeColumn(order, "settled_at") != null);
        assertThat(chargeColumn(order, "status")).isEqualTo("SUCCEEDED");
        assertThat(chargeColumn(order, "provider_charge_id")).isEqualTo(charged.getFirst().id());
        assertThat(chargeColumn(order, "attempts")).isEqualTo("1");
        assertThat(chargeColumn(order, "order_status")).isEqualTo("PAID");
    }

    /** The payment message as a checkout before version 2 wrote it: the order's fields copied in. */
    record PaymentRequestV1(String orderId, String eventId, String holdId, String fanId, long amountMinor,
                            String currency, String paymentMethodId, long requestedAtEpochMillis) {
    }

    @Test
    void aVersionOneRequestQueuedBeforeAnUpgradeIsStillPaidOnce() throws Exception {
        TestOrder order = placeOrder("pm_card_visa");
        try (Producer<PaymentRequestV1> older = pulsar.newProducer(Schema.JSON(PaymentRequestV1.class))
                .topic(topicV1).enableBatching(false).create()) {
            older.send(new PaymentRequestV1(order.orderId().toString(), order.eventId(), order.holdId(),
                    order.fanId(), 9000, "EUR", "pm_card_visa", System.currentTimeMillis()));
        }

        awaitUntil("the order is PAID", () -> "PAID".equals(orderColumn(order, "status")));
        assertThat(inventory().find(order.eventId(), order.holdId()).orElseThrow().status()).isEqualTo(HoldStatus.SOLD);
        assertThat(books.findByReference(order.orderId().toString())).singleElement()
                .satisfies(c -> assertThat(c.amountMinor()).isEqualTo(9000L));
    }

    @Test
    void aDeclinedCardEndsPaymentFailedWithTheUnitsBackInStock() throws Exception {
        String paymentMethod = tokenise(TestCards.DECLINED);
        TestOrder order = placeOrder(paymentMethod);
        assertThat(inventory().counters(order.eventId(), CATEGORY).available()).isEqualTo(8);
        producer.send(order.request());

        awaitUntil("the order is PAYMENT_FAILED", () -> "PAYMENT_FAILED".equals(orderColumn(order, "status")));
        assertThat(orderColumn(order, "failure_reason")).isEqualTo("card declined: card_declined");
        awaitUntil("the units are back", () -> inventory().counters(order.eventId(), CATEGORY).available() == 10);
        assertThat(inventory().find(order.eventId(), order.holdId())).isEmpty();
        assertThat(books.findByReference(order.orderId().toString())).singleElement()
                .satisfies(c -> assertThat(c.declineCode()).isEqualTo("card_declined"));
        assertThat(chargeColumn(order, "status")).isEqualTo("DECLINED");
    }

    @Test
    void aProviderRejectionEndsPaymentFailedWithItsReason() throws Exception {
        TestOrder order = placeOrder("pm_that_the_provider_never_issued");
        producer.send(order.request());

        awaitUntil("the order is PAYMENT_FAILED", () -> "PAYMENT_FAILED".equals(orderColumn(order, "status")));
        assertThat(orderColumn(order, "failure_reason"))
                .isEqualTo("payment provider rejected the charge: HTTP 400: no such payment method");
        awaitUntil("the units are back", () -> inventory().counters(order.eventId(), CATEGORY).available() == 10);
        assertThat(books.findByReference(order.orderId().toString())).isEmpty();
    }

    @Test
    void theSameMessageDeliveredTwiceChargesOnceAndSettlesOnce() throws Exception {
        TestOrder order = placeOrder("pm_card_visa");
        producer.send(order.request());
        awaitUntil("the first delivery settled", () -> chargeColumn(order, "settled_at") != null);
        String settledAt = orderColumn(order, "settled_at");

        producer.send(order.request());
        awaitUntil("the second delivery was handled", () -> "2".equals(chargeColumn(order, "deliveries")));
        assertThat(books.findByReference(order.orderId().toString())).hasSize(1);
        assertThat(orderColumn(order, "settled_at")).isEqualTo(settledAt);
        assertThat(chargeColumn(order, "attempts")).isEqualTo("1");
        assertThat(inventory().counters(order.eventId(), CATEGORY)).isEqualTo(new StockCounters(10, 8, 0, 2));
    }

    @Test
    void copiesDeliveredAtOnceChargeOnce() throws Exception {
        TestOrder order = placeOrder("pm_card_visa");
        for (int i = 0; i < 4; i++) {
            producer.sendAsync(order.request());
        }
        producer.flush();
        awaitUntil("every copy was handled", () -> "4".equals(chargeColumn(order, "deliveries")));
        assertThat(orderColumn(order, "status")).isEqualTo("PAID");
        assertThat(books.findByReference(order.orderId().toString())).hasSize(1);
        assertThat(inventory().counters(order.eventId(), CATEGORY)).isEqualTo(new StockCounters(10, 8, 0, 2));
    }

    @Test
    void aProviderDownForTheFirstAttemptsThenUpChargesOnce() throws Exception {
        long unknownBefore = worker.metrics().count(WorkerMetrics.Name.CHARGES_UNKNOWN);
        simulator.close();
        try {
            TestOrder order = placeOrder("pm_card_visa");
            producer.send(order.request());
            // Every attempt of the first delivery is refused: the outcome is unknown, the order untouched.
            awaitUntil("a delivery ended without an answer",
                    () -> worker.metrics().count(WorkerMetrics.Name.CHARGES_UNKNOWN) > unknownBefore);
            assertThat(orderColumn(order, "status")).isEqualTo("AWAITING_PAYMENT");
            assertThat(chargeColumn(order, "status")).isEqualTo("UNKNOWN");
            assertThat(inventory().find(order.eventId(), order.holdId()).orElseThrow().status())
                    .isEqualTo(HoldStatus.IN_CHECKOUT);

            simulator = SimulatorServer.start(simulatorConfig(simulatorPort), books);
            awaitUntil("the order is PAID", () -> "PAID".equals(orderColumn(order, "status")));
            assertThat(books.findByReference(order.orderId().toString())).hasSize(1);
            assertThat(Integer.parseInt(chargeColumn(order, "attempts"))).isGreaterThanOrEqualTo(4);
            assertThat(inventory().find(order.eventId(), order.holdId()).orElseThrow().status())
                    .isEqualTo(HoldStatus.SOLD);
        } finally {
            if (!isUp()) {
                simulator = SimulatorServer.start(simulatorConfig(simulatorPort), books);
            }
        }
    }

    @Test
    void answersLostAfterChargingAreRecoveredWithoutASecondCharge() throws Exception {
        // More lost answers than one delivery's attempts: the first delivery ends unknown although the money was
        // taken; the redelivery asks again with the same key and gets the same charge back.
        simulator.faults().set(new Faults.Plan(0, 4, 502, 0L, 0));
        try {
            TestOrder order = placeOrder("pm_card_visa");
            producer.send(order.request());
            awaitUntil("the order is PAID", () -> "PAID".equals(orderColumn(order, "status")));
            assertThat(books.findByReference(order.orderId().toString())).hasSize(1);
            assertThat(Integer.parseInt(chargeColumn(order, "attempts"))).isEqualTo(5);
            assertThat(Integer.parseInt(chargeColumn(order, "deliveries"))).isEqualTo(2);
        } finally {
            simulator.faults().set(Faults.Plan.NONE);
        }
    }

    @Test
    void anOrderThatEndedBeforeAnyChargeIsNotCharged() throws Exception {
        TestOrder order = placeOrder("pm_card_visa");
        expire(order);
        producer.send(order.request());
        awaitUntil("the request is recorded as skipped", () -> "SKIPPED".equals(chargeColumn(order, "status")));
        assertThat(books.findByReference(order.orderId().toString())).isEmpty();
        assertThat(orderColumn(order, "status")).isEqualTo("EXPIRED");
    }

    @Test
    void anOrderThatExpiredWhileTheOutcomeWasUnknownIsReconciledWithoutChargingAnew() throws Exception {
        long unknownBefore = worker.metrics().count(WorkerMetrics.Name.CHARGES_UNKNOWN);
        simulator.close();
        TestOrder order;
        try {
            order = placeOrder("pm_card_visa");
            producer.send(order.request());
            awaitUntil("a delivery ended without an answer",
                    () -> worker.metrics().count(WorkerMetrics.Name.CHARGES_UNKNOWN) > unknownBefore);
            expire(order);
        } finally {
            simulator = SimulatorServer.start(simulatorConfig(simulatorPort), books);
        }
        // The redelivery finds the order ended: it asks the provider (a lookup, not a charge) and learns nothing
        // was charged.
        awaitUntil("the request is reconciled", () -> "SKIPPED".equals(chargeColumn(order, "status")));
        assertThat(books.findByReference(order.orderId().toString())).isEmpty();
        assertThat(orderColumn(order, "status")).isEqualTo("EXPIRED");
        awaitUntil("the units are back", () -> inventory().counters(order.eventId(), CATEGORY).available() == 10);
    }

    @Test
    void aChargeThatSucceededForAnOrderThatExpiredMeanwhileIsAConflictNotAPaidOrder() throws Exception {
        long conflictsBefore = worker.metrics().count(WorkerMetrics.Name.SETTLEMENT_CONFLICTS);
        long unknownBefore = worker.metrics().count(WorkerMetrics.Name.CHARGES_UNKNOWN);
        // Every answer to a charge is lost: the money is taken but the worker never hears of it.
        simulator.faults().set(new Faults.Plan(0, 1_000, 502, 0L, 0));
        try {
            TestOrder order = placeOrder("pm_card_visa");
            producer.send(order.request());
            awaitUntil("a delivery ended without an answer",
                    () -> worker.metrics().count(WorkerMetrics.Name.CHARGES_UNKNOWN) > unknownBefore);
            expire(order);
            awaitUntil("the charge is reconciled", () -> "SUCCEEDED".equals(chargeColumn(order, "status")));
            assertThat(books.findByReference(order.orderId().toString())).hasSize(1);
            // The order row stays the truth (EXPIRED, seats back); the conflict is counted and logged for a refund.
            assertThat(orderColumn(order, "status")).isEqualTo("EXPIRED");
            awaitUntil("the conflict is counted",
                    () -> worker.metrics().count(WorkerMetrics.Name.SETTLEMENT_CONFLICTS) > conflictsBefore);
            awaitUntil("the units are back", () -> inventory().counters(order.eventId(), CATEGORY).available() == 10);
            assertThat(chargeColumn(order, "order_status")).isEqualTo("EXPIRED");
        } finally {
            simulator.faults().set(Faults.Plan.NONE);
        }
    }

    @Test
    void unparsableMessagesGoToTheDeadLetterTopicAndTheStreamMovesOn() throws Exception {
        long unparsableBefore = worker.metrics().count(WorkerMetrics.Name.MESSAGES_UNPARSABLE);
        try (Consumer<byte[]> dlq = pulsar.newConsumer(Schema.BYTES).topic(topic + "-dlq")
                .subscriptionName("floodgate-payment-worker-dlq")
                .subscriptionInitialPosition(SubscriptionInitialPosition.Earliest).subscribe();
             Producer<byte[]> raw = pulsar.newProducer(Schema.BYTES).topic(topic).enableBatching(false).create()) {
            byte[] garbage = "this is not JSON".getBytes(StandardCharsets.UTF_8);
            byte[] incomplete = "{\"orderId\":\"x\"}".getBytes(StandardCharsets.UTF_8);
            raw.send(garbage);
            raw.send(incomplete);
            // A good request behind them is not held up.
            TestOrder order = placeOrder("pm_card_visa");
            producer.send(order.request());
            awaitUntil("the good order is PAID", () -> "PAID".equals(orderColumn(order, "status")));

            List<String> deadLetters = new ArrayList<>();
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (deadLetters.size() < 2 && System.nanoTime() < deadline) {
                Message<byte[]> m = dlq.receive(500, TimeUnit.MILLISECONDS);
                if (m != null) {
                    deadLetters.add(new String(m.getValue(), StandardCharsets.UTF_8));
                    dlq.acknowledge(m);
                }
            }
            assertThat(deadLetters).containsExactlyInAnyOrder("this is not JSON", "{\"orderId\":\"x\"}");
            assertThat(worker.metrics().count(WorkerMetrics.Name.MESSAGES_UNPARSABLE) - unparsableBefore)
                    .isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void aBurstOfOrdersAllSettleWithOneChargeEach() throws Exception {
        int n = 100;
        List<TestOrder> orders = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            orders.add(placeOrder(i % 5 == 0 ? "pm_card_chargeDeclined" : "pm_card_visa"));
        }
        long t0 = System.nanoTime();
        for (TestOrder order : orders) {
            producer.sendAsync(order.request());
        }
        producer.flush();
        awaitUntil("every order settled", () -> orders.stream().allMatch(o -> chargeColumn(o, "settled_at") != null));
        long millis = Duration.ofNanos(System.nanoTime() - t0).toMillis();
        System.out.printf("payment worker: %d requests settled in %d ms (%.0f/s, max-in-flight 8)%n", n, millis,
                n * 1000.0 / Math.max(1, millis));
        for (TestOrder order : orders) {
            assertThat(books.findByReference(order.orderId().toString())).hasSize(1);
        }
        assertThat(orders.stream().filter(o -> "PAID".equals(orderColumn(o, "status")))).hasSize(80);
        assertThat(orders.stream().filter(o -> "PAYMENT_FAILED".equals(orderColumn(o, "status")))).hasSize(20);
    }

    @Test
    void healthAndMetricsAreServed() {
        WebClient client = WebClient.builder().baseUri(worker.url()).build();
        try (HttpClientResponse res = client.get("/observe/health").request()) {
            assertThat(res.status().code()).isEqualTo(200);
            assertThat(res.as(String.class)).contains("pulsar-consumer", "database", "grid");
        }
        try (HttpClientResponse res = client.get("/observe/metrics").header(HeaderNames.ACCEPT, "text/plain")
                .request()) {
            assertThat(res.status().code()).isEqualTo(200);
            assertThat(res.as(String.class)).contains("floodgate_worker_charges_succeeded",
                    "floodgate_worker_charges_declined", "floodgate_worker_charges_failed",
                    "floodgate_worker_provider_retries");
        }
        try (HttpClientResponse res = client.get("/v1/charges").request()) {
            assertThat(res.status().code()).isEqualTo(404);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Helpers

    private static Inventory inventory() {
        return grid.inventory();
    }

    private static boolean isUp() {
        try (HttpClientResponse res = WebClient.builder().baseUri("http://127.0.0.1:" + simulatorPort).build()
                .get("/v1/simulator/charges").request()) {
            return res.status().code() == 200;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The fan's browser tokenises the card with the provider; Floodgate only ever sees the token. */
    private static String tokenise(String cardNumber) {
        try (HttpClientResponse res = WebClient.builder().baseUri(simulator.url()).build()
                .post("/v1/payment-methods").header(HeaderNames.CONTENT_TYPE, "application/json")
                .submit("{\"cardNumber\":\"" + cardNumber + "\",\"expMonth\":12,\"expYear\":2031,\"cvc\":\"123\"}")) {
            assertThat(res.status().code()).isEqualTo(201);
            String body = res.as(String.class);
            return body.replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
        }
    }

    /** Stock of 10, a hold of 2 taken and marked in checkout, the order row as checkout writes it. */
    private static TestOrder placeOrder(String paymentMethodId) throws SQLException {
        String eventId = "pw-event-" + EVENTS.incrementAndGet();
        inventory().stock(new EventInfo(eventId, "Payment worker test " + eventId, System.currentTimeMillis() + 86_400_000L,
                4, 300_000, List.of(new CategoryInfo(CATEGORY, "Floor", 10, 4_500, "EUR"))));
        String fanId = "fan-" + UUID.randomUUID();
        HoldResult held = inventory().hold(eventId, CATEGORY, fanId, UUID.randomUUID().toString(), 2,
                Duration.ofMinutes(5));
        assertThat(held.done()).isTrue();
        String holdId = held.hold().holdId();
        UUID orderId = UUID.randomUUID();
        assertThat(inventory().markInCheckout(eventId, holdId, fanId, orderId.toString(), Duration.ofMinutes(15))
                .done()).isTrue();
        try (Connection c = engines.connect();
             PreparedStatement ps = c.prepareStatement("insert into checkout.orders (id, fan_id, event_id,"
                     + " category_id, hold_id, quantity, amount_minor, currency, status, buyer_name, buyer_email,"
                     + " payment_method_id, idempotency_key) values (?, ?, ?, ?, ?, 2, 9000, 'EUR',"
                     + " 'AWAITING_PAYMENT', 'Ada Fan', 'ada@example.test', ?, ?)")) {
            ps.setObject(1, orderId);
            ps.setString(2, fanId);
            ps.setString(3, eventId);
            ps.setString(4, CATEGORY);
            ps.setString(5, holdId);
            ps.setString(6, paymentMethodId);
            ps.setString(7, UUID.randomUUID().toString());
            ps.executeUpdate();
        }
        PaymentRequest request = new PaymentRequest(orderId.toString());
        return new TestOrder(orderId, eventId, holdId, fanId, request);
    }

    /** What checkout's expiry does to an order whose payment took too long. */
    private static void expire(TestOrder order) throws SQLException {
        try (Connection c = engines.connect();
             PreparedStatement ps = c.prepareStatement("update checkout.orders set status = 'EXPIRED',"
                     + " updated_at = now(), settled_at = now() where id = ? and status = 'AWAITING_PAYMENT'")) {
            ps.setObject(1, order.orderId());
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    private static String orderColumn(TestOrder order, String column) {
        return column("select " + column + " from checkout.orders where id = ?", order.orderId());
    }

    private static String chargeColumn(TestOrder order, String column) {
        return column("select " + column + " from payment.charges where order_id = ?", order.orderId());
    }

    private static String column(String sql, UUID id) {
        return WorkerFixture.column(engines, sql, id);
    }

    /** Polls until the condition holds or the deadline passes; no fixed sleeps. */
    static void awaitUntil(String what, BooleanSupplier condition) {
        WorkerFixture.awaitUntil(what, condition, DEADLINE);
    }

}
