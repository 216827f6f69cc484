package dev.floodgate.worker.contract;

import com.fasterxml.jackson.databind.JsonNode;
import dev.floodgate.contracts.http.Json;
import dev.floodgate.engines.fixture.Engines;
import dev.floodgate.engines.fixture.SharedEngines;
import dev.floodgate.grid.Grid;
import dev.floodgate.grid.GridSettings;
import dev.floodgate.ops.simulator.Ledger;
import dev.floodgate.ops.simulator.SimulatorServer;
import dev.floodgate.ops.simulator.Webhooks;
import dev.floodgate.runtime.ServedRoutes;
import dev.floodgate.runtime.ServiceConfig;
import dev.floodgate.runtime.openapi.ApiContract;
import dev.floodgate.worker.WorkerServer;
import dev.floodgate.worker.settle.WorkerFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The payment-operations API as the worker's OpenAPI document ({@code openapi/payment-worker.yaml}) describes it:
 * every answer here, success or error, comes from a running worker (real PostgreSQL, Pulsar, grid, and the provider
 * SIMULATOR over HTTP) and is validated against the document, and the document lists exactly the routes the worker
 * registers (the provider callback included: the webhook secret is set).
 */
@ExtendWith(SharedEngines.class)
class WorkerContractTest {
    private static final String SECRET = "contract-webhook-secret-0123456789";
    private static final String OPERATOR_PASSWORD = "operator-password-for-tests";
    private static final String OPERATOR = "Basic " + Base64.getEncoder()
            .encodeToString(("operator:" + OPERATOR_PASSWORD).getBytes(StandardCharsets.UTF_8));
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ApiContract CONTRACT = ApiContract.load("openapi/payment-worker.yaml");
    private static Grid grid;
    private static SimulatorServer simulator;
    private static WorkerServer worker;

    @BeforeAll
    static void start(Engines engines) {
        WorkerFixture.migrateCheckoutSchema(engines);
        grid = Grid.start(GridSettings.embedded("worker-contract-" + UUID.randomUUID()));
        simulator = SimulatorServer.start(ServiceConfig.load(SimulatorServer.DEFAULTS_RESOURCE,
                Map.of("server.port", "0")), new Ledger());
        worker = WorkerFixture.startWorker(engines, grid, simulator.url(), SECRET, OPERATOR_PASSWORD,
                "contract-payment-requests", Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {worker, simulator, grid}) {
            if (c != null) {
                c.close();
            }
        }
    }

    private record Answer(int status, String body) {
        JsonNode json() {
            return Json.read(body, JsonNode.class);
        }

        String code() {
            return json().path("errors").path(0).path("code").asText(null);
        }
    }

    /** Sends the request, then holds the answer to the document (the test fails on any mismatch). */
    private static Answer call(String method, String path, String body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(worker.url() + path))
                .timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::header);
        try {
            HttpResponse<String> res = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
            CONTRACT.requireAllowed(method, bare, res.statusCode(),
                    res.headers().firstValue("content-type").orElse(null), res.body());
            return new Answer(res.statusCode(), res.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Answer asOperator(String method, String path) {
        return call(method, path, null, Map.of("Authorization", OPERATOR));
    }

    private static Answer callback(String body, String secret) {
        String t = Long.toString(System.currentTimeMillis() / 1000);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return call("POST", "/webhooks/provider", body,
                Map.of("X-Provider-Signature", "t=" + t + ",v1=" + Webhooks.sign(secret, t, bytes)));
    }

    @Test
    void theDocumentIsOpenApi31() {
        assertThat(CONTRACT.openApiProblems()).isEmpty();
    }

    @Test
    void theDocumentListsEveryErrorCode() {
        assertThat(CONTRACT.errorCodes()).isEqualTo(ApiContract.knownErrorCodes());
    }

    @Test
    void theDocumentsErrorBodyIsTheSharedOne() {
        assertThat(CONTRACT.sharedSchemaDrift()).isEmpty();
    }

    @Test
    void theDocumentListsExactlyTheRoutesTheWorkerServes() {
        assertThat(ServedRoutes.atPort(worker.port())).isNotEmpty().isEqualTo(CONTRACT.operations());
    }

    @Test
    void theWorkerServesItsDocument() {
        assertThat(call("GET", "/openapi", null, Map.of()).body()).startsWith("openapi: 3.1.0");
        assertThat(call("GET", "/openapi", null, Map.of("Accept", "application/json")).json().get("openapi")
                .asText()).isEqualTo("3.1.0");
    }

    @Test
    void operatorsReadThePaymentBooks() {
        assertThat(asOperator("GET", "/api/operator/audit").status()).isEqualTo(200);
        assertThat(asOperator("GET", "/api/operator/dead-letters?limit=10").status()).isEqualTo(200);
        assertThat(asOperator("GET", "/api/operator/worker").status()).isEqualTo(200);
        assertThat(asOperator("GET", "/api/operator/me").status()).isEqualTo(200);
    }

    @Test
    void operatorSessionsAreDocumented() {
        Answer session = call("POST", "/api/operator/sessions",
                "{\"username\":\"operator\",\"password\":\"" + OPERATOR_PASSWORD + "\"}", Map.of());
        assertThat(session.status()).isEqualTo(201);
        Map<String, String> bearer = Map.of("Authorization", "Bearer " + session.json().get("token").asText());
        assertThat(call("GET", "/api/operator/worker", null, bearer).status()).isEqualTo(200);
        assertThat(call("DELETE", "/api/operator/sessions", null, bearer).status()).isEqualTo(204);
        assertThat(call("GET", "/api/operator/worker", null, bearer).code()).isEqualTo("UNAUTHENTICATED");
    }

    @Test
    void operatorErrorsAreDocumented() {
        assertThat(call("GET", "/api/operator/audit", null, Map.of()).code()).isEqualTo("UNAUTHENTICATED");
        assertThat(call("POST", "/api/operator/sessions", "{\"username\":\"operator\",\"password\":\"wrong one\"}",
                Map.of()).status()).isEqualTo(401);
        assertThat(call("POST", "/api/operator/sessions", "{\"username\":", Map.of()).code()).isEqualTo("VALIDATION");
        assertThat(asOperator("GET", "/api/operator/dead-letters?limit=0").code()).isEqualTo("VALIDATION");
    }

    @Test
    void aSignedCallbackWhoseBodyIsJsonNullIsRefusedAsNotAnEvent() {
        assertThat(callback("null", SECRET).code()).isEqualTo("VALIDATION");
    }

    @Test
    void providerCallbacksAreDocumented() {
        String event = "{\"id\":\"evt_contract\",\"type\":\"charge.succeeded\",\"data\":{\"id\":\"ch_contract\","
                + "\"status\":\"succeeded\",\"amountMinor\":4500,\"currency\":\"EUR\",\"reference\":\""
                + UUID.randomUUID() + "\"}}";
        Answer unknown = callback(event, SECRET);
        assertThat(unknown.json().path("result").asText()).as(unknown.body()).isEqualTo("unknown-order");
        assertThat(callback("{\"id\":\"evt_other\",\"type\":\"ping\"}", SECRET).json().get("result").asText())
                .isEqualTo("ignored");
        assertThat(callback(event, "another-secret-0123456789").code()).isEqualTo("UNAUTHENTICATED");
        assertThat(callback("not json", SECRET).code()).isEqualTo("VALIDATION");
    }
}
