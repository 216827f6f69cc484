package dev.floodgate.ops.stack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.floodgate.contracts.http.Json;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** A fan and an operator talking to a running local stack over its public HTTP APIs, as a browser or curl would. */
final class StackClient {
    static final Duration DEADLINE = Duration.ofSeconds(60);

    record Fan(String token, String fanId) {
    }

    private final LocalStack stack;
    private final WebClient http = WebClient.builder().readTimeout(Duration.ofSeconds(20)).build();
    private final String operatorAuth;

    StackClient(LocalStack stack, StackSettings settings) {
        this.stack = stack;
        this.operatorAuth = "Basic " + Base64.getEncoder().encodeToString(
                (settings.operatorUsername() + ":" + settings.operatorPassword()).getBytes(StandardCharsets.UTF_8));
    }

    Fan signUp() {
        String email = "fan-" + UUID.randomUUID() + "@example.com";
        JsonNode session = call(Method.POST, stack.edgeUrl() + "/api/fans", null,
                "{\"email\":\"" + email + "\",\"password\":\"correct horse battery\",\"displayName\":\"Fan\"}", 201);
        return new Fan(session.get("token").asText(), session.get("fanId").asText());
    }

    /** Joins the event's queue and waits until admitted; answers the admission token. */
    String admitted(Fan fan, String event) {
        call(Method.POST, stack.edgeUrl() + "/api/events/" + event + "/queue", fan.token(), null, -1);
        JsonNode status = poll(() -> call(Method.GET, stack.edgeUrl() + "/api/events/" + event + "/queue",
                fan.token(), null, 200), s -> s.hasNonNull("admissionToken"));
        return status.get("admissionToken").asText();
    }

    String hold(String admission, String event, String category) {
        return call(Method.POST, stack.edgeUrl() + "/api/events/" + event + "/holds", admission,
                "{\"categoryId\":\"" + category + "\",\"quantity\":1,\"requestId\":\"" + UUID.randomUUID() + "\"}", 201)
                .get("holdId").asText();
    }

    /** Holds the named seats; answers the hold. */
    JsonNode holdSeats(String admission, String event, String category, java.util.List<String> seats) {
        return call(Method.POST, stack.edgeUrl() + "/api/events/" + event + "/holds", admission,
                "{\"categoryId\":\"" + category + "\",\"seats\":" + Json.writeString(seats) + ",\"requestId\":\""
                        + UUID.randomUUID() + "\"}", 201);
    }

    /** The seat map's state letter (A, H, S) of every seat, by seat id. */
    java.util.Map<String, Character> seatStates(String event, String category) {
        JsonNode map = call(Method.GET, stack.edgeUrl() + "/api/events/" + event + "/categories/" + category
                + "/seats", null, null, 200);
        java.util.Map<String, Character> out = new java.util.LinkedHashMap<>();
        for (JsonNode section : map.get("sections")) {
            for (JsonNode row : section.get("rows")) {
                for (int i = 0; i < row.get("seats").size(); i++) {
                    out.put(section.get("sectionId").asText() + "-" + row.get("rowId").asText() + "-"
                            + row.get("seats").get(i).asInt(), row.get("states").asText().charAt(i));
                }
            }
        }
        return out;
    }

    String paymentMethod(String card) {
        return call(Method.POST, stack.simulatorUrl() + "/v1/payment-methods", null,
                "{\"cardNumber\":\"" + card + "\",\"expMonth\":12,\"expYear\":2035,\"cvc\":\"123\"}", 201)
                .get("id").asText();
    }

    JsonNode placeOrder(String admission, String event, String holdId, String paymentMethod) {
        return placeOrder(admission, event, holdId, paymentMethod, null);
    }

    /** As {@link #placeOrder(String, String, String, String)}, sending {@code requestId} as X-Request-Id (if not null). */
    JsonNode placeOrder(String admission, String event, String holdId, String paymentMethod, String requestId) {
        return call(Method.POST, stack.checkoutUrl() + "/api/orders", admission, requestId, "{\"eventId\":\"" + event
                + "\",\"holdId\":\"" + holdId + "\",\"paymentMethodId\":\"" + paymentMethod
                + "\",\"buyer\":{\"name\":\"Ada Lovelace\",\"email\":\"ada@example.com\"}}", 201);
    }

    /** Polls the order until payment has settled one way or the other. */
    JsonNode settled(Fan fan, JsonNode order) {
        return poll(() -> call(Method.GET, stack.checkoutUrl() + "/api/orders/" + order.get("orderId").asText(),
                fan.token(), null, 200), o -> !o.get("status").asText().equals("AWAITING_PAYMENT"));
    }

    /** A fan who buys one unit of the category with the given card, from sign-up to settled order. */
    JsonNode buyOne(String event, String category, String card) {
        Fan fan = signUp();
        String admission = admitted(fan, event);
        String holdId = hold(admission, event, category);
        return settled(fan, placeOrder(admission, event, holdId, paymentMethod(card)));
    }

    JsonNode category(String event, String categoryId) {
        JsonNode ev = call(Method.GET, stack.edgeUrl() + "/api/events/" + event, null, null, 200);
        for (JsonNode c : ev.get("categories")) {
            if (c.get("categoryId").asText().equals(categoryId)) {
                return c;
            }
        }
        throw new AssertionError("no category " + categoryId + " in " + ev);
    }

    JsonNode operator(Method method, String path, String body, int expected) {
        return call(method, stack.edgeUrl() + path, null, body, expected);
    }

    /** One HTTP call; {@code expected} -1 accepts any 2xx. Operator paths without a token use Basic credentials. */
    JsonNode call(Method method, String url, String token, String body, int expected) {
        return call(method, url, token, null, body, expected);
    }

    JsonNode call(Method method, String url, String token, String requestId, String body, int expected) {
        HttpClientRequest request = http.method(method).uri(url);
        if (requestId != null) {
            request.header(HeaderNames.create("X-Request-Id"), requestId);
        }
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

    static <T> T poll(Supplier<T> read, Predicate<T> done) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        T last = read.get();
        while (!done.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("still not there after " + DEADLINE + ": " + last);
            }
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
            last = read.get();
        }
        return last;
    }
}
