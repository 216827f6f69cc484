package dev.floodgate.ops.simulator;

import dev.floodgate.contracts.http.Json;
import dev.floodgate.ops.simulator.Api.Charge;
import dev.floodgate.ops.simulator.Api.ChargeList;
import dev.floodgate.ops.simulator.Api.PaymentMethod;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class SimulatorServerTest {
    private static SimulatorServer simulator;
    private static WebClient client;

    record Reply(int status, String body, boolean simulatorHeader, boolean replayed) {
        <T> T as(Class<T> type) {
            assertThat(status).as(body).isBetween(200, 299);
            return Json.read(body, type);
        }
    }

    @BeforeAll
    static void start() {
        Config config = Config.builder()
                .addSource(ConfigSources.create(Map.of("server.port", "0")))
                .addSource(ConfigSources.classpath(SimulatorServer.DEFAULTS_RESOURCE))
                .disableEnvironmentVariablesSource().disableSystemPropertiesSource().build();
        simulator = SimulatorServer.start(config);
        client = WebClient.builder().baseUri(simulator.url()).build();
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @BeforeEach
    void reset() {
        assertThat(post("/v1/simulator/reset", null, null).status()).isEqualTo(204);
    }

    private static Reply post(String path, String key, String body) {
        var request = client.method(Method.POST).path(path);
        if (key != null) {
            request.header(SimulatorServer.IDEMPOTENCY_KEY, key);
        }
        if (body != null) {
            request.header(HeaderNames.CONTENT_TYPE, "application/json");
        }
        try (HttpClientResponse res = body == null ? request.request() : request.submit(body)) {
            return reply(res);
        }
    }

    private static Reply get(String path, String... query) {
        var request = client.get(path);
        for (int i = 0; i < query.length; i += 2) {
            request.queryParam(query[i], query[i + 1]);
        }
        try (HttpClientResponse res = request.request()) {
            return reply(res);
        }
    }

    private static Reply reply(HttpClientResponse res) {
        return new Reply(res.status().code(), res.entity().hasEntity() ? res.as(String.class) : "",
                res.headers().first(SimulatorServer.SIMULATOR_HEADER).orElse("").equals("true"),
                res.headers().first(SimulatorServer.IDEMPOTENT_REPLAYED).isPresent());
    }

    private static String card(String number) {
        Reply r = post("/v1/payment-methods", null,
                "{\"cardNumber\":\"" + number + "\",\"expMonth\":12,\"expYear\":2030,\"cvc\":\"123\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.as(PaymentMethod.class).id();
    }

    private static String chargeBody(String pm, long amount, String reference) {
        return "{\"amountMinor\":" + amount + ",\"currency\":\"EUR\",\"paymentMethodId\":\"" + pm
                + "\",\"reference\":\"" + reference + "\"}";
    }

    @Test
    void tokenisingACardShowsOnlyItsLastDigitsAndBrand() {
        Reply r = post("/v1/payment-methods", null,
                "{\"cardNumber\":\"4242 4242 4242 4242\",\"expMonth\":1,\"expYear\":2031,\"cvc\":\"999\"}");
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.simulatorHeader()).isTrue();
        PaymentMethod pm = r.as(PaymentMethod.class);
        assertThat(pm.id()).startsWith("pm_");
        assertThat(pm.last4()).isEqualTo("4242");
        assertThat(pm.brand()).isEqualTo("visa");
        assertThat(r.body()).doesNotContain("424242424242");
    }

    @Test
    void aGoodCardIsChargedOnceAndTheSameKeyReplaysTheSameCharge() {
        String pm = card(TestCards.SUCCEEDS);
        String key = UUID.randomUUID().toString();
        Reply first = post("/v1/charges", key, chargeBody(pm, 4500, key));
        assertThat(first.status()).as(first.body()).isEqualTo(201);
        assertThat(first.replayed()).isFalse();
        Charge charge = first.as(Charge.class);
        assertThat(charge.id()).startsWith("ch_");
        assertThat(charge.status()).isEqualTo("succeeded");
        assertThat(charge.declineCode()).isNull();
        assertThat(charge.amountMinor()).isEqualTo(4500);
        assertThat(charge.reference()).isEqualTo(key);

        Reply again = post("/v1/charges", key, chargeBody(pm, 4500, key));
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.replayed()).isTrue();
        assertThat(again.as(Charge.class)).isEqualTo(charge);

        assertThat(get("/v1/simulator/charges").as(ChargeList.class).data()).containsExactly(charge);
        assertThat(get("/v1/charges/" + charge.id()).as(Charge.class)).isEqualTo(charge);
        assertThat(get("/v1/charges", "reference", key).as(ChargeList.class).data()).containsExactly(charge);
        assertThat(get("/v1/charges", "idempotencyKey", key).as(ChargeList.class).data()).containsExactly(charge);
    }

    @Test
    void theSameKeyWithADifferentBodyIsAConflictAndChargesNothingMore() {
        String pm = card(TestCards.SUCCEEDS);
        String key = UUID.randomUUID().toString();
        assertThat(post("/v1/charges", key, chargeBody(pm, 4500, key)).status()).isEqualTo(201);
        Reply conflict = post("/v1/charges", key, chargeBody(pm, 9900, key));
        assertThat(conflict.status()).isEqualTo(409);
        assertThat(conflict.body()).contains("\"field\":\"Idempotency-Key\"");
        assertThat(get("/v1/simulator/charges").as(ChargeList.class).data()).hasSize(1);
    }

    @Test
    void concurrentRequestsWithTheSameKeyMakeOneCharge() throws Exception {
        String pm = card(TestCards.SUCCEEDS);
        String key = UUID.randomUUID().toString();
        int n = 16;
        CountDownLatch go = new CountDownLatch(1);
        List<Callable<Reply>> calls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            calls.add(() -> {
                go.await();
                return post("/v1/charges", key, chargeBody(pm, 1200, key));
            });
        }
        List<Reply> replies = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Reply>> futures = calls.stream().map(pool::submit).toList();
            go.countDown();
            for (Future<Reply> f : futures) {
                replies.add(f.get());
            }
        }
        assertThat(replies).extracting(Reply::status).containsOnly(200, 201);
        assertThat(replies).filteredOn(r -> r.status() == 201).hasSize(1);
        assertThat(replies.stream().map(r -> r.as(Charge.class).id()).distinct()).hasSize(1);
        assertThat(get("/v1/simulator/charges").as(ChargeList.class).data()).hasSize(1);
    }

    @Test
    void declineCardsAreDeclinedWithTheirCodes() {
        Charge declined = post("/v1/charges", "k1", chargeBody(card(TestCards.DECLINED), 100, "r1")).as(Charge.class);
        assertThat(declined.status()).isEqualTo("declined");
        assertThat(declined.declineCode()).isEqualTo("card_declined");
        Charge poor = post("/v1/charges", "k2", chargeBody(card(TestCards.INSUFFICIENT_FUNDS), 100, "r2"))
                .as(Charge.class);
        assertThat(poor.status()).isEqualTo("declined");
        assertThat(poor.declineCode()).isEqualTo("insufficient_funds");
        Charge token = post("/v1/charges", "k3", chargeBody("pm_card_chargeDeclined", 100, "r3")).as(Charge.class);
        assertThat(token.declineCode()).isEqualTo("card_declined");
    }

    /** Every integer field of the simulator's bodies; {@code @} stands for the value, null where it means "absent". */
    static Stream<Arguments> integerFieldsGivenSomethingElse() {
        List<String[]> targets = List.of(
                new String[] {"/v1/payment-methods",
                        "{\"cardNumber\":\"4242424242424242\",\"expMonth\":@,\"expYear\":2030,\"cvc\":\"123\"}",
                        "expMonth", "int"},
                new String[] {"/v1/payment-methods",
                        "{\"cardNumber\":\"4242424242424242\",\"expMonth\":12,\"expYear\":@,\"cvc\":\"123\"}",
                        "expYear", "int"},
                new String[] {"/v1/charges", "{\"amountMinor\":@,\"currency\":\"EUR\",\"paymentMethodId\":"
                        + "\"pm_card_visa\",\"reference\":\"r\"}", "amountMinor", "long"},
                new String[] {"/v1/refunds", "{\"chargeId\":\"ch_0123456789abcdef\",\"amountMinor\":@}",
                        "amountMinor", "long"},
                new String[] {"/v1/simulator/faults", "{\"failBeforeCharge\":@}", "failBeforeCharge", "int"},
                new String[] {"/v1/simulator/chaos", "{\"burstLength\":@}", "burstLength", "int"});
        List<Arguments> cases = new ArrayList<>();
        for (String[] t : targets) {
            String overflow = t[3].equals("int") ? "9999999999" : "99999999999999999999";
            for (String value : List.of("\"1\"", "1.5", "1.0", "1e2", "true", overflow)) {
                cases.add(Arguments.of(t[0], t[1], t[2], value));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {2} = {3}")
    @MethodSource("integerFieldsGivenSomethingElse")
    void anIntegerFieldTakesOnlyAJsonIntegerAndARefusalChangesNothing(String path, String body, String field,
                                                                      String value) {
        String before = get("/v1/simulator/charges").body() + get("/v1/simulator/refunds").body()
                + get("/v1/simulator/faults").body() + get("/v1/simulator/chaos").body();

        Reply refused = post(path, "strict-key", body.replace("@", value));

        assertThat(refused.status()).as(refused.body()).isEqualTo(400);
        assertThat(refused.body()).contains("\"field\":\"" + field + "\"", "\"code\":\"VALIDATION\"");
        assertThat(get("/v1/simulator/charges").body() + get("/v1/simulator/refunds").body()
                + get("/v1/simulator/faults").body() + get("/v1/simulator/chaos").body()).isEqualTo(before);
    }

    @Test
    void badInputIsA400WithTheErrorBody() {
        Reply luhn = post("/v1/payment-methods", null,
                "{\"cardNumber\":\"4242424242424241\",\"expMonth\":12,\"expYear\":2030,\"cvc\":\"123\"}");
        assertThat(luhn.status()).isEqualTo(400);
        assertThat(luhn.simulatorHeader()).isTrue();
        assertThat(luhn.body()).isEqualTo("{\"errors\":[{\"message\":\"card number is invalid\",\"field\":\"cardNumber\",\"code\":\"VALIDATION\"}]}");

        Reply month = post("/v1/payment-methods", null,
                "{\"cardNumber\":\"4242424242424242\",\"expMonth\":13,\"expYear\":2030,\"cvc\":\"123\"}");
        assertThat(month.status()).isEqualTo(400);
        assertThat(month.body()).contains("\"field\":\"expMonth\"");

        Reply noKey = post("/v1/charges", null, chargeBody("pm_card_visa", 100, "r"));
        assertThat(noKey.status()).isEqualTo(400);
        assertThat(noKey.body()).contains("\"field\":\"Idempotency-Key\"");

        Reply amount = post("/v1/charges", "k", chargeBody("pm_card_visa", 0, "r"));
        assertThat(amount.status()).isEqualTo(400);
        assertThat(amount.body()).contains("\"field\":\"amountMinor\"");

        Reply unknownField = post("/v1/charges", "k", "{\"amountMinor\":1,\"currency\":\"EUR\","
                + "\"paymentMethodId\":\"pm_card_visa\",\"cardNumber\":\"4242424242424242\"}");
        assertThat(unknownField.status()).isEqualTo(400);
        assertThat(unknownField.body()).contains("\"field\":\"cardNumber\"");

        Reply unknownMethod = post("/v1/charges", "k", chargeBody("pm_nope", 100, "r"));
        assertThat(unknownMethod.status()).isEqualTo(400);
        assertThat(unknownMethod.body()).contains("\"field\":\"paymentMethodId\"");

        assertThat(get("/v1/charges", "reference", "r", "idempotencyKey", "k").status()).isEqualTo(400);
        assertThat(get("/v1/charges/ch_missing").status()).isEqualTo(404);
        assertThat(get("/v1/simulator/charges").as(ChargeList.class).data()).isEmpty();
    }

    @Test
    void anInjectedFailureAfterChargingIsRecoveredByRetryingWithTheSameKey() {
        Reply plan = post("/v1/simulator/faults", null, "{\"failAfterCharge\":1,\"failStatus\":502}");
        assertThat(plan.status()).as(plan.body()).isEqualTo(200);
        Reply lost = post("/v1/charges", "k-lost", chargeBody("pm_card_visa", 700, "r-lost"));
        assertThat(lost.status()).isEqualTo(502);
        assertThat(lost.body()).contains("SIMULATOR");
        Reply retried = post("/v1/charges", "k-lost", chargeBody("pm_card_visa", 700, "r-lost"));
        assertThat(retried.status()).isEqualTo(200);
        assertThat(retried.replayed()).isTrue();
        assertThat(get("/v1/simulator/charges").as(ChargeList.class).data()).hasSize(1);
    }

    @Test
    void anInjectedFailureBeforeChargingChargesNothing() {
        post("/v1/simulator/faults", null, "{\"failBeforeCharge\":2}");
        assertThat(post("/v1/charges", "k", chargeBody("pm_card_visa", 700, "r")).status()).isEqualTo(503);
        assertThat(get("/v1/charges", "idempotencyKey", "k").as(ChargeList.class).data()).isEmpty();
        assertThat(post("/v1/charges", "k", chargeBody("pm_card_visa", 700, "r")).status()).isEqualTo(503);
        assertThat(post("/v1/charges", "k", chargeBody("pm_card_visa", 700, "r")).status()).isEqualTo(201);
        assertThat(get("/v1/simulator/charges").as(ChargeList.class).data()).hasSize(1);
    }

    private static String refundBody(String chargeId) {
        return "{\"chargeId\":\"" + chargeId + "\",\"reason\":\"order expired\"}";
    }

    @Test
    void aSucceededChargeIsRefundedOnceAndTheSameKeyReplaysTheSameRefund() {
        String key = UUID.randomUUID().toString();
        Charge charge = post("/v1/charges", key, chargeBody("pm_card_visa", 4500, key)).as(Charge.class);
        assertThat(charge.amountRefunded()).isZero();

        Reply first = post("/v1/refunds", "refund:" + key, refundBody(charge.id()));
        assertThat(first.status()).as(first.body()).isEqualTo(201);
        assertThat(first.replayed()).isFalse();
        assertThat(first.simulatorHeader()).isTrue();
        Api.Refund refund = first.as(Api.Refund.class);
        assertThat(refund.id()).startsWith("re_");
        assertThat(refund.status()).isEqualTo("succeeded");
        assertThat(refund.chargeId()).isEqualTo(charge.id());
        assertThat(refund.amountMinor()).isEqualTo(4500);
        assertThat(refund.reference()).isEqualTo(key);

        Reply again = post("/v1/refunds", "refund:" + key, refundBody(charge.id()));
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.replayed()).isTrue();
        assertThat(again.as(Api.Refund.class)).isEqualTo(refund);

        assertThat(get("/v1/refunds/" + refund.id()).as(Api.Refund.class)).isEqualTo(refund);
        assertThat(get("/v1/refunds", "chargeId", charge.id()).as(Api.RefundList.class).data()).containsExactly(refund);
        assertThat(get("/v1/simulator/refunds").as(Api.RefundList.class).data()).containsExactly(refund);
        assertThat(get("/v1/charges/" + charge.id()).as(Charge.class).amountRefunded()).isEqualTo(4500);
    }

    @Test
    void aRefundNeverExceedsTheChargeAndBadRefundsChangeNothing() {
        String key = UUID.randomUUID().toString();
        Charge charge = post("/v1/charges", key, chargeBody("pm_card_visa", 4500, key)).as(Charge.class);
        Charge declined = post("/v1/charges", "d-" + key, chargeBody("pm_card_chargeDeclined", 4500, "d-" + key))
                .as(Charge.class);
        assertThat(post("/v1/refunds", "r1", "{\"chargeId\":\"" + charge.id() + "\",\"amountMinor\":5000}")
                .status()).isEqualTo(400);
        assertThat(post("/v1/refunds", "r2", refundBody(declined.id())).status()).isEqualTo(400);
        Reply unknown = post("/v1/refunds", "r3", refundBody("ch_doesnotexist"));
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body()).contains("\"field\":\"chargeId\"");
        assertThat(post("/v1/refunds", null, refundBody(charge.id())).status()).isEqualTo(400);
        assertThat(post("/v1/refunds", "r4", "{\"chargeId\":\"" + charge.id() + "\",\"extra\":1}").status())
                .isEqualTo(400);
        assertThat(get("/v1/simulator/refunds").as(Api.RefundList.class).data()).isEmpty();

        assertThat(post("/v1/refunds", "r5", "{\"chargeId\":\"" + charge.id() + "\",\"amountMinor\":1500}")
                .status()).isEqualTo(201);
        // The same key with another body is a conflict; a new key gets only what is left, then nothing.
        assertThat(post("/v1/refunds", "r5", refundBody(charge.id())).status()).isEqualTo(409);
        assertThat(post("/v1/refunds", "r6", refundBody(charge.id())).as(Api.Refund.class).amountMinor())
                .isEqualTo(3000);
        assertThat(post("/v1/refunds", "r7", refundBody(charge.id())).status()).isEqualTo(400);
        assertThat(get("/v1/charges/" + charge.id()).as(Charge.class).amountRefunded()).isEqualTo(4500);
        assertThat(get("/v1/refunds", "chargeId", charge.id()).as(Api.RefundList.class).data()).hasSize(2);
    }

    @Test
    void anInjectedFailureAfterRefundingIsRecoveredByRetryingWithTheSameKey() {
        String key = UUID.randomUUID().toString();
        Charge charge = post("/v1/charges", key, chargeBody("pm_card_visa", 4500, key)).as(Charge.class);
        assertThat(post("/v1/simulator/faults", null, "{\"refundFailBefore\":1,\"refundFailAfter\":1}").status())
                .isEqualTo(200);
        assertThat(post("/v1/refunds", "refund:" + key, refundBody(charge.id())).status()).isEqualTo(503);
        assertThat(get("/v1/simulator/refunds").as(Api.RefundList.class).data()).isEmpty();
        assertThat(post("/v1/refunds", "refund:" + key, refundBody(charge.id())).status()).isEqualTo(503);
        assertThat(get("/v1/simulator/refunds").as(Api.RefundList.class).data()).hasSize(1);
        Reply retried = post("/v1/refunds", "refund:" + key, refundBody(charge.id()));
        assertThat(retried.status()).isEqualTo(200);
        assertThat(retried.replayed()).isTrue();
        assertThat(get("/v1/simulator/refunds").as(Api.RefundList.class).data()).hasSize(1);
    }

    @Test
    void theLedgerIsBoundedAndForgetsTheOldestCharges() {
        Ledger small = new Ledger(3, 3, java.time.Clock.systemUTC());
        for (int i = 0; i < 5; i++) {
            small.charge("k" + i, new Api.ChargeRequest(100L, "EUR", "pm_card_visa", "r" + i));
        }
        assertThat(small.entries()).extracting(Ledger.Entry::idempotencyKey).containsExactly("k2", "k3", "k4");
        assertThat(small.findByReference("r0")).isEmpty();
        assertThat(small.findByReference("r4")).hasSize(1);
    }

    @Test
    void luhnAndBrands() {
        assertThat(TestCards.passesLuhn(TestCards.SUCCEEDS)).isTrue();
        assertThat(TestCards.passesLuhn(TestCards.DECLINED)).isTrue();
        assertThat(TestCards.passesLuhn(TestCards.INSUFFICIENT_FUNDS)).isTrue();
        assertThat(TestCards.passesLuhn("4242424242424243")).isFalse();
        assertThat(TestCards.passesLuhn("42424242x2424242")).isFalse();
        assertThat(TestCards.brand("5555555555554444")).isEqualTo("mastercard");
        assertThat(TestCards.brand("378282246310005")).isEqualTo("amex");
    }
}
