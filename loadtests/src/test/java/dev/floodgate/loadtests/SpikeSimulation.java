package dev.floodgate.loadtests;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;

import java.time.Duration;
import java.util.UUID;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.jmesPath;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

/**
 * A spike of fans arriving at once: each signs up, joins the queue and polls its status until admitted.
 * Run against a deployment (by default the local stack):
 * {@code ./mvnw -pl loadtests gatling:test -Dgatling.simulationClass=dev.floodgate.loadtests.SpikeSimulation
 * -Dfloodgate.edgeUrl=http://127.0.0.1:8080 -Dfloodgate.fans=500 -Dfloodgate.rampSeconds=10}.
 * The HTML report lands in loadtests/target/gatling/.
 */
public class SpikeSimulation extends Simulation {
    private static final String EDGE = System.getProperty("floodgate.edgeUrl", "http://127.0.0.1:8080");
    private static final String EVENT = System.getProperty("floodgate.event", "demo-drop");
    private static final int FANS = Integer.getInteger("floodgate.fans", 200);
    private static final int RAMP_SECONDS = Integer.getInteger("floodgate.rampSeconds", 10);
    private static final Duration MAX_WAIT = Duration.ofSeconds(Integer.getInteger("floodgate.maxWaitSeconds", 120));

    private final HttpProtocolBuilder protocol = http.baseUrl(EDGE)
            .acceptHeader("application/json")
            .contentTypeHeader("application/json");

    private final ScenarioBuilder fans = scenario("fans join and wait to be admitted")
            .exec(session -> session.set("email", "load-" + UUID.randomUUID() + "@load.test"))
            .exec(http("sign up").post("/api/fans")
                    .body(StringBody("{\"email\":\"#{email}\",\"password\":\"load-test-password\",\"displayName\":\"Load\"}"))
                    .check(status().is(201), jmesPath("token").saveAs("token")))
            .exec(http("join").post("/api/events/" + EVENT + "/queue")
                    .header("Authorization", "Bearer #{token}")
                    .check(status().in(200, 201)))
            .asLongAsDuring(session -> !session.contains("admission"), MAX_WAIT).on(
                    pause(Duration.ofSeconds(1))
                            .exec(http("status").get("/api/events/" + EVENT + "/queue")
                                    .header("Authorization", "Bearer #{token}")
                                    .check(status().is(200), jmesPath("admissionToken").optional().saveAs("admission"))));

    {
        setUp(fans.injectOpen(rampUsers(FANS).during(Duration.ofSeconds(RAMP_SECONDS))))
                .protocols(protocol)
                .assertions(
                        global().failedRequests().percent().lt(1.0),
                        details("status").responseTime().percentile(99.0).lt(500));
    }
}
