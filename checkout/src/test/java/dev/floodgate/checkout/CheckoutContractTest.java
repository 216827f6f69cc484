package dev.floodgate.checkout;

import com.fasterxml.jackson.databind.JsonNode;
import dev.floodgate.contracts.http.Json;
import dev.floodgate.engines.fixture.Engines;
import dev.floodgate.engines.fixture.SharedEngines;
import dev.floodgate.grid.Grid;
import dev.floodgate.grid.GridSettings;
import dev.floodgate.grid.catalog.CategoryInfo;
import dev.floodgate.grid.catalog.EventInfo;
import dev.floodgate.runtime.ServedRoutes;
import dev.floodgate.runtime.openapi.ApiContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The order API as checkout's OpenAPI document ({@code openapi/checkout.yaml}) describes it: every answer here,
 * success or error, comes from a running checkout (real PostgreSQL, Pulsar and grid) and is validated against the
 * document, and the document lists exactly the routes checkout registers.
 */
@ExtendWith(SharedEngines.class)
class CheckoutContractTest {
    private static final String EVENT = "contract-gig";
    private static final String OTHER_EVENT = "contract-other";
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ApiContract CONTRACT = ApiContract.load("openapi/checkout.yaml");
    private static Grid grid;
    private static TestIssuer issuer;
    private static CheckoutServer checkout;

    @BeforeAll
    static void start(Engines engines) {
        grid = Grid.start(GridSettings.embedded("checkout-contract-" + UUID.randomUUID()));
        for (String id : List.of(EVENT, OTHER_EVENT)) {
            EventInfo event = new EventInfo(id, "Gig", 0, 4, 600_000,
                    List.of(new CategoryInfo("ga", "General", 100, 4500, "EUR")));
            grid.catalog().add(event);
            grid.inventory().stock(event);
        }
        issuer = new TestIssuer();
        checkout = RunningCheckout.start(engines, grid, issuer, "contract-payment-requests");
    }

    @AfterAll
    static void stop() {
        if (checkout != null) {
            checkout.close();
        }
        if (issuer != null) {
            issuer.close();
        }
        if (grid != null) {
            grid.close();
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
    private static Answer call(String method, String path, String body, String token, String key) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(checkout.url() + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (key != null) {
            request.header("Idempotency-Key", key);
        }
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

    private static String hold(String fan) {
        return grid.inventory().hold(EVENT, "ga", fan, UUID.randomUUID().toString(), 1, Duration.ofMinutes(10))
                .hold().holdId();
    }

    private static String order(String eventId, String holdId) {
        return "{\"eventId\":\"" + eventId + "\",\"holdId\":\"" + holdId + "\",\"paymentMethodId\":\"pm_test123\","
                + "\"buyer\":{\"name\":\"Ada Lovelace\",\"email\":\"ada@example.com\"}}";
    }

    private static String key() {
        return "contract-" + UUID.randomUUID();
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
    void theDocumentListsExactlyTheRoutesCheckoutServes() {
        assertThat(ServedRoutes.atPort(checkout.port())).isNotEmpty().isEqualTo(CONTRACT.operations());
    }

    @Test
    void checkoutServesItsDocument() {
        assertThat(call("GET", "/openapi", null, null, null).body()).startsWith("openapi: 3.1.0");
        assertThat(call("GET", "/openapi?format=json", null, null, null).json().get("openapi").asText())
                .isEqualTo("3.1.0");
    }

    @Test
    void aFanPlacesRetriesAndReadsAnOrder() {
        String fan = "contract-fan-" + UUID.randomUUID();
        String admission = issuer.admission(fan, EVENT);
        String holdId = hold(fan);
        String key = key();
        Answer placed = call("POST", "/api/orders", order(EVENT, holdId), admission, key);
        assertThat(placed.status()).isEqualTo(201);
        assertThat(call("POST", "/api/orders", order(EVENT, holdId), admission, key).status()).isEqualTo(200);
        String orderId = placed.json().get("orderId").asText();
        assertThat(call("GET", "/api/orders/" + orderId, null, issuer.fan(fan), null).status()).isEqualTo(200);
        assertThat(call("GET", "/api/orders/" + orderId + "/tickets", null, issuer.fan(fan), null).status())
                .isEqualTo(200);
        assertThat(call("GET", "/api/orders", null, issuer.fan(fan), null).json().get("orders").size())
                .isEqualTo(1);
    }

    @Test
    void orderErrorsAreDocumented() {
        String fan = "contract-fan-" + UUID.randomUUID();
        String admission = issuer.admission(fan, EVENT);
        String holdId = hold(fan);
        assertThat(call("POST", "/api/orders", order(EVENT, holdId), admission, null).code()).isEqualTo("VALIDATION");
        assertThat(call("POST", "/api/orders", "{\"eventId\":", admission, key()).code()).isEqualTo("VALIDATION");
        assertThat(call("POST", "/api/orders", order(EVENT, holdId), null, key()).code())
                .isEqualTo("UNAUTHENTICATED");
        assertThat(call("POST", "/api/orders", order(EVENT, holdId), issuer.expiredAdmission(fan, EVENT), key())
                .code()).isEqualTo("TOKEN_EXPIRED");
        assertThat(call("POST", "/api/orders", order(EVENT, holdId), "not.a.token", key()).code())
                .isEqualTo("TOKEN_INVALID");
        assertThat(call("POST", "/api/orders", order(EVENT, holdId), issuer.admission(fan, OTHER_EVENT), key())
                .code()).isEqualTo("FORBIDDEN");
        assertThat(call("POST", "/api/orders", order(EVENT, "ga.no-such-hold"), admission, key()).code())
                .isEqualTo("HOLD_NOT_FOUND");
        String key = key();
        assertThat(call("POST", "/api/orders", order(EVENT, holdId), admission, key).status()).isEqualTo(201);
        assertThat(call("POST", "/api/orders", order(EVENT, holdId), admission, key()).code())
                .isEqualTo("HOLD_UNAVAILABLE");
        assertThat(call("POST", "/api/orders", order(EVENT, hold(fan)), admission, key).code())
                .isEqualTo("IDEMPOTENCY_KEY_REUSED");
    }

    @Test
    void readErrorsAreDocumented() {
        String fan = issuer.fan("contract-fan-" + UUID.randomUUID());
        assertThat(call("GET", "/api/orders/" + UUID.randomUUID(), null, fan, null).code())
                .isEqualTo("ORDER_NOT_FOUND");
        assertThat(call("GET", "/api/orders/" + UUID.randomUUID() + "/tickets", null, fan, null).code())
                .isEqualTo("ORDER_NOT_FOUND");
        assertThat(call("GET", "/api/orders/not-a-uuid", null, fan, null).code()).isEqualTo("VALIDATION");
        assertThat(call("GET", "/api/orders", null, null, null).status()).isEqualTo(401);
    }
}
