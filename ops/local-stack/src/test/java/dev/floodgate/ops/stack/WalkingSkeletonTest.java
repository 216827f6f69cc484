package dev.floodgate.ops.stack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.floodgate.contracts.http.Json;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The walking skeleton, end to end through the HTTP APIs only, on the local stack exactly as {@code ./floodgate start}
 * starts it (its own PostgreSQL and Pulsar, an embedded Hazelcast member, every service, the provider simulator):
 * a fan joins the demo event's queue, is admitted, holds a seat, orders it, the payment request travels over Pulsar,
 * the worker charges the simulator over HTTP, the order becomes PAID and the seat SOLD; an unpaid hold expires and
 * its seat returns to stock.
 */
class WalkingSkeletonTest {
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static LocalStack stack;
    private static WebClient http;
    private static String operatorAuth;

    @BeforeAll
    static void start() {
        StackSettings defaults = StackSettings.from(dev.floodgate.runtime.ServiceConfig.load("local-stack.yaml"));
        // Under target/, not a JUnit temp dir: PostgreSQL runs as an unprivileged user who must reach its folder.
        StackSettings settings = defaults.onFreePortsIn(Path.of("target", "stack-" + UUID.randomUUID()).toAbsolutePath());
        stack = LocalStack.start(settings, System.out);
        http = WebClient.builder().readTimeout(Duration.ofSeconds(20)).build();
        operatorAuth = "Basic " + Base64.getEncoder().encodeToString(
                (settings.operatorUsername() + ":" + settings.operatorPassword()).getBytes(StandardCharsets.UTF_8));
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aFanIsAdmittedHoldsASeatPaysAndTheSeatIsSold() {
        String event = DemoEvent.EVENT_ID;
        JsonNode before = category(event, "standing");
        Fan fan = signUp();
        String admission = admitted(fan, event);
        String holdId = hold(admission, event, "standing");
        String paymentMethod = paymentMethod("4242424242424242");

        JsonNode order = call(Method.POST, stack.checkoutUrl() + "/api/orders", admission, orderBody(event, holdId,
                paymentMethod), 201);
        assertThat(order.get("status").asText()).isEqualTo("AWAITING_PAYMENT");

        JsonNode paid = poll(() -> call(Method.GET, stack.checkoutUrl() + "/api/orders/" + order.get("orderId").asText(),
                fan.token, null, 200), o -> !o.get("status").asText().equals("AWAITING_PAYMENT"));
        assertThat(paid.get("status").asText()).isEqualTo("PAID");
        JsonNode after = poll(() -> category(event, "standing"),
                c -> c.get("sold").asInt() == before.get("sold").asInt() + 1);
        assertThat(after.get("available").asInt()).isEqualTo(before.get("available").asInt() - 1);
        assertThat(after.get("held").asInt()).isEqualTo(before.get("held").asInt());
    }

    @Test
    void aDeclinedPaymentFailsTheOrderAndReturnsTheSeat() {
        String event = DemoEvent.EVENT_ID;
        Fan fan = signUp();
        String admission = admitted(fan, event);
        JsonNode before = category(event, "seated");
        String holdId = hold(admission, event, "seated");
        JsonNode order = call(Method.POST, stack.checkoutUrl() + "/api/orders", admission,
                orderBody(event, holdId, paymentMethod("4000000000000002")), 201);

        JsonNode failed = poll(() -> call(Method.GET, stack.checkoutUrl() + "/api/orders/"
                + order.get("orderId").asText(), fan.token, null, 200),
                o -> !o.get("status").asText().equals("AWAITING_PAYMENT"));
        assertThat(failed.get("status").asText()).isEqualTo("PAYMENT_FAILED");
        poll(() -> category(event, "seated"), c -> c.get("available").asInt() == before.get("available").asInt()
                && c.get("held").asInt() == before.get("held").asInt());
    }

    @Test
    void anUnpaidHoldExpiresAndItsSeatReturnsToStock() {
        String event = "quick-expiry";
        call(Method.POST, stack.edgeUrl() + "/api/operator/events", null, """
                {"eventId":"%s","name":"Short holds","startsAt":"2030-01-01T20:00:00Z","maxPerFan":2,"holdTtlSeconds":2,
                 "categories":[{"categoryId":"ga","name":"GA","capacity":5,"priceMinor":1000,"currency":"EUR"}],
                 "queue":{"ratePerMinute":6000,"batchSize":100}}""".formatted(event), 201);
        call(Method.POST, stack.edgeUrl() + "/api/operator/events/" + event + "/queue/open", null, null, 200);
        Fan fan = signUp();
        String admission = admitted(fan, event);
        hold(admission, event, "ga");
        assertThat(category(event, "ga").get("held").asInt()).isEqualTo(1);

        JsonNode back = poll(() -> category(event, "ga"), c -> c.get("held").asInt() == 0);
        assertThat(back.get("available").asInt()).isEqualTo(5);
        assertThat(back.get("sold").asInt()).isZero();
    }

    private record Fan(String token, String fanId) {
    }

    private static Fan signUp() {
        String email = "fan-" + UUID.randomUUID() + "@example.com";
        JsonNode session = call(Method.POST, stack.edgeUrl() + "/api/fans", null,
                "{\"email\":\"" + email + "\",\"password\":\"correct horse battery\",\"displayName\":\"Fan\"}", 201);
        return new Fan(session.get("token").asText(), session.get("fanId").asText());
    }

    private static String admitted(Fan fan, String event) {
        call(Method.POST, stack.edgeUrl() + "/api/events/" + event + "/queue", fan.token, null, -1);
        JsonNode status = poll(() -> call(Method.GET, stack.edgeUrl() + "/api/events/" + event + "/queue", fan.token,
                null, 200), s -> s.hasNonNull("admissionToken"));
        return status.get("admissionToken").asText();
    }

    private static String hold(String admission, String event, String category) {
        JsonNode hold = call(Method.POST, stack.edgeUrl() + "/api/events/" + event + "/holds", admission,
                "{\"categoryId\":\"" + category + "\",\"quantity\":1,\"requestId\":\"" + UUID.randomUUID() + "\"}", 201);
        return hold.get("holdId").asText();
    }

    private static String paymentMethod(String card) {
        return call(Method.POST, stack.simulatorUrl() + "/v1/payment-methods", null,
                "{\"cardNumber\":\"" + card + "\",\"expMonth\":12,\"expYear\":2035,\"cvc\":\"123\"}", 201)
                .get("id").asText();
    }

    private static String orderBody(String event, String holdId, String paymentMethod) {
        return "{\"eventId\":\"" + event + "\",\"holdId\":\"" + holdId + "\",\"paymentMethodId\":\"" + paymentMethod
                + "\",\"buyer\":{\"name\":\"Ada Lovelace\",\"email\":\"ada@example.com\"}}";
    }

    private static JsonNode category(String event, String categoryId) {
        JsonNode ev = call(Method.GET, stack.edgeUrl() + "/api/events/" + event, null, null, 200);
        for (JsonNode c : ev.get("categories")) {
            if (c.get("categoryId").asText().equals(categoryId)) {
                return c;
            }
        }
        throw new AssertionError("no category " + categoryId + " in " + ev);
    }

    /** One HTTP call; {@code expected} -1 accepts any 2xx. Operator calls (token null, edge operator path) use Basic. */
    private static JsonNode call(Method method, String url, String token, String body, int expected) {
        HttpClientRequest request = http.method(method).uri(url);
        if (token != null) {
            request.header(HeaderNames.AUTHORIZATION, "Bearer " + token);
        } else if (url.contains("/api/operator/")) {
            request.header(HeaderNames.AUTHORIZATION, operatorAuth);
        }
        if (url.endsWith("/api/orders") && method == Method.POST) {
            request.header(HeaderNames.create("Idempotency-Key"), "order-" + UUID.randomUUID());
        }
        try (HttpClientResponse res = body == null ? request.request()
                : request.header(HeaderNames.CONTENT_TYPE, "application/json").submit(body)) {
            String text = res.as(String.class);
            int code = res.status().code();
            if (expected == -1 ? code / 100 != 2 : code != expected) {
                throw new AssertionError(method.text() + " " + url + " answered " + code + ": " + text);
            }
            return text.isEmpty() ? Json.MAPPER.nullNode() : Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> T poll(Supplier<T> read, Predicate<T> done) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        T last = read.get();
        while (!done.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("still not there after " + DEADLINE + ": " + last);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
            last = read.get();
        }
        return last;
    }
}
