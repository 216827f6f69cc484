package dev.floodgate.ops.simulator;

import dev.floodgate.contracts.error.ApiException;
import dev.floodgate.ops.simulator.Api.Charge;
import dev.floodgate.ops.simulator.Api.ChargeRequest;
import dev.floodgate.ops.simulator.Api.PaymentMethod;
import dev.floodgate.ops.simulator.Api.PaymentMethodRequest;
import dev.floodgate.ops.simulator.Api.Refund;
import dev.floodgate.ops.simulator.Api.RefundRequest;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.webclient.api.WebClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The simulator's books on disk: a new {@link Ledger} on the same file has exactly the books of the one before. */
class LedgerJournalTest {
    private static final PaymentMethodRequest GOOD_CARD = new PaymentMethodRequest("4242424242424242", 12, 2035, "123");
    private static final PaymentMethodRequest DECLINED_CARD =
            new PaymentMethodRequest("4000000000000002", 12, 2035, "123");

    @TempDir
    Path dir;

    /** Everything a ledger answers from, to compare two ledgers' books. */
    record Books(List<PaymentMethod> paymentMethods, List<Ledger.Entry> entries, List<Charge> charges,
                 List<Refund> refunds) {
        static Books of(Ledger ledger) {
            return new Books(ledger.paymentMethods(), ledger.entries(), ledger.charges(), ledger.refunds());
        }
    }

    private Path file() {
        return dir.resolve("simulator").resolve("ledger.jsonl");
    }

    private Ledger open(int maxCharges, int maxPaymentMethods) {
        return Ledger.open(file(), maxCharges, maxPaymentMethods, Clock.systemUTC());
    }

    private Ledger open() {
        return open(100, 100);
    }

    private static ChargeRequest charge(long amountMinor, String paymentMethodId, String reference) {
        return new ChargeRequest(amountMinor, "EUR", paymentMethodId, reference);
    }

