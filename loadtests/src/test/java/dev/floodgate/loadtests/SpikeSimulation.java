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
 * A spike of fans arriving at once on a fresh event: each signs up, joins the queue and polls its status until
 * admitted (429s wait their Retry-After). Asserts: failed requests under {@code floodgate.maxErrorPercent}, queue
 * status p99 under {@code floodgate.statusP99Millis}, and every fan admitted (the "admitted" check). Give the event
 * more stock than the fans can want ({@code -Dfloodgate.capacity=100000}), or admission stops at sold out.
 */
public class SpikeSimulation extends Simulation {
    private final ScenarioBuilder operator = scenario("operator creates the event").exec(Chains.createEvent());

    private final ScenarioBuilder fans = scenario("fans join and wait to be admitted")
            .exec(Chains.signUp())
            .exec(Chains.joinAndWait())
            .exec(Chains.admitted());

    {
        setUp(operator.injectOpen(atOnceUsers(1)).andThen(fans.injectOpen(rampUsers(FANS).during(RAMP))))
                .protocols(Chains.protocol())
                .assertions(
                        global().failedRequests().percent().lt(MAX_ERROR_PERCENT),
                        details("queue status").responseTime().percentile(99.0).lt(STATUS_P99_MILLIS),
                        details("admitted").failedRequests().count().is(0L));
    }

    @Override
    public void after() {
        Chains.printTally();
    }
}
