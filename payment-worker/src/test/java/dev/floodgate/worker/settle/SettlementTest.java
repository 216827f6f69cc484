package dev.floodgate.worker.settle;

import dev.floodgate.contracts.http.Json;
import dev.floodgate.contracts.payment.PaymentRequest;
import dev.floodgate.engines.fixture.Engines;
import dev.floodgate.engines.fixture.SharedEngines;
import dev.floodgate.grid.Grid;
import dev.floodgate.grid.GridSettings;
import dev.floodgate.grid.hold.HoldStatus;
import dev.floodgate.grid.stripe.StockCounters;
import dev.floodgate.ops.simulator.Api;
import dev.floodgate.ops.simulator.Chaos;
import dev.floodgate.ops.simulator.Faults;
import dev.floodgate.ops.simulator.Ledger;
import dev.floodgate.ops.simulator.SimulatorServer;
import dev.floodgate.ops.simulator.Webhooks;
import dev.floodgate.runtime.ServiceConfig;
import dev.floodgate.runtime.operator.Operator;
import dev.floodgate.runtime.operator.OperatorAccess;
import dev.floodgate.runtime.operator.OperatorSettings;
import dev.floodgate.runtime.operator.Role;
import dev.floodgate.worker.WorkerServer;
import dev.floodgate.worker.gateway.ProviderGateway;
import dev.floodgate.worker.payment.PaymentProcessor;
import dev.floodgate.worker.payment.PaymentStore;
import dev.floodgate.worker.payment.WorkerMetrics;
import dev.floodgate.worker.reconcile.Reconciler;
import dev.floodgate.worker.settle.WorkerFixture.TestOrder;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.floodgate.worker.settle.WorkerFixture.awaitUntil;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Orders always end, seats follow exactly once, PAID orders get tickets, callbacks are verified and idempotent, and
 * the audit proves the books agree — on real PostgreSQL, Pulsar, Hazelcast and the provider SIMULATOR over HTTP.
 * The reconciler's schedule is off here: tests run its rounds themselves (payment timeout 1 ms: every order is
 * overdue), so what it does is deterministic.
 */
@ExtendWith(SharedEngines.class)
class SettlementTest {
    private static final String SECRET = "test-webhook-secret-0123456789";
    private static final String OPERATOR = "operator:operator-password-for-tests";

    private static Engines engines;
    private static Grid grid;
    private static Ledger books;
    private static SimulatorServer simulator;
    private static WorkerServer worker;
    private static PulsarClient pulsar;
    private static Producer<PaymentRequest> producer;
    private static WebClient http;

