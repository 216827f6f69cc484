package dev.floodgate.loadtests;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

import java.util.concurrent.ThreadLocalRandom;

import static dev.floodgate.loadtests.LoadSettings.*;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.doIfOrElse;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.scenario;

/**
 * A steady stream of fans for a while: {@code floodgate.arrivalsPerSecond} new fans a second for
 * {@code floodgate.durationSeconds} on a fresh event. Each signs up, joins and waits; once admitted,
 * {@code floodgate.buyPercent} buy (as in the checkout rush), {@code floodgate.leavePercent} leave the queue, and the
 * rest hold tickets and walk away, so their holds must expire and return to stock. Last, the operator's figures are
 * audited once the holds are gone (give it a short {@code floodgate.holdTtlSeconds}). Asserts: failed requests under
 * {@code floodgate.maxErrorPercent}, p99 of all requests under {@code floodgate.globalP99Millis}, of queue status
 * under {@code floodgate.statusP99Millis}, of place-order under {@code floodgate.orderP99Millis}, every order final,
 * and the audit (counters add up to capacity, nothing held, sold = tickets of the orders seen PAID).
 */
public class SoakSimulation extends Simulation {
    private final ScenarioBuilder operator = scenario("operator creates the event").exec(Chains.createEvent());

    private final ScenarioBuilder fans = scenario("fans arrive steadily")
            .exec(Chains.signUp())
            .exec(Chains.joinAndWait())
            .doIf(s -> s.contains("admission")).then(
                    exec(s -> s.set("choice", ThreadLocalRandom.current().nextInt(100)))
                            .doIfOrElse(s -> s.getInt("choice") < BUY_PERCENT).then(
                                    Chains.hold().doIf(s -> s.contains("holdId")).then(Chains.buy()))
                            .orElse(doIfOrElse(s -> s.getInt("choice") < BUY_PERCENT + LEAVE_PERCENT)
                                    .then(Chains.leave())
                                    .orElse(Chains.abandonHold())));

    private final ScenarioBuilder audit = scenario("operator audits the figures").exec(Chains.audit());

    {
        setUp(operator.injectOpen(atOnceUsers(1)).andThen(
                fans.injectOpen(constantUsersPerSec(ARRIVALS_PER_SECOND).during(SOAK_DURATION)).andThen(
                        audit.injectOpen(atOnceUsers(1)))))
                .protocols(Chains.protocol())
                .assertions(
                        global().failedRequests().percent().lt(MAX_ERROR_PERCENT),
                        global().responseTime().percentile(99.0).lt(GLOBAL_P99_MILLIS),
                        details("queue status").responseTime().percentile(99.0).lt(STATUS_P99_MILLIS),
                        details("place order").responseTime().percentile(99.0).lt(ORDER_P99_MILLIS),
                        details("order final").failedRequests().count().is(0L),
                        details("operator: final figures").successfulRequests().count().is(1L));
    }

    @Override
    public void after() {
        Chains.printTally();
    }
}
