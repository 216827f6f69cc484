package dev.floodgate.runtime;

import dev.floodgate.contracts.error.ApiException;
import dev.floodgate.contracts.http.JsonHttp;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpException;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class ServersTest {
    record Greeting(String name, int times) {
        Greeting {
            if (name == null || name.isBlank()) {
                throw ApiException.badRequest("name is required", "name");
            }
        }
    }

    private static final AtomicInteger accepted = new AtomicInteger();
    private static WebServer server;
    private static WebClient client;

    @BeforeAll
    static void start() {
        Config config = Config.just(ConfigSources.create(Map.of("server.port", "0", "server.max-payload-size", "2048")));
        server = Servers.start("spec", config.get("server"), routing -> routing
                .post("/greetings", (req, res) -> {
                    Greeting g = JsonHttp.read(req, Greeting.class, 1024);
                    accepted.incrementAndGet();
                    JsonHttp.created(res, g);
                })
                .get("/boom", (req, res) -> {
                    throw new IllegalStateException("secret internals");
                })
                .get("/grid-split", (req, res) -> {
                    throw new com.hazelcast.splitbrainprotection.SplitBrainProtectionException("too few members");
                })
                .get("/cached", (req, res) -> {
                    // What Helidon's static content does for a conditional GET of an unchanged file.
                    throw new HttpException("not modified", Status.NOT_MODIFIED_304, true);
                }), List.of());
        client = WebClient.builder().baseUri("http://127.0.0.1:" + server.port()).build();
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    private static HttpClientResponse post(String body) {
        return client.method(Method.POST).path("/greetings").header(HeaderNames.CONTENT_TYPE, "application/json")
                .submit(body);
    }

    @Test
    void theGridRefusingOnTheSmallSideOfASplitIsA503ToRetryNotA500() {
        try (HttpClientResponse res = client.get("/grid-split").request()) {
            assertThat(res.status().code()).isEqualTo(503);
            assertThat(res.headers().first(HeaderNames.RETRY_AFTER)).contains("1");
            assertThat(res.as(String.class)).contains("\"code\":\"UNAVAILABLE\"").doesNotContain("too few members");
        }
    }

    @Test
    void theRoutesAServiceRegistersAreRecordedForItsContractTest() {
        // Chained registrations included: the OpenAPI contract tests compare these with the service's document.
        assertThat(ServedRoutes.atPort(server.port())).containsExactly("GET /boom", "GET /cached", "GET /grid-split",
                "POST /greetings");
    }

    @Test
    void aValidBodyIsAccepted() {
        try (HttpClientResponse res = post("{\"name\":\"ada\",\"times\":2}")) {
            assertThat(res.status().code()).isEqualTo(201);
            assertThat(res.as(String.class)).contains("\"name\":\"ada\"");
        }
    }

    @Test
    void malformedJsonIsA400WithTheErrorBodyAndChangesNothing() {
        int before = accepted.get();
        try (HttpClientResponse res = post("{\"name\":")) {
            assertThat(res.status().code()).isEqualTo(400);
            assertThat(res.as(String.class)).isEqualTo("{\"errors\":[{\"message\":\"malformed JSON\",\"code\":\"VALIDATION\"}]}");
        }
        assertThat(accepted.get()).isEqualTo(before);
    }

    @Test
    void anUnknownFieldIsNamedInTheError() {
        try (HttpClientResponse res = post("{\"name\":\"ada\",\"times\":1,\"admin\":true}")) {
            assertThat(res.status().code()).isEqualTo(400);
            assertThat(res.as(String.class)).contains("\"field\":\"admin\"");
        }
    }

    @Test
    void aValidationFailureInARecordKeepsItsMessageAndField() {
        try (HttpClientResponse res = post("{\"name\":\" \",\"times\":1}")) {
            assertThat(res.status().code()).isEqualTo(400);
            assertThat(res.as(String.class)).contains("\"message\":\"name is required\"", "\"field\":\"name\"");
        }
    }

    @Test
    void aWrongTypeIsA400NamingTheField() {
        try (HttpClientResponse res = post("{\"name\":\"ada\",\"times\":\"many\"}")) {
            assertThat(res.status().code()).isEqualTo(400);
            assertThat(res.as(String.class)).contains("\"field\":\"times\"");
        }
    }

    @Test
    void aBodyOverTheEndpointLimitIsA413() {
        try (HttpClientResponse res = post("{\"name\":\"" + "a".repeat(1500) + "\"}")) {
            assertThat(res.status().code()).isEqualTo(413);
            assertThat(res.as(String.class)).startsWith("{\"errors\":[{\"message\":\"request body too large");
        }
    }

    @Test
    void aBodyOverTheServerLimitIsA413WithTheErrorBody() {
        try (HttpClientResponse res = post("{\"name\":\"" + "a".repeat(5000) + "\"}")) {
            assertThat(res.status().code()).isEqualTo(413);
            assertThat(res.as(String.class)).startsWith("{\"errors\":[");
        }
    }

    @Test
    void anUnknownPathIsA404WithTheErrorBody() {
        try (HttpClientResponse res = client.get("/nowhere").request()) {
            assertThat(res.status().code()).isEqualTo(404);
            assertThat(res.as(String.class)).startsWith("{\"errors\":[{\"message\":\"no such resource");
        }
    }

    @Test
    void anUnexpectedFailureIsA500WithoutInternals() {
        try (HttpClientResponse res = client.get("/boom").request()) {
            assertThat(res.status().code()).isEqualTo(500);
            assertThat(res.as(String.class)).isEqualTo("{\"errors\":[{\"message\":\"internal error\",\"code\":\"INTERNAL\"}]}");
        }
    }

    @Test
    void aThrown304IsAnsweredAsNotModifiedNotAsAnError() {
        try (HttpClientResponse res = client.get("/cached").request()) {
            assertThat(res.status().code()).isEqualTo(304);
        }
    }

    @Test
    void healthIsServedAtObserveHealth() {
        try (HttpClientResponse res = client.get("/observe/health").request()) {
            assertThat(res.status().code()).isEqualTo(200);
        }
    }

    @Test
    void metricsAreServedInPrometheusFormat() {
        try (HttpClientResponse res = client.get("/observe/metrics").header(HeaderNames.ACCEPT, "text/plain").request()) {
            assertThat(res.status().code()).isEqualTo(200);
            assertThat(res.as(String.class)).contains("# TYPE");
        }
    }
}