    @BeforeAll
    static void start(Engines e) throws Exception {
        engines = e;
        WorkerFixture.migrateCheckoutSchema(engines);
        grid = Grid.start(GridSettings.embedded("settlement-test-" + UUID.randomUUID()));
        int workerPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            workerPort = socket.getLocalPort();
        }
        books = new Ledger();
        simulator = SimulatorServer.start(ServiceConfig.load(SimulatorServer.DEFAULTS_RESOURCE, Map.of(
                "server.port", "0",
                "simulator.webhooks.url", "http://127.0.0.1:" + workerPort + "/webhooks/provider",
                "simulator.webhooks.secret", SECRET,
                "simulator.webhooks.max-delay-millis", "300",
                "simulator.webhooks.duplicate-rate", "1.0")), books);
        String topic = engines.topic("payment-requests");
        Map<String, String> overrides = new HashMap<>();
        overrides.put("server.port", Integer.toString(workerPort));
        overrides.put("db.url", engines.jdbcUrl());
        overrides.put("db.user", engines.user());
        overrides.put("db.password", engines.password());
        overrides.put("pulsar.service-url", engines.pulsarServiceUrl());
        overrides.put("pulsar.topics.payment-requests", topic);
        overrides.put("pulsar.dead-letter.max-redeliveries", "3");
        overrides.put("pulsar.negative-ack.min-delay-millis", "200");
        overrides.put("pulsar.negative-ack.max-delay-millis", "800");
        overrides.put("worker.max-in-flight", "16");
        overrides.put("provider.url", simulator.url());
        overrides.put("provider.connect-timeout-millis", "500");
        overrides.put("provider.read-timeout-millis", "1000");
        overrides.put("provider.retry.max-attempts", "3");
        overrides.put("provider.retry.initial-backoff-millis", "50");
        overrides.put("provider.retry.max-backoff-millis", "200");
        overrides.put("provider.circuit-breaker.delay-millis", "1000");
        overrides.put("provider.webhook-secret", SECRET);
        overrides.put("reconciler.enabled", "false");
        overrides.put("timing.payment-timeout-millis", "1");
        overrides.put("reconciler.follow-up-delay-millis", "1");
        overrides.put("reconciler.late-charge-recheck-delay-millis", "2000");
        overrides.put("operator.username", "operator");
        overrides.put("operator.password", "operator-password-for-tests");
        worker = WorkerServer.start(ServiceConfig.load(WorkerServer.DEFAULTS_RESOURCE, overrides), grid);
        http = WebClient.builder().baseUri(worker.url()).build();
        pulsar = PulsarClient.builder().serviceUrl(engines.pulsarServiceUrl()).build();
        producer = pulsar.newProducer(Schema.JSON(PaymentRequest.class)).topic(topic).enableBatching(false).create();
        awaitUntil("the worker is subscribed", worker::isConsuming);
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {producer, pulsar, worker, simulator, grid}) {
            if (c != null) {
                c.close();
            }
        }
    }

    private static TestOrder order(String paymentMethod, int quantity) throws Exception {
        return WorkerFixture.placeOrder(engines, grid, paymentMethod, quantity, "settle");
    }

    private static String status(TestOrder order) {
        return WorkerFixture.orderColumn(engines, order, "status");
    }

    /** The charge a worker made before it crashed, without the worker ever recording it. */
    private static Api.Charge chargeBehindTheWorkersBack(TestOrder order) {
        return books.charge(order.orderId().toString(), new Api.ChargeRequest(order.amountMinor(), "EUR",
                order.paymentMethodId(), order.orderId().toString())).charge();
    }

    private static HttpClientResponse operatorGet(String path, String credentials) {
        var request = http.get(path);
        if (credentials != null) {
            request.header(HeaderNames.AUTHORIZATION, "Basic "
                    + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        return request.request();
    }

    // ---------------------------------------------------------------------------------------------------------

    @Test
    void anOrderWhoseRequestWasLostIsExpiredByTheReconcilerAndItsSeatsGoBack() throws Exception {
        TestOrder order = order("pm_card_visa", 2);
        worker.reconciler().round();
        assertThat(status(order)).isEqualTo("EXPIRED");
        assertThat(WorkerFixture.orderColumn(engines, order, "failure_reason")).contains("no charge");
        assertThat(grid.inventory().counters(order.eventId(), WorkerFixture.CATEGORY))
                .isEqualTo(new StockCounters(10, 10, 0, 0));
        assertThat(books.findByReference(order.orderId().toString())).isEmpty();
        assertThat(WorkerFixture.tickets(engines, order)).isZero();
    }

    @Test
    void aChargeNobodyRecordedIsFoundByTheReconcilerAndTheOrderIsPaidWithOneTicketPerSeat() throws Exception {
        TestOrder order = order("pm_card_visa", 3);
        Api.Charge charge = chargeBehindTheWorkersBack(order);
        worker.reconciler().round();
        assertThat(status(order)).isEqualTo("PAID");
        assertThat(WorkerFixture.chargeColumn(engines, order, "provider_charge_id")).isEqualTo(charge.id());
        assertThat(grid.inventory().find(order.eventId(), order.holdId()).orElseThrow().status())
                .isEqualTo(HoldStatus.SOLD);
        assertThat(WorkerFixture.tickets(engines, order)).isEqualTo(3);
        assertThat(books.findByReference(order.orderId().toString())).hasSize(1);
    }

    @Test
    void aDeclineNobodyRecordedIsFoundByTheReconcilerAndTheOrderFails() throws Exception {
        TestOrder order = order("pm_card_chargeDeclined", 1);
        chargeBehindTheWorkersBack(order);
        worker.reconciler().round();
        assertThat(status(order)).isEqualTo("PAYMENT_FAILED");
        assertThat(grid.inventory().find(order.eventId(), order.holdId())).isEmpty();
        assertThat(grid.inventory().counters(order.eventId(), WorkerFixture.CATEGORY).available()).isEqualTo(10);
    }

    @Test
    void anOrderWhoseChargeAttemptMayStillBeInFlightIsLeftAlone() throws Exception {
        TestOrder order = order("pm_card_visa", 1);
        var store = new PaymentStore(dataSource());
        store.beginAttempt(store.findOrder(order.orderId()).orElseThrow());
        worker.reconciler().round();
        assertThat(status(order)).isEqualTo("AWAITING_PAYMENT");
        assertThat(grid.inventory().find(order.eventId(), order.holdId()).orElseThrow().status())
                .isEqualTo(HoldStatus.IN_CHECKOUT);
        // Once its attempt settles normally, the reconciler has nothing left to do for it.
        producer.send(order.request());
        awaitUntil("the order is PAID", () -> "PAID".equals(status(order)));
    }

    @Test
    void twoReconcilersRacingOverTheSameOrdersSettleEachExactlyOnce() throws Exception {
        List<TestOrder> orders = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            TestOrder order = order(i % 4 == 0 ? "pm_card_chargeDeclined" : "pm_card_visa", 1);
            chargeBehindTheWorkersBack(order);
            orders.add(order);
        }
        WorkerMetrics otherMetrics = new WorkerMetrics();
        var otherStore = new PaymentStore(dataSource());
        ProviderGateway otherGateway = new ProviderGateway(worker.gateway().settings());
        var otherProcessor = new PaymentProcessor(otherStore, otherGateway, grid.inventory(), otherMetrics);
        try (Reconciler other = new Reconciler(otherStore, otherProcessor, otherGateway, otherMetrics,
                worker.reconciler().settings())) {
            ExecutorService two = Executors.newFixedThreadPool(2);
            List<Callable<List<Reconciler.Result>>> rounds = List.of(() -> worker.reconciler().round(), other::round);
            List<Reconciler.Result> results = new ArrayList<>();
            for (Future<List<Reconciler.Result>> f : two.invokeAll(rounds)) {
                results.addAll(f.get());
            }
            two.shutdown();
            // Each order was taken by one of them only (SKIP LOCKED), and moved once (the status guard).
            assertThat(results.stream().filter(r -> r == Reconciler.Result.PAID)).hasSize(15);
            assertThat(results.stream().filter(r -> r == Reconciler.Result.PAYMENT_FAILED)).hasSize(5);
        }
        for (TestOrder order : orders) {
            assertThat(grid.inventory().counters(order.eventId(), WorkerFixture.CATEGORY).sold())
                    .isEqualTo("PAID".equals(status(order)) ? 1 : 0);
        }
    }

    @Test
    void signedCallbacksSettleOrdersAndDuplicatesChangeNothing() throws Exception {
        long accepted = worker.metrics().count(WorkerMetrics.Name.WEBHOOKS_ACCEPTED);
        // The simulator calls back twice for every charge (duplicate rate 1.0), after random delays.
        TestOrder order = order("pm_card_visa", 2);
        producer.send(order.request());
        awaitUntil("the order is PAID", () -> "PAID".equals(status(order)));
        awaitUntil("both callbacks arrived",
                () -> worker.metrics().count(WorkerMetrics.Name.WEBHOOKS_ACCEPTED) >= accepted + 2);
        assertThat(books.findByReference(order.orderId().toString())).hasSize(1);
        assertThat(WorkerFixture.tickets(engines, order)).isEqualTo(2);
        assertThat(grid.inventory().counters(order.eventId(), WorkerFixture.CATEGORY)).isEqualTo(new StockCounters(10, 8, 0, 2));
    }

    private record CallbackAnswer(int status, String body) {
    }

    /** Posts a provider callback signed with {@code secret} at time {@code t}, as the provider would. */
    private static CallbackAnswer callback(byte[] body, String t, String secret) {
        try (HttpClientResponse res = http.post("/webhooks/provider")
                .header(HeaderNames.create("X-Provider-Signature"), "t=" + t + ",v1=" + Webhooks.sign(secret, t, body))
                .header(HeaderNames.CONTENT_TYPE, "application/json").submit(body)) {
            return new CallbackAnswer(res.status().code(), res.as(String.class));
        }
    }

    @Test
    void aCallbackAloneSettlesAnOrderAndAForgedOneIsRefused() throws Exception {
        TestOrder order = order("pm_card_visa", 1);
        Api.Charge charge = chargeBehindTheWorkersBack(order);
        byte[] body = Json.write(new Webhooks.Event("evt_test", "charge.succeeded", System.currentTimeMillis() / 1000,
                charge));
        String t = Long.toString(System.currentTimeMillis() / 1000);
        assertThat(callback(body, t, "another-secret-0123456789").status()).isEqualTo(401);
        assertThat(status(order)).isEqualTo("AWAITING_PAYMENT");
        for (int i = 0; i < 2; i++) {
            CallbackAnswer answer = callback(body, t, SECRET);
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.body()).contains(i == 0 ? "settled" : "already-settled");
        }
        assertThat(status(order)).isEqualTo("PAID");
        assertThat(WorkerFixture.tickets(engines, order)).isEqualTo(1);
    }

    @Test
    void aRequestForAnOrderACallbackAlreadySettledSkipsTheGridStepAndChangesNothing() throws Exception {
        TestOrder order = order("pm_card_visa", 2);
        Api.Charge charge = chargeBehindTheWorkersBack(order);
        byte[] body = Json.write(new Webhooks.Event("evt_first", "charge.succeeded", System.currentTimeMillis() / 1000,
                charge));
        String t = Long.toString(System.currentTimeMillis() / 1000);
        assertThat(callback(body, t, SECRET).body()).contains("\"settled\"");
        assertThat(WorkerFixture.chargeColumn(engines, order, "settled_at")).isNotNull();
        long skipped = worker.metrics().count(WorkerMetrics.Name.GRID_ALREADY_FOLLOWING);
        // The worker's own delivery arrives after the callback settled the order and the grid followed it.
        producer.send(order.request());
        awaitUntil("the delivery is counted", () -> "1".equals(WorkerFixture.chargeColumn(engines, order, "deliveries")));
        awaitUntil("the grid step was skipped",
                () -> worker.metrics().count(WorkerMetrics.Name.GRID_ALREADY_FOLLOWING) == skipped + 1);
        assertThat(status(order)).isEqualTo("PAID");
        assertThat(WorkerFixture.tickets(engines, order)).isEqualTo(2);
        assertThat(grid.inventory().find(order.eventId(), order.holdId()).orElseThrow().status())
                .isEqualTo(HoldStatus.SOLD);
        assertThat(grid.inventory().counters(order.eventId(), WorkerFixture.CATEGORY)).isEqualTo(new StockCounters(10, 8, 0, 2));
        assertThat(books.findByReference(order.orderId().toString())).hasSize(1);
    }

    @Test
    void aMixedWorkloadUnderProviderFaultsEndsWithEveryOrderFinalAndTheAuditClean() throws Exception {
        simulator.chaos().set(new Chaos.Plan(5L, 50L, 200L, 0.2, 0.05, 1_500L, 0.02, 4));
        simulator.faults().set(new Faults.Plan(3, 3, 503, 0L, 0));
        List<TestOrder> orders = new ArrayList<>();
        try {
            for (int i = 0; i < 60; i++) {
                String card = switch (i % 6) {
                    case 0 -> "pm_card_chargeDeclined";
                    case 1 -> "pm_card_chargeDeclinedInsufficientFunds";
                    default -> "pm_card_visa";
                };
                TestOrder order = order(card, 1 + i % 3);
                orders.add(order);
                if (i % 10 != 9) { // every tenth request is "lost": only the reconciler can end that order
                    producer.sendAsync(order.request());
                }
            }
            producer.flush();
            List<TestOrder> sent = new ArrayList<>();
            for (int i = 0; i < orders.size(); i++) {
                if (i % 10 != 9) {
                    sent.add(orders.get(i));
                }
            }
            awaitUntil("every sent request is settled by the workers",
                    () -> sent.stream().noneMatch(o -> "AWAITING_PAYMENT".equals(status(o))));
            assertThat(orders.stream().filter(o -> "AWAITING_PAYMENT".equals(status(o)))).hasSize(6);
        } finally {
            simulator.chaos().set(Chaos.Plan.NONE);
            simulator.faults().set(Faults.Plan.NONE);
        }
        awaitUntil("the reconciler has ended every order", () -> {
            try {
                worker.reconciler().round();
            } catch (Exception e) {
                return false;
            }
            return orders.stream().noneMatch(o -> "AWAITING_PAYMENT".equals(status(o)));
        });
        for (TestOrder order : orders) {
            assertThat(books.findByReference(order.orderId().toString())).hasSizeLessThanOrEqualTo(1);
            int sold = grid.inventory().counters(order.eventId(), WorkerFixture.CATEGORY).sold();
            assertThat(sold).isEqualTo("PAID".equals(status(order)) ? order.quantity() : 0);
        }
        awaitUntil("every grid step is done", () -> {
            try {
                worker.reconciler().followUp();
            } catch (Exception e) {
                return false;
            }
            return orders.stream().allMatch(o -> WorkerFixture.chargeColumn(engines, o, "settled_at") != null);
        });
        try (HttpClientResponse res = operatorGet("/api/operator/audit", OPERATOR)) {
            assertThat(res.status().code()).isEqualTo(200);
            String body = res.as(String.class);
            assertThat(body).contains("\"ok\":true");
            assertThat(body).contains("\"succeededChargesWithoutPaidOrder\":[]", "\"paidOrdersWithoutOneSucceededCharge\":[]");
        }
    }

    /** A slow attempt the provider processes after all, over HTTP: it calls back as for any new charge. */
    private static Api.Charge chargeArrivingLate(TestOrder order) {
        try (HttpClientResponse res = WebClient.builder().baseUri(simulator.url()).build().post("/v1/charges")
                .header(ProviderGateway.IDEMPOTENCY_KEY, order.orderId().toString())
                .header(HeaderNames.CONTENT_TYPE, "application/json")
                .submit(Json.write(new Api.ChargeRequest(order.amountMinor(), "EUR",
                        order.paymentMethodId(), order.orderId().toString())))) {
            assertThat(res.status().code()).isEqualTo(201);
            return Json.read(res.as(String.class), Api.Charge.class);
        }
    }

    private static String refundColumn(TestOrder order, String column) {
        return WorkerFixture.column(engines, "select " + column + " from payment.refunds where order_id = ?",
                order.orderId());
    }

    private static com.fasterxml.jackson.databind.JsonNode audit() {
        try (HttpClientResponse res = operatorGet("/api/operator/audit", OPERATOR)) {
            assertThat(res.status().code()).isEqualTo(200);
            return Json.MAPPER.readTree(res.as(String.class));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aChargeLandingAfterTheOrderExpiredIsRefundedExactlyOnceDespiteDuplicateCallbacksAndARedelivery()
            throws Exception {
        TestOrder order = order("pm_card_visa", 1);
        worker.reconciler().round();
        assertThat(status(order)).isEqualTo("EXPIRED");
        assertThat(grid.inventory().counters(order.eventId(), WorkerFixture.CATEGORY))
                .isEqualTo(new StockCounters(10, 10, 0, 0));

        // The provider makes the charge after all; it calls back twice (duplicate rate 1.0).
        long accepted = worker.metrics().count(WorkerMetrics.Name.WEBHOOKS_ACCEPTED);
        Api.Charge charge = chargeArrivingLate(order);
        awaitUntil("both callbacks arrived",
                () -> worker.metrics().count(WorkerMetrics.Name.WEBHOOKS_ACCEPTED) >= accepted + 2);
        awaitUntil("the charge is refunded", () -> "SUCCEEDED".equals(refundColumn(order, "status")));
        // And the payment request comes again (a redelivery): settled again as a no-op, no second refund.
        producer.send(order.request());
        awaitUntil("the redelivery is handled", () -> "1".equals(WorkerFixture.chargeColumn(engines, order,
                "deliveries")));

        List<Api.Refund> refunds = books.refundsOf(charge.id());
        assertThat(refunds).hasSize(1);
        assertThat(refunds.getFirst().amountMinor()).isEqualTo(charge.amountMinor());
        assertThat(refundColumn(order, "provider_refund_id")).isEqualTo(refunds.getFirst().id());
        assertThat(refundColumn(order, "idempotency_key")).isEqualTo("refund:" + order.orderId());
        assertThat(refundColumn(order, "order_status")).isEqualTo("EXPIRED");
        assertThat(WorkerFixture.chargeColumn(engines, order, "status")).isEqualTo("SUCCEEDED");
        assertThat(status(order)).isEqualTo("EXPIRED");
        assertThat(WorkerFixture.tickets(engines, order)).isZero();
        assertThat(grid.inventory().counters(order.eventId(), WorkerFixture.CATEGORY))
                .isEqualTo(new StockCounters(10, 10, 0, 0));

        var audit = audit();
        assertThat(audit.path("ok").asBoolean()).as(audit.toString()).isTrue();
        assertThat(audit.path("refundedCharges").asInt()).isPositive();
        assertThat(audit.path("succeededChargesWithoutPaidOrder").toString()).doesNotContain(order.orderId().toString());
    }

    @Test
    void aRefundWhoseAnswersAreLostStaysOwedAndTheReconcilerRefundsItOnceWithTheSameKey() throws Exception {
        TestOrder order = order("pm_card_visa", 2);
        worker.reconciler().round();
        assertThat(status(order)).isEqualTo("EXPIRED");
        Api.Charge charge;
        try {
            // Every refund is made and then its answer lost (the worker's view of a crash after the call).
            simulator.faults().set(Faults.Plan.refunds(0, 1_000, 503));
            long accepted = worker.metrics().count(WorkerMetrics.Name.WEBHOOKS_ACCEPTED);
            charge = chargeArrivingLate(order);
            awaitUntil("both callbacks were handled",
                    () -> worker.metrics().count(WorkerMetrics.Name.WEBHOOKS_ACCEPTED) >= accepted + 2);
            awaitUntil("the refund was asked for", () -> refundColumn(order, "attempts") != null
                    && Integer.parseInt(refundColumn(order, "attempts")) >= 1);
            assertThat(refundColumn(order, "status")).isEqualTo("PENDING");
            assertThat(books.refundsOf(charge.id())).hasSize(1);
            var audit = audit();
            assertThat(audit.path("ok").asBoolean()).isFalse();
            assertThat(audit.path("refundsOwed").toString()).contains(order.orderId().toString());
        } finally {
            simulator.faults().set(Faults.Plan.NONE);
        }
        awaitUntil("the reconciler's sweep has the refund confirmed", () -> {
            try {
                worker.reconciler().round();
            } catch (Exception e) {
                return false;
            }
            return "SUCCEEDED".equals(refundColumn(order, "status"));
        });
        List<Api.Refund> refunds = books.refundsOf(charge.id());
        assertThat(refunds).hasSize(1);
        assertThat(refundColumn(order, "provider_refund_id")).isEqualTo(refunds.getFirst().id());
        assertThat(books.find(charge.id()).orElseThrow().amountRefunded()).isEqualTo(9_000);
        var audit = audit();
        assertThat(audit.path("ok").asBoolean()).as(audit.toString()).isTrue();
    }

    @Test
    void aChargeMadeLateWithoutAnyCallbackIsFoundByTheReconcilersRecheckAndRefunded() throws Exception {
        TestOrder order = order("pm_card_visa", 1);
        PaymentStore store = new PaymentStore(dataSource());
        // A worker started a charge attempt long ago (past the attempt lease) and never learnt its outcome.
        store.beginAttempt(store.findOrder(order.orderId()).orElseThrow());
        try (Connection c = engines.connect(); PreparedStatement ps = c.prepareStatement("update payment.charges"
                + " set attempt_started_at = now() - interval '1 hour' where order_id = ?")) {
            ps.setObject(1, order.orderId());
            ps.executeUpdate();
        }
        worker.reconciler().round();
        assertThat(status(order)).isEqualTo("EXPIRED");
        // Then the provider makes that charge after all, and no callback comes (none is sent for a direct charge).
        long found = worker.metrics().count(WorkerMetrics.Name.LATE_CHARGES_FOUND);
        Api.Charge charge = chargeBehindTheWorkersBack(order);
        awaitUntil("the recheck found the charge and refunded it", () -> {
            try {
                worker.reconciler().round();
            } catch (Exception e) {
                return false;
            }
            return "SUCCEEDED".equals(refundColumn(order, "status"));
        });
        assertThat(worker.metrics().count(WorkerMetrics.Name.LATE_CHARGES_FOUND)).isEqualTo(found + 1);
        assertThat(books.refundsOf(charge.id())).hasSize(1);
        assertThat(status(order)).isEqualTo("EXPIRED");
        assertThat(grid.inventory().counters(order.eventId(), WorkerFixture.CATEGORY))
                .isEqualTo(new StockCounters(10, 10, 0, 0));
        // Checked once: later rounds do not ask again.
        assertThat(WorkerFixture.chargeColumn(engines, order, "rechecked_at")).isNotNull();
    }

    @Test
    void theAuditFindsASeatSoldWithoutAPaidOrder() throws Exception {
        TestOrder order = order("pm_card_visa", 1);
        // A grid that sold behind the orders' back: the audit must say so.
        assertThat(grid.inventory().markSold(order.eventId(), order.holdId(), order.orderId().toString()).done()).isTrue();
        try (HttpClientResponse res = operatorGet("/api/operator/audit", OPERATOR)) {
            assertThat(res.status().code()).isEqualTo(200);
            assertThat(res.as(String.class)).contains("\"ok\":false", order.eventId());
        } finally {
            // Put the books right again for the other tests: the order is paid after all.
            chargeBehindTheWorkersBack(order);
            worker.reconciler().round();
            assertThat(status(order)).isEqualTo("PAID");
        }
    }

    @Test
    void operatorEndpointsNeedCredentialsAndShowTheDeadLetters() throws Exception {
        try (HttpClientResponse res = operatorGet("/api/operator/audit", null)) {
            assertThat(res.status().code()).isEqualTo(401);
            assertThat(res.headers().first(HeaderNames.WWW_AUTHENTICATE)).isPresent();
        }
        try (HttpClientResponse res = operatorGet("/api/operator/dead-letters", "operator:wrong-password-123")) {
            assertThat(res.status().code()).isEqualTo(401);
        }
        long dead = worker.metrics().count(WorkerMetrics.Name.MESSAGES_DEAD_LETTERED);
        try (Producer<byte[]> raw = pulsar.newProducer(Schema.BYTES).topic(engines.topic("payment-requests"))
                .enableBatching(false).create()) {
            raw.newMessage().key("poison-1").value("{not json".getBytes(StandardCharsets.UTF_8)).send();
        }
        awaitUntil("the poison message is dead-lettered",
                () -> worker.metrics().count(WorkerMetrics.Name.MESSAGES_DEAD_LETTERED) > dead);
        awaitUntil("operators see it", () -> {
            try (HttpClientResponse res = operatorGet("/api/operator/dead-letters", OPERATOR)) {
                return res.status().code() == 200 && res.as(String.class).contains("poison-1");
            }
        });
    }

    /** The worker reads the accounts and sessions the edge writes (schema operators, through service-runtime). */
    @Test
    void operatorEndpointsTakeASessionMadeElsewhereAndAnyRoleMayReadThem() throws Exception {
        OperatorAccess edgeSide = OperatorAccess.start(dataSource(), OperatorSettings.from(
                io.helidon.config.Config.just(io.helidon.config.ConfigSources.create(Map.of(
                        "username", "operator", "password", "operator-password-for-tests")))),
                java.time.Clock.systemUTC(), "queue-edge");
        Operator admin = edgeSide.session(edgeSide.signIn("operator", "operator-password-for-tests", "10.9.0.1")
                .token()).orElseThrow();
        edgeSide.create(admin, "worker-viewer", Role.VIEWER, "worker-viewer-password");
        String token = edgeSide.signIn("worker-viewer", "worker-viewer-password", "10.9.0.1").token();

        for (String path : List.of("/api/operator/dead-letters", "/api/operator/worker", "/api/operator/me")) {
            try (HttpClientResponse res = http.get(path).header(HeaderNames.AUTHORIZATION, "Bearer " + token)
                    .request()) {
                assertThat(res.status().code()).as(path).isEqualTo(200);
            }
        }
        edgeSide.signOut(token);
        // The worker trusts a verified session for the cache time (30 s by default) after a sign-out elsewhere.
        try (HttpClientResponse res = http.get("/api/operator/worker")
                .header(HeaderNames.AUTHORIZATION, "Bearer not-a-session").request()) {
            assertThat(res.status().code()).isEqualTo(401);
            assertThat(res.headers().first(HeaderNames.WWW_AUTHENTICATE).orElseThrow()).startsWith("Bearer");
            assertThat(res.as(String.class)).contains("\"errors\"");
        }
    }

    /** Sign-in on the worker itself gives a session there, and sign-out there ends it at once. */
    @Test
    void operatorsSignInAndOutOnTheWorker() {
        String token;
        try (HttpClientResponse res = http.post("/api/operator/sessions")
                .header(HeaderNames.CONTENT_TYPE, "application/json")
                .submit("{\"username\":\"operator\",\"password\":\"operator-password-for-tests\"}")) {
            assertThat(res.status().code()).isEqualTo(201);
            token = Json.MAPPER.readTree(res.as(String.class)).get("token").asText();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        try (HttpClientResponse res = http.delete("/api/operator/sessions")
                .header(HeaderNames.AUTHORIZATION, "Bearer " + token).request()) {
            assertThat(res.status().code()).isEqualTo(204);
        }
        try (HttpClientResponse res = http.get("/api/operator/worker")
                .header(HeaderNames.AUTHORIZATION, "Bearer " + token).request()) {
            assertThat(res.status().code()).isEqualTo(401);
        }
    }

    private static javax.sql.DataSource dataSource() {
        var ds = new org.postgresql.ds.PGSimpleDataSource();
        ds.setURL(engines.jdbcUrl());
        ds.setUser(engines.user());
        ds.setPassword(engines.password());
        return ds;
    }

    @SuppressWarnings("unused")
    private static void forceStatus(TestOrder order, String status) throws Exception {
        try (Connection c = engines.connect();
             PreparedStatement ps = c.prepareStatement("update checkout.orders set status = ? where id = ?")) {
            ps.setString(1, status);
            ps.setObject(2, order.orderId());
            ps.executeUpdate();
        }
    }
}