    private List<String> lines() {
        try {
            return Files.readAllLines(file(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void paymentMethodsChargesRefundsAndKeysSurviveANewLedgerOnTheSameFile() {
        Books before;
        try (Ledger first = open()) {
            PaymentMethod good = first.tokenise(GOOD_CARD);
            PaymentMethod declined = first.tokenise(DECLINED_CARD);
            Charge paid = first.charge("order-1", charge(4500, good.id(), "order-1")).charge();
            first.charge("order-2", charge(8900, declined.id(), "order-2"));
            first.charge("order-3", charge(1000, "pm_card_visa", "order-3"));
            first.refund("refund-1", new RefundRequest(paid.id(), 500L, "requested_by_customer"));
            before = Books.of(first);
        }

        try (Ledger second = open()) {
            assertThat(Books.of(second)).isEqualTo(before);
            assertThat(second.charges()).extracting(Charge::status)
                    .containsExactly(Charge.SUCCEEDED, Charge.DECLINED, Charge.SUCCEEDED);
            assertThat(second.findByReference("order-1")).singleElement()
                    .extracting(Charge::amountRefunded).isEqualTo(500L);
            // A payment method tokenised before the restart still pays after it.
            PaymentMethod good = before.paymentMethods().getFirst();
            assertThat(second.charge("order-4", charge(4500, good.id(), "order-4")).charge().status())
                    .isEqualTo(Charge.SUCCEEDED);
        }
    }

    @Test
    void aChargeRepeatedWithItsKeyAfterARestartIsTheSameChargeNotASecondOne() {
        ChargeRequest request = charge(4500, "pm_card_visa", "order-1");
        Charge first;
        try (Ledger before = open()) {
            first = before.charge("order-1", request).charge();
        }

        try (Ledger after = open()) {
            Ledger.Outcome again = after.charge("order-1", request);
            assertThat(again.replayed()).isTrue();
            assertThat(again.charge()).isEqualTo(first);
            assertThat(after.charges()).hasSize(1);
            assertThatThrownBy(() -> after.charge("order-1", charge(9999, "pm_card_visa", "order-1")))
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(409));
        }
        assertThat(lines()).hasSize(1);
    }

    @Test
    void aRefundRepeatedWithItsKeyAfterARestartIsTheSameRefundAndTheRefundedTotalHolds() {
        Refund first;
        String chargeId;
        try (Ledger before = open()) {
            chargeId = before.charge("order-1", charge(1000, "pm_card_visa", "order-1")).charge().id();
            first = before.refund("refund-1", new RefundRequest(chargeId, 300L, null)).refund();
            before.refund("refund-2", new RefundRequest(chargeId, 200L, null));
        }

        try (Ledger after = open()) {
            Ledger.RefundOutcome again = after.refund("refund-1", new RefundRequest(chargeId, 300L, null));
            assertThat(again.replayed()).isTrue();
            assertThat(again.refund()).isEqualTo(first);
            assertThat(after.find(chargeId)).get().extracting(Charge::amountRefunded).isEqualTo(500L);
            assertThatThrownBy(() -> after.refund("refund-3", new RefundRequest(chargeId, 501L, null)))
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getMessage()).contains("500"));
            assertThat(after.refund("refund-3", new RefundRequest(chargeId, null, null)).refund().amountMinor())
                    .isEqualTo(500L);
        }
    }

    @Test
    void aTornLastLineIsSkippedAndTheNextChangeStartsOnALineOfItsOwn() throws IOException {
        Books before;
        try (Ledger first = open()) {
            first.charge("order-1", charge(4500, "pm_card_visa", "order-1"));
            first.charge("order-2", charge(4500, "pm_card_visa", "order-2"));
            before = Books.of(first);
        }
        // A crash while the third line was written: part of it reached the disk, no end of line.
        String third = lines().get(1).replace("order-2", "order-3");
        Files.writeString(file(), third.substring(0, third.length() / 2), StandardOpenOption.APPEND);

        try (Ledger second = open()) {
            assertThat(Books.of(second)).isEqualTo(before);
            second.charge("order-3", charge(4500, "pm_card_visa", "order-3"));
        }
        try (Ledger third2 = open()) {
            assertThat(third2.charges()).extracting(Charge::reference)
                    .containsExactly("order-1", "order-2", "order-3");
        }
        assertThat(lines()).hasSize(3);
    }

    @Test
    void anUnreadableLastLineWithAnEndOfLineIsSkippedToo() throws IOException {
        try (Ledger first = open()) {
            first.charge("order-1", charge(4500, "pm_card_visa", "order-1"));
        }
        Files.write(file(), new byte[]{0, 0, 0, '\n'}, StandardOpenOption.APPEND);

        try (Ledger second = open()) {
            assertThat(second.charges()).extracting(Charge::reference).containsExactly("order-1");
        }
        assertThat(lines()).hasSize(1);
    }

    @Test
    void anUnreadableLineFollowedByGoodOnesRefusesToStartRatherThanLoseAChange() throws IOException {
        try (Ledger first = open()) {
            first.charge("order-1", charge(4500, "pm_card_visa", "order-1"));
            first.charge("order-2", charge(4500, "pm_card_visa", "order-2"));
        }
        List<String> damaged = new ArrayList<>(lines());
        damaged.set(0, "{\"type\":\"charge\",\"idempo");
        Files.write(file(), damaged, StandardCharsets.UTF_8);

        assertThatThrownBy(() -> open()).isInstanceOf(UncheckedIOException.class)
                .rootCause().hasMessageContaining("line 1 is unreadable");
    }

    @Test
    void theBoundsHoldAfterAReplayAndTheOldestAreTheOnesForgotten() {
        Books before;
        try (Ledger first = open(3, 2)) {
            for (int i = 1; i <= 5; i++) {
                first.tokenise(GOOD_CARD);
                Charge c = first.charge("k" + i, charge(1000, "pm_card_visa", "order-" + i)).charge();
                first.refund("r" + i, new RefundRequest(c.id(), 100L * i, null));
            }
            before = Books.of(first);
        }
        assertThat(before.paymentMethods()).hasSize(2);
        assertThat(before.entries()).extracting(Ledger.Entry::idempotencyKey).containsExactly("k3", "k4", "k5");
        assertThat(before.refunds()).hasSize(3);

        try (Ledger second = open(3, 2)) {
            assertThat(Books.of(second)).isEqualTo(before);
            // A forgotten key is a new charge, as it would have been without the restart.
            assertThat(second.charge("k1", charge(1000, "pm_card_visa", "order-1")).replayed()).isFalse();
        }
        // Opened with smaller bounds, the oldest go first.
        try (Ledger third = open(1, 1)) {
            assertThat(third.entries()).extracting(Ledger.Entry::idempotencyKey).containsExactly("k1");
            assertThat(third.paymentMethods()).containsExactly(before.paymentMethods().getLast());
            assertThat(third.refunds()).containsExactly(before.refunds().getLast());
        }
    }

    @Test
    void theFileIsCompactedWhenItHoldsTwiceTheBoundsAndStillReplaysTheSameBooks() {
        // Bounds 2 charges (+ 2 refunds) and 1 payment method: live at most 5 lines, rewritten past 10.
        Books before;
        try (Ledger first = open(2, 1)) {
            for (int i = 1; i <= 40; i++) {
                first.tokenise(GOOD_CARD);
                Charge c = first.charge("k" + i, charge(1000, "pm_card_visa", "order-" + i)).charge();
                first.refund("r" + i, new RefundRequest(c.id(), 100L, null));
                assertThat(lines().size()).isLessThanOrEqualTo(10);
            }
            before = Books.of(first);
        }

        try (Ledger second = open(2, 1)) {
            assertThat(Books.of(second)).isEqualTo(before);
            assertThat(second.entries()).extracting(Ledger.Entry::idempotencyKey).containsExactly("k39", "k40");
        }
        assertThat(file().resolveSibling("ledger.jsonl.compacting")).doesNotExist();
    }

    @Test
    void aResetForgetsTheBooksOnDiskToo() {
        try (Ledger first = open()) {
            first.charge("order-1", charge(4500, "pm_card_visa", "order-1"));
            first.reset();
            first.charge("order-2", charge(4500, "pm_card_visa", "order-2"));
        }

        try (Ledger second = open()) {
            assertThat(second.charges()).extracting(Charge::reference).containsExactly("order-2");
        }
    }

    @Test
    void concurrentRequestsWithOneKeyMakeOneChargeAndOneLine() throws Exception {
        int threads = 16;
        ChargeRequest request = charge(4500, "pm_card_visa", "order-1");
        List<Ledger.Outcome> outcomes = new ArrayList<>();
        try (Ledger ledger = open(); ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            CountDownLatch go = new CountDownLatch(1);
            List<Callable<Ledger.Outcome>> calls = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                calls.add(() -> {
                    go.await();
                    return ledger.charge("order-1", request);
                });
            }
            List<Future<Ledger.Outcome>> futures = calls.stream().map(pool::submit).toList();
            go.countDown();
            for (Future<Ledger.Outcome> f : futures) {
                outcomes.add(f.get());
            }
        }
        assertThat(outcomes).filteredOn(o -> !o.replayed()).hasSize(1);
        assertThat(outcomes).extracting(o -> o.charge().id()).containsOnly(outcomes.getFirst().charge().id());
        assertThat(lines()).hasSize(1);
        try (Ledger after = open()) {
            assertThat(after.charges()).hasSize(1);
        }
    }

