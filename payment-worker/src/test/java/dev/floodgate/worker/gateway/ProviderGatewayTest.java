package dev.floodgate.worker.gateway;

import dev.floodgate.ops.simulator.Faults;
import dev.floodgate.ops.simulator.Ledger;
import dev.floodgate.ops.simulator.SimulatorServer;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The gateway against the provider SIMULATOR over real HTTP. */
class ProviderGatewayTest {
    private static SimulatorServer simulator;
    private static ProviderGateway gateway;

    static Config simulatorConfig(int port) {
        return Config.builder().addSource(ConfigSources.create(Map.of("server.port", Integer.toString(port))))
                .addSource(ConfigSources.classpath(SimulatorServer.DEFAULTS_RESOURCE))
                .disableEnvironmentVariablesSource().disableSystemPropertiesSource().build();
    }

    static ProviderSettings settings(String url) {
        return new ProviderSettings(url, Duration.ofMillis(500), Duration.ofMillis(600), 4, Duration.ofMillis(50),
                Duration.ofMillis(200), 0.5, 1_000, 100, Duration.ofSeconds(5), 1); // breaker out of the way
    }

    @BeforeAll
    static void start() {
        simulator = SimulatorServer.start(simulatorConfig(0));
        gateway = new ProviderGateway(settings(simulator.url()));
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @BeforeEach
    void reset() {
        simulator.ledger().reset();
        simulator.faults().set(Faults.Plan.NONE);
    }

    private static ChargeCommand command(String paymentMethod) {
        String order = UUID.randomUUID().toString();
        return new ChargeCommand(order, 4200, "EUR", paymentMethod, order);
    }

    @Test
    void aGoodCardSucceedsAndADeclinedCardIsAnAnswerNotAFailure() throws Exception {
        ChargeResult ok = gateway.charge(command("pm_card_visa"));
        assertThat(ok).isInstanceOf(ChargeResult.Succeeded.class);
        assertThat(((ChargeResult.Succeeded) ok).chargeId()).startsWith("ch_");
        assertThat(ok.attempts()).isEqualTo(1);

        ChargeResult declined = gateway.charge(command("pm_card_chargeDeclined"));
        assertThat(declined).isInstanceOfSatisfying(ChargeResult.Declined.class,
                d -> assertThat(d.declineCode()).isEqualTo("card_declined"));
        ChargeResult poor = gateway.charge(command("pm_card_chargeDeclinedInsufficientFunds"));
        assertThat(poor).isInstanceOfSatisfying(ChargeResult.Declined.class,
                d -> assertThat(d.declineCode()).isEqualTo("insufficient_funds"));
        assertThat(simulator.ledger().charges()).hasSize(3);
    }

    @Test
    void anotherClientErrorIsRejectedWithTheProvidersReasonAndNotRetried() throws Exception {
        long retriesBefore = gateway.retries();
        ChargeResult rejected = gateway.charge(command("pm_does_not_exist"));
        assertThat(rejected).isInstanceOfSatisfying(ChargeResult.Rejected.class, r -> {
            assertThat(r.httpStatus()).isEqualTo(400);
            assertThat(r.reason()).isEqualTo("HTTP 400: no such payment method");
            assertThat(r.attempts()).isEqualTo(1);
        });
        assertThat(gateway.retries()).isEqualTo(retriesBefore);
    }

    @Test
    void theSameCommandTwiceChargesOnce() throws Exception {
        ChargeCommand command = command("pm_card_visa");
        ChargeResult first = gateway.charge(command);
        ChargeResult second = gateway.charge(command);
        assertThat(second).isEqualTo(first);
        assertThat(simulator.ledger().charges()).hasSize(1);
        assertThat(gateway.findByIdempotencyKey(command.idempotencyKey())).get()
                .satisfies(c -> assertThat(c.id()).isEqualTo(((ChargeResult.Succeeded) first).chargeId()));
        assertThat(gateway.findByIdempotencyKey("never-used")).isEmpty();
    }

    @Test
    void fiveHundredsBeforeChargingAreRetried() throws Exception {
        simulator.faults().set(new Faults.Plan(2, 0, 503, 0L, 0));
        ChargeResult result = gateway.charge(command("pm_card_visa"));
        assertThat(result).isInstanceOf(ChargeResult.Succeeded.class);
        assertThat(result.attempts()).isEqualTo(3);
        assertThat(simulator.ledger().charges()).hasSize(1);
    }

    @Test
    void aLostAnswerAfterChargingIsRetriedWithoutASecondCharge() throws Exception {
        simulator.faults().set(new Faults.Plan(0, 2, 502, 0L, 0));
        ChargeResult result = gateway.charge(command("pm_card_visa"));
        assertThat(result).isInstanceOf(ChargeResult.Succeeded.class);
        assertThat(result.attempts()).isEqualTo(3);
        assertThat(simulator.ledger().charges()).hasSize(1);
    }

    @Test
    void aReadTimeoutIsRetriedWithoutASecondCharge() throws Exception {
        simulator.faults().set(new Faults.Plan(0, 0, 503, 1_500L, 1));
        ChargeResult result = gateway.charge(command("pm_card_visa"));
        assertThat(result).isInstanceOf(ChargeResult.Succeeded.class);
        assertThat(result.attempts()).isEqualTo(2);
        assertThat(simulator.ledger().charges()).hasSize(1);
    }

    @Test
    void aProviderThatNeverAnswersIsAnUnknownOutcomeAfterBoundedAttempts() {
        SimulatorServer gone = SimulatorServer.start(simulatorConfig(0));
        String url = gone.url();
        gone.close();
        ProviderGateway toNowhere = new ProviderGateway(settings(url));
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> toNowhere.charge(command("pm_card_visa")))
                .isInstanceOfSatisfying(ProviderUnavailableException.class,
                        e -> assertThat(e.attempts()).isEqualTo(4));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(toNowhere.settings().worstCase());
        assertThat(toNowhere.retries()).isEqualTo(3);
    }

