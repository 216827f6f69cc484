package dev.floodgate.ops.stack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.floodgate.runtime.ServiceConfig;
import dev.floodgate.runtime.log.RequestId;
import io.helidon.http.Method;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.floodgate.contracts.http.Json;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static dev.floodgate.ops.stack.StackClient.poll;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The walking skeleton, end to end through the HTTP APIs only, on the local stack exactly as {@code ./floodgate start}
 * starts it (its own PostgreSQL and Pulsar, an embedded Hazelcast member, every service, the provider simulator):
 * a fan joins the demo event's queue, is admitted, holds a seat, orders it, the payment request travels over Pulsar,
 * the worker charges the simulator over HTTP, the order becomes PAID and the seat SOLD; an unpaid hold expires and
 * its seat returns to stock.
 */
class WalkingSkeletonTest {
    private static LocalStack stack;
    private static StackClient client;

    @BeforeAll
    static void start() {
        // Under target/, not a JUnit temp dir: PostgreSQL runs as an unprivileged user who must reach its folder.
        StackSettings settings = StackSettings.from(ServiceConfig.load("local-stack.yaml"))
                .onFreePortsIn(Path.of("target", "stack-" + UUID.randomUUID()).toAbsolutePath());
        stack = LocalStack.start(settings, System.out);
        client = new StackClient(stack, settings);
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
        JsonNode before = client.category(event, "standing");
        StackClient.Fan fan = client.signUp();
        String admission = client.admitted(fan, event);
        String holdId = client.hold(admission, event, "standing");
        JsonNode order = client.placeOrder(admission, event, holdId, client.paymentMethod("4242424242424242"));
        assertThat(order.get("status").asText()).isEqualTo("AWAITING_PAYMENT");

        assertThat(client.settled(fan, order).get("status").asText()).isEqualTo("PAID");
        JsonNode after = poll(() -> client.category(event, "standing"),
                c -> c.get("sold").asInt() == before.get("sold").asInt() + 1);
        assertThat(after.get("available").asInt()).isEqualTo(before.get("available").asInt() - 1);
        assertThat(after.get("held").asInt()).isEqualTo(before.get("held").asInt());
    }