    @Test
    void everyChargeAnsweredToConcurrentCallersIsOnDiskAfterARestart() throws Exception {
        int threads = 16;
        int perThread = 25;
        List<Charge> answered = new ArrayList<>();
        try (Ledger ledger = open(1000, 10); ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<List<Charge>>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int caller = t;
                futures.add(pool.submit(() -> {
                    List<Charge> mine = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        String order = "order-" + caller + "-" + i;
                        mine.add(ledger.charge(order, charge(4500, "pm_card_visa", order)).charge());
                    }
                    return mine;
                }));
            }
            for (Future<List<Charge>> f : futures) {
                answered.addAll(f.get());
            }
        }

        try (Ledger after = open(1000, 10)) {
            assertThat(after.charges()).hasSize(threads * perThread).containsExactlyInAnyOrderElementsOf(answered);
        }
    }

    @Test
    void theJournalHoldsNoCardNumber() {
        try (Ledger ledger = open()) {
            ledger.tokenise(GOOD_CARD);
        }
        assertThat(String.join("\n", lines())).doesNotContain("4242424242424242").contains("\"last4\":\"4242\"");
    }

    @Test
    void aSimulatorStartedOnALedgerFileAnswersTheChargesOfTheOneBeforeIt() {
        Config config = Config.builder()
                .addSource(ConfigSources.create(Map.of("server.port", "0",
                        "simulator.ledger-file", file().toString())))
                .addSource(ConfigSources.classpath(SimulatorServer.DEFAULTS_RESOURCE))
                .disableEnvironmentVariablesSource().disableSystemPropertiesSource().build();
        String chargeId;
        try (SimulatorServer first = SimulatorServer.start(config)) {
            chargeId = first.ledger().charge("order-1", charge(4500, "pm_card_visa", "order-1")).charge().id();
        }

        try (SimulatorServer second = SimulatorServer.start(config)) {
            String body = WebClient.builder().baseUri(second.url()).build()
                    .get("/v1/charges").queryParam("reference", "order-1").requestEntity(String.class);
            assertThat(body).contains(chargeId);
        }
    }

    @Test
    void withoutAFileTheBooksAreInMemoryOnly() {
        try (Ledger ledger = new Ledger(10, 10, Clock.systemUTC())) {
            ledger.charge("order-1", charge(4500, "pm_card_visa", "order-1"));
        }
        assertThat(dir).isEmptyDirectory();
    }
}
