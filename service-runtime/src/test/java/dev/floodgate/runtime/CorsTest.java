package dev.floodgate.runtime;

import dev.floodgate.contracts.error.ApiException;
import dev.floodgate.contracts.http.JsonHttp;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CorsTest {
    private static final String PAGE = "http://127.0.0.1:8080";

    record Order(String item) {
        Order {
            if (item == null || item.isBlank()) {
                throw ApiException.badRequest("item is required", "item");
            }
        }
    }

    private static WebServer withCors;
    private static WebServer withoutCors;
    private static WebClient client;
    private static WebClient plain;

    @BeforeAll
    static void start() {
        Config config = Config.just(ConfigSources.create(Map.of("server.port", "0",
                "cors.allowed-origins.0", PAGE, "cors.allowed-origins.1", "https://other.example/")));
        withCors = Servers.start("spec", config.get("server"), Cors.from(config.get("cors")), CorsTest::routes, List.of());
        Config none = Config.just(ConfigSources.create(Map.of("server.port", "0")));
        withoutCors = Servers.start("spec", none.get("server"), Cors.from(none.get("cors")), CorsTest::routes, List.of());
        client = WebClient.builder().baseUri("http://127.0.0.1:" + withCors.port()).build();
        plain = WebClient.builder().baseUri("http://127.0.0.1:" + withoutCors.port()).build();
    }

    private static void routes(io.helidon.webserver.http.HttpRouting.Builder routing) {
        routing.post("/api/orders", (req, res) -> JsonHttp.created(res, JsonHttp.read(req, Order.class)))
                .get("/boom", (req, res) -> {
                    throw new IllegalStateException("internals");
                });
    }

    @AfterAll
    static void stop() {
        withCors.stop();
        withoutCors.stop();
    }

    private static HttpClientResponse preflight(WebClient on, String origin) {
        return on.method(Method.OPTIONS).path("/api/orders")
                .header(HeaderNames.ORIGIN, origin)
                .header(HeaderNames.ACCESS_CONTROL_REQUEST_METHOD, "POST")
                .header(HeaderNames.ACCESS_CONTROL_REQUEST_HEADERS, "authorization,content-type,idempotency-key")
                .request();
    }

    private static HttpClientResponse post(WebClient on, String origin, String body) {
        return on.method(Method.POST).path("/api/orders").header(HeaderNames.ORIGIN, origin)
                .header(HeaderNames.CONTENT_TYPE, "application/json").submit(body);
    }

    private static String header(HttpClientResponse res, io.helidon.http.HeaderName name) {
        return res.headers().first(name).orElse(null);
    }

    @Test
    void aPreflightFromAnAllowedOriginIsAnsweredWithTheMethodsAndHeadersThePageNeeds() {
        try (HttpClientResponse res = preflight(client, PAGE)) {
            assertThat(res.status().code()).isEqualTo(204);
            assertThat(header(res, HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN)).isEqualTo(PAGE);
            assertThat(header(res, HeaderNames.ACCESS_CONTROL_ALLOW_METHODS)).contains("POST", "GET");
            assertThat(header(res, HeaderNames.ACCESS_CONTROL_ALLOW_HEADERS))
                    .contains("Authorization", "Content-Type", "Idempotency-Key");
            assertThat(header(res, HeaderNames.VARY)).contains("Origin");
        }
    }

    @Test
    void aRequestFromAnAllowedOriginCarriesAllowOriginOnSuccessAndOnErrors() {
        try (HttpClientResponse res = post(client, PAGE, "{\"item\":\"seat\"}")) {
            assertThat(res.status().code()).isEqualTo(201);
            assertThat(header(res, HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN)).isEqualTo(PAGE);
        }
        // The page must be able to read the error body, so errors carry the header too.
        try (HttpClientResponse res = post(client, PAGE, "{\"item\":\" \"}")) {
            assertThat(res.status().code()).isEqualTo(400);
            assertThat(header(res, HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN)).isEqualTo(PAGE);
            assertThat(res.as(String.class)).contains("item is required");
        }
        try (HttpClientResponse res = client.get("/nowhere").header(HeaderNames.ORIGIN, PAGE).request()) {
            assertThat(res.status().code()).isEqualTo(404);
            assertThat(header(res, HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN)).isEqualTo(PAGE);
        }
        try (HttpClientResponse res = client.get("/boom").header(HeaderNames.ORIGIN, PAGE).request()) {
            assertThat(res.status().code()).isEqualTo(500);
            assertThat(header(res, HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN)).isEqualTo(PAGE);
            assertThat(res.as(String.class)).isEqualTo("{\"errors\":[{\"message\":\"internal error\",\"code\":\"INTERNAL\"}]}");
        }
    }

    @Test
    void anAllowedOriginListedWithATrailingSlashMatchesTheBrowsersOrigin() {
        try (HttpClientResponse res = preflight(client, "https://other.example")) {
            assertThat(res.status().code()).isEqualTo(204);
            assertThat(header(res, HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN)).isEqualTo("https://other.example");
        }
    }

    @Test
    void anotherOriginGetsNoCorsHeadersAndItsPreflightIsNotAnswered() {
        try (HttpClientResponse res = preflight(client, "http://evil.example")) {
            assertThat(res.status().code()).isNotEqualTo(204);
            assertThat(header(res, HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN)).isNull();
            assertThat(res.as(String.class)).startsWith("{\"errors\":[");
        }
        try (HttpClientResponse res = post(client, "http://evil.example", "{\"item\":\"seat\"}")) {
            assertThat(header(res, HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN)).isNull();
        }
    }

    @Test
    void withoutConfiguredOriginsThereAreNoCorsHeadersAtAll() {
        assertThat(Cors.from(Config.empty().get("cors")).enabled()).isFalse();
        try (HttpClientResponse res = preflight(plain, PAGE)) {
            assertThat(res.status().code()).isNotEqualTo(204);
            assertThat(header(res, HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN)).isNull();
        }
        try (HttpClientResponse res = post(plain, PAGE, "{\"item\":\"seat\"}")) {
            assertThat(res.status().code()).isEqualTo(201);
            assertThat(header(res, HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN)).isNull();
        }
    }

    @Test
    void originsMayBeGivenAsOneCommaSeparatedValueAsEnvironmentVariablesGiveThem() {
        Config config = Config.just(ConfigSources.create(Map.of(
                "cors.allowed-origins", "http://a.example, http://b.example:8080")));
        assertThat(Cors.from(config.get("cors")).allowedOrigins())
                .containsExactlyInAnyOrder("http://a.example", "http://b.example:8080");
    }
}
