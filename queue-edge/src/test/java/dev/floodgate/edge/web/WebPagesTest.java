package dev.floodgate.edge.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.floodgate.edge.support.Http;
import dev.floodgate.edge.support.RunningEdge;
import dev.floodgate.engines.fixture.Engines;
import dev.floodgate.engines.fixture.SharedEngines;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The fan and operator pages as static files, {@code /api/config}, and the JSON 404 beside them. */
@ExtendWith(SharedEngines.class)
class WebPagesTest {
    private static RunningEdge edge;
    private static Http http;

    @BeforeAll
    static void start(Engines engines) {
        edge = new RunningEdge(engines, Map.of("web.checkout-url", "http://checkout.test:9081/",
                "web.provider-url", "http://simulator.test:9090"));
        http = edge.http;
    }

    @AfterAll
    static void stop() {
        if (edge != null) {
            edge.close();
        }
    }

    @Test
    void theFanPageIsServedAtTheRoot() {
        Http.Response page = http.get("/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Type")).startsWith("text/html");
        assertThat(page.body()).contains("<title>Floodgate", "/fan.js", "/style.css");
        assertThat(http.get("/index.html").status()).isEqualTo(200);
    }

    @Test
    void theOperatorPageIsServedAtOperator() {
        Http.Response page = http.get("/operator/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Type")).startsWith("text/html");
        assertThat(page.body()).contains("Operator sign-in", "/operator/operator.js");
        Http.Response withoutSlash = http.get("/operator");
        assertThat(withoutSlash.status()).isBetween(301, 308);
        assertThat(withoutSlash.header("Location")).endsWith("/operator/");
    }

    @Test
    void scriptsAndStylesHaveTheirContentTypes() {
        for (String script : new String[] {"/fan.js", "/common.js", "/operator/operator.js", "/operator/charts.js"}) {
            Http.Response res = http.get(script);
            assertThat(res.status()).as(script).isEqualTo(200);
            assertThat(res.header("Content-Type")).as(script).matches("(text|application)/javascript.*");
        }
        Http.Response css = http.get("/style.css");
        assertThat(css.status()).isEqualTo(200);
        assertThat(css.header("Content-Type")).startsWith("text/css");
    }

    @Test
    void aConditionalGetOfAnUnchangedFileIsA304() throws Exception {
        String etag = http.get("/fan.js").header("ETag");
        assertThat(etag).isNotBlank();
        HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(edge.server.url() + "/fan.js")).header("If-None-Match", etag).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(304);
        assertThat(res.body()).isEmpty();
    }

    @Test
    void apiConfigTellsThePageWhereCheckoutAndTheProviderAre() {
        Http.Response res = http.get("/api/config");
        assertThat(res.status()).isEqualTo(200);
        assertThat(res.header("Content-Type")).startsWith("application/json");
        assertThat(res.header("Cache-Control")).isEqualTo("no-store");
        JsonNode config = res.json();
        assertThat(config.get("checkoutUrl").asText()).isEqualTo("http://checkout.test:9081");
        assertThat(config.get("providerUrl").asText()).isEqualTo("http://simulator.test:9090");
        assertThat(config.size()).isEqualTo(2);
    }

    @Test
    void anUnknownApiPathIsStillTheJson404() {
        Http.Response res = http.get("/api/nothing-here");
        assertThat(res.status()).isEqualTo(404);
        assertThat(res.header("Content-Type")).startsWith("application/json");
        assertThat(res.error()).isEqualTo("no such resource: /api/nothing-here");
        assertThat(http.get("/api/events/no-such-event").error()).isEqualTo("no such event");
    }

    @Test
    void anUnknownFileIsA404WithTheErrorBodyAndNothingOutsideWebIsServed() {
        Http.Response missing = http.get("/missing.html");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.error()).startsWith("no such resource");
        assertThat(http.get("/queue-edge.yaml").status()).isEqualTo(404);
        assertThat(http.get("/../queue-edge.yaml").status()).isIn(400, 404);
        assertThat(http.get("/db/edge/V1__fans_and_signing_keys.sql").status()).isEqualTo(404);
    }

    @Test
    void theApiStillAnswersBesideTheStaticContent() {
        Http.Response res = http.get("/api/events");
        assertThat(res.status()).isEqualTo(200);
        assertThat(res.json().isArray()).isTrue();
    }
}