    @Test
    void aProviderThatComesBackDuringTheRetriesChargesOnce() throws Exception {
        Ledger books = new Ledger();
        SimulatorServer first = SimulatorServer.start(simulatorConfig(0), books);
        int port = first.port();
        first.close();
        ProviderGateway patient = new ProviderGateway(new ProviderSettings("http://127.0.0.1:" + port,
                Duration.ofMillis(500), Duration.ofMillis(1_000), 10, Duration.ofMillis(100), Duration.ofMillis(300),
                0.2, 1_000, 100, Duration.ofSeconds(5), 1));
        CompletableFuture<ChargeResult> charging = CompletableFuture.supplyAsync(() -> {
            try {
                return patient.charge(command("pm_card_visa"));
            } catch (ProviderUnavailableException e) {
                throw new IllegalStateException(e);
            }
        });
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (patient.retries() < 1 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(patient.retries()).isGreaterThanOrEqualTo(1);
        try (SimulatorServer back = SimulatorServer.start(simulatorConfig(port), books)) {
            ChargeResult result = charging.get();
            assertThat(result).isInstanceOf(ChargeResult.Succeeded.class);
            assertThat(result.attempts()).isGreaterThan(1);
            assertThat(books.charges()).hasSize(1);
        }
    }

    @Test
    void aFailingProviderOpensTheBreakerSoChargesFailFastWithoutACallThenItClosesAgain() throws Exception {
        ProviderGateway guarded = new ProviderGateway(new ProviderSettings(simulator.url(), Duration.ofMillis(500),
                Duration.ofMillis(600), 2, Duration.ofMillis(10), Duration.ofMillis(20), 0.5,
                4, 50, Duration.ofMillis(300), 1));
        simulator.faults().set(new Faults.Plan(4, 0, 503, 0L, 0));
        assertThatThrownBy(() -> guarded.charge(command("pm_card_visa"))).isInstanceOf(ProviderUnavailableException.class);
        assertThatThrownBy(() -> guarded.charge(command("pm_card_visa"))).isInstanceOf(ProviderUnavailableException.class);
        assertThat(guarded.breakerState()).isEqualTo(io.helidon.faulttolerance.CircuitBreaker.State.OPEN);

        // Open: refused at once, the provider never sees it (the fault plan is used up, so it would have succeeded).
        assertThatThrownBy(() -> guarded.charge(command("pm_card_visa")))
                .isInstanceOfSatisfying(ProviderUnavailableException.class,
                        e -> assertThat(e.shortCircuited()).isTrue());
        assertThat(simulator.ledger().charges()).isEmpty();
        assertThat(guarded.shortCircuited()).isEqualTo(1);

        // After the delay a trial call goes through and closes it.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        ChargeResult result = null;
        while (result == null && System.nanoTime() < deadline) {
            try {
                result = guarded.charge(command("pm_card_visa"));
            } catch (ProviderUnavailableException e) {
                assertThat(e.shortCircuited()).isTrue();
                java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
            }
        }
        assertThat(result).isInstanceOf(ChargeResult.Succeeded.class);
        assertThat(guarded.breakerState()).isEqualTo(io.helidon.faulttolerance.CircuitBreaker.State.CLOSED);
        assertThat(simulator.ledger().charges()).hasSize(1);
    }

    @Test
    void backoffGrowsExponentiallyWithinItsJitterAndCeiling() {
        BackoffPolicy policy = new BackoffPolicy(5, 100, 1_000, 0.5);
        for (int i = 0; i < 50; i++) {
            assertThat(policy.delayBeforeRetry(1)).isBetween(50L, 100L);
            assertThat(policy.delayBeforeRetry(2)).isBetween(100L, 200L);
            assertThat(policy.delayBeforeRetry(3)).isBetween(200L, 400L);
            assertThat(policy.delayBeforeRetry(9)).isBetween(500L, 1_000L);
        }
        assertThat(policy.nextDelayMillis(0, 0, 4)).isPresent();
        assertThat(policy.nextDelayMillis(0, 0, 5)).isEmpty();
    }
}