    /**
     * One order's story is one search: the id its placing request carried (X-Request-Id) is on checkout's lines, the
     * payment-worker's (through the Pulsar message) and the provider simulator's (the worker's call carries it).
     */
    @Test
    void anOrdersLogLinesFromCheckoutToTheProviderCarryItsRequestId() {
        String requestId = "walk-" + UUID.randomUUID();
        List<String> lines = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                // In scope on the logging thread, as the JSON format reads it.
                if (RequestId.current().filter(requestId::equals).isPresent()) {
                    lines.add(r.getLoggerName() + " " + r.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        try {
            String event = DemoEvent.EVENT_ID;
            StackClient.Fan fan = client.signUp();
            String admission = client.admitted(fan, event);
            String holdId = client.hold(admission, event, "standing");
            JsonNode order = client.placeOrder(admission, event, holdId, client.paymentMethod("4242424242424242"),
                    requestId);
            assertThat(client.settled(fan, order).get("status").asText()).isEqualTo("PAID");
            String orderId = order.get("orderId").asText();
            poll(() -> List.copyOf(lines), l ->
                    l.stream().anyMatch(x -> x.startsWith("floodgate.access.checkout POST /api/orders 201"))
                            && l.stream().anyMatch(x -> x.startsWith("dev.floodgate.checkout.")
                            && x.contains("order " + orderId + " placed"))
                            && l.stream().anyMatch(x -> x.startsWith("dev.floodgate.worker.")
                            && x.contains("order " + orderId + " settled: PAID"))
                            && l.stream().anyMatch(x -> x.startsWith("floodgate.access.simulator POST /v1/charges")));
        } finally {
            root.removeHandler(capture);
        }
    }

    @Test
    void aFanPicksNumberedSeatsAndTheirTicketsNameThem() {
        String event = DemoEvent.EVENT_ID;
        StackClient.Fan fan = client.signUp();
        String admission = client.admitted(fan, event);
        // Two seats side by side that the map shows available (other tests' fans took the best ones).
        Map<String, Character> map = client.seatStates(event, "seated");
        List<String> pair = twoAdjacentAvailable(map);
        JsonNode hold = client.holdSeats(admission, event, "seated", pair);
        assertThat(hold.get("seats").toString()).isEqualTo(Json.writeString(pair));
        JsonNode order = client.placeOrder(admission, event, hold.get("holdId").asText(),
                client.paymentMethod("4242424242424242"));
        assertThat(order.get("seats").toString()).isEqualTo(Json.writeString(pair));

        JsonNode paid = client.settled(fan, order);
        assertThat(paid.get("status").asText()).isEqualTo("PAID");
        assertThat(paid.get("tickets")).extracting(t -> t.get("seatId").asText()).containsExactlyElementsOf(pair);
        poll(() -> client.seatStates(event, "seated"), m -> m.get(pair.get(0)) == 'S' && m.get(pair.get(1)) == 'S');
        // Sold seats cannot be held again.
        StackClient.Fan late = client.signUp();
        JsonNode refused = client.call(Method.POST, stack.edgeUrl() + "/api/events/" + event + "/holds",
                client.admitted(late, event), "{\"categoryId\":\"seated\",\"seats\":[\"" + pair.get(0)
                        + "\"],\"requestId\":\"late\"}", 409);
        assertThat(refused.at("/errors/0/field").asText()).isEqualTo("seats");
    }

    @Test
    void aDeclinedPaymentReturnsTheNamedSeats() {
        String event = DemoEvent.EVENT_ID;
        StackClient.Fan fan = client.signUp();
        String admission = client.admitted(fan, event);
        List<String> pair = twoAdjacentAvailable(client.seatStates(event, "seated"));
        JsonNode hold = client.holdSeats(admission, event, "seated", pair);
        JsonNode order = client.placeOrder(admission, event, hold.get("holdId").asText(),
                client.paymentMethod("4000000000000002"));
        assertThat(client.settled(fan, order).get("status").asText()).isEqualTo("PAYMENT_FAILED");
        poll(() -> client.seatStates(event, "seated"), m -> m.get(pair.get(0)) == 'A' && m.get(pair.get(1)) == 'A');
    }

    /** The first two seats with consecutive numbers in one row that the map shows available. */
    private static List<String> twoAdjacentAvailable(Map<String, Character> map) {
        String previous = null;
        for (Map.Entry<String, Character> seat : map.entrySet()) {
            if (seat.getValue() != 'A') {
                previous = null;
                continue;
            }
            if (previous != null) {
                String[] a = previous.split("-");
                String[] b = seat.getKey().split("-");
                if (a[0].equals(b[0]) && a[1].equals(b[1]) && Integer.parseInt(b[2]) == Integer.parseInt(a[2]) + 1) {
                    return List.of(previous, seat.getKey());
                }
            }
            previous = seat.getKey();
        }
        throw new AssertionError("no two adjacent seats available");
    }

    @Test
    void aDeclinedPaymentFailsTheOrderAndReturnsTheSeat() {
        String event = DemoEvent.EVENT_ID;
        JsonNode before = client.category(event, "seated");
        assertThat(client.buyOne(event, "seated", "4000000000000002").get("status").asText())
                .isEqualTo("PAYMENT_FAILED");
        poll(() -> client.category(event, "seated"), c -> c.get("available").asInt() == before.get("available").asInt()
                && c.get("held").asInt() == before.get("held").asInt());
    }

    @Test
    void anUnpaidHoldExpiresAndItsSeatReturnsToStock() {
        String event = "quick-expiry";
        client.operator(Method.POST, "/api/operator/events", """
                {"eventId":"%s","name":"Short holds","startsAt":"2030-01-01T20:00:00Z","maxPerFan":2,"holdTtlSeconds":2,
                 "categories":[{"categoryId":"ga","name":"GA","capacity":5,"priceMinor":1000,"currency":"EUR"}],
                 "queue":{"ratePerMinute":6000,"batchSize":100}}""".formatted(event), 201);
        client.operator(Method.POST, "/api/operator/events/" + event + "/queue/open", null, 200);
        StackClient.Fan fan = client.signUp();
        client.hold(client.admitted(fan, event), event, "ga");
        assertThat(client.category(event, "ga").get("held").asInt()).isEqualTo(1);

        JsonNode back = poll(() -> client.category(event, "ga"), c -> c.get("held").asInt() == 0);
        assertThat(back.get("available").asInt()).isEqualTo(5);
        assertThat(back.get("sold").asInt()).isZero();
    }
}
