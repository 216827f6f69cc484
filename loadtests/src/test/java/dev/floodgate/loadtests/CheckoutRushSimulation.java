package dev.floodgate.loadtests;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

import static dev.floodgate.loadtests.LoadSettings.*;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;

/**
 * Fans race for more tickets than there are: the operator creates a fresh event ({@code floodgate.capacity} standing
 * plus {@code floodgate.seatedSections} x rows x seats numbered), then {@code floodgate.fans} fans arrive over
 * {@code floodgate.rampSeconds}: sign up, join, wait for admission, hold (a share picks named seats from the seat
 * map), tokenise a card at the provider, place the order with an idempotency key, poll it until final and leave the queue. Last, the
 * operator's figures are audited. Asserts: no failed request (so no 5xx; sold-out 409s and waited-out 429s are
 * expected answers), place-order p99 under {@code floodgate.orderP99Millis}, every order PAID or PAYMENT_FAILED, and
 * sold ≤ capacity, available + held + sold = capacity, nothing left held, sold = the tickets of the orders seen PAID.
 */
public class CheckoutRushSimulation extends Simulation {
    private final ScenarioBuilder operator = scenario("operator creates the event").exec(Chains.createEvent());

    private final ScenarioBuilder fans = scenario("fans rush to buy")
            .exec(Chains.signUp())
            .exec(Chains.joinAndWait())
            .doIf(s -> s.contains("admission")).then(
                    // Done (bought, declined or sold out): leave, so the queue admits the next fan to what is left.
                    Chains.hold().doIf(s -> s.contains("holdId")).then(Chains.buy()).exec(Chains.leave()));

    private final ScenarioBuilder audit = scenario("operator audits the figures").exec(Chains.audit());

    {
        setUp(operator.injectOpen(atOnceUsers(1)).andThen(
                fans.injectOpen(rampUsers(FANS).during(RAMP)).andThen(
                        audit.injectOpen(atOnceUsers(1)))))
                .protocols(Chains.protocol())
                .assertions(
                        global().failedRequests().count().is(0L),
                        details("place order").responseTime().percentile(99.0).lt(ORDER_P99_MILLIS),
                        details("order final").failedRequests().count().is(0L),
                        details("order final").successfulRequests().count().gt(0L),
                        details("operator: final figures").successfulRequests().count().is(1L));
    }

    @Override
    public void after() {
        Chains.printTally();
    }
}
