package dev.floodgate.loadtests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.CheckBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.gatling.javaapi.http.HttpRequestActionBuilder;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import static dev.floodgate.loadtests.LoadSettings.*;
import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.asLongAs;
import static io.gatling.javaapi.core.CoreDsl.asLongAsDuring;
import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.doIf;
import static io.gatling.javaapi.core.CoreDsl.doIfOrElse;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jmesPath;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

/**
 * The request chains the simulations share: the operator's fresh event, a fan signing up, joining and waiting,
 * buying (hold, card, order, settlement), leaving, and the closing audit of the event's figures. A request answered
 * 429 waits its Retry-After and is sent again (up to {@link LoadSettings#MAX_RETRIES} times); such answers are not
 * failures, they are counted in {@link #THROTTLED}.
 */
final class Chains {
    static final AtomicLong THROTTLED = new AtomicLong();
    static final AtomicLong RETRIED_5XX = new AtomicLong();
    static final AtomicLong ORDERS_NOT_PLACED = new AtomicLong();
    static final AtomicLong SOLD_OUT_REFUSALS = new AtomicLong();
    static final AtomicLong SEAT_CONFLICTS = new AtomicLong();
    static final AtomicLong ORDERS_PLACED = new AtomicLong();
    static final AtomicLong ORDERS_PAID = new AtomicLong();
    static final AtomicLong ORDERS_FAILED = new AtomicLong();
    static final AtomicLong TICKETS_PAID = new AtomicLong();
    static final AtomicLong HOLDS_ABANDONED = new AtomicLong();
    static final AtomicLong FANS_LEFT = new AtomicLong();
    static volatile String lastFigures = "(not read)";

    /** Queue states after which polling stops. */
    private static final Set<String> QUEUE_ENDS = Set.of("ADMITTED", "SOLD_OUT", "ADMISSION_EXPIRED", "CLOSED");
    private static final Set<String> ORDER_ENDS = Set.of("PAID", "PAYMENT_FAILED", "EXPIRED");
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String QUEUE = "/api/events/" + EVENT_ID + "/queue";
    static final String OPERATOR_AUTH = "Basic " + Base64.getEncoder().encodeToString(
            (OPERATOR_USER + ":" + OPERATOR_PASSWORD).getBytes(StandardCharsets.UTF_8));

    private Chains() {
    }

    static HttpProtocolBuilder protocol() {
        return http.baseUrl(EDGE_URL)
                .acceptHeader("application/json")
                .contentTypeHeader("application/json")
                .userAgentHeader("floodgate-loadtests");
    }

    /** Sends {@code request} with {@code checks}; on 429 waits Retry-After (default 1 s) and sends it again. */
    static ChainBuilder honouringRetryAfter(HttpRequestActionBuilder request, CheckBuilder... checks) {
        return retrying(Set.of(429), request, checks);
    }

    /**
     * Sends {@code request} with {@code checks} (status saved first in "code"), again after Retry-After while the
     * answer is one of {@code retryable}, at most {@link LoadSettings#MAX_RETRIES} more times. A retryable status the
     * checks do not accept (a 503 the client retries) still counts as a failed request in the report.
     */
    static ChainBuilder retrying(Set<Integer> retryable, HttpRequestActionBuilder request, CheckBuilder... checks) {
        List<CheckBuilder> all = new ArrayList<>(List.of(status().saveAs("code"), header("Retry-After").optional().saveAs("retryAfter")));
        all.addAll(List.of(checks));
        HttpRequestActionBuilder checked = request.check(all);
        return exec(s -> s.set("code", 0).set("tries", 0))
                .asLongAs(s -> (s.getInt("tries") == 0 || retryable.contains(s.getInt("code"))) && s.getInt("tries") <= MAX_RETRIES).on(
                        exec(s -> s.set("tries", s.getInt("tries") + 1).remove("retryAfter").set("code", 0))
                                .exec(checked)
                                .doIf(s -> retryable.contains(s.getInt("code"))).then(
                                        exec(s -> { (s.getInt("code") == 429 ? THROTTLED : RETRIED_5XX).incrementAndGet(); return s; })
                                                .pause(Chains::retryAfter)));
    }

    /** The operator creates this run's event ({@link LoadSettings#EVENT_ID}) and opens its queue. */
    static ChainBuilder createEvent() {
        return createEvent(true);
    }

    /**
     * The operator creates this run's event; with {@code openQueue} false its queue stays in the pre-queue (fans may
     * join and get a random place at opening) until {@link #openQueue()}.
     */
    static ChainBuilder createEvent(boolean openQueue) {
        ChainBuilder created = exec(http("operator: create event").post("/api/operator/events")
                .header("Authorization", OPERATOR_AUTH)
                .body(StringBody(eventJson()))
                .check(status().is(201)));
        return (openQueue ? created.exec(openQueue()) : created)
                .exec(s -> { System.out.println("floodgate: " + describe()); return s; });
    }

    /** The operator opens the queue: the pre-queue is shuffled and admission starts. */
    static ChainBuilder openQueue() {
        return exec(http("operator: open queue").post(QUEUE.replace("/api/events/", "/api/operator/events/") + "/open")
                .header("Authorization", OPERATOR_AUTH)
                .check(status().is(200), jmesPath("status").is("OPEN")));
    }

    /**
     * A new fan signs up (Argon2 hashing is limited per edge: 429 + Retry-After when saturated). A 503 is retried
     * like a client would, and still counts as a failed request.
     */
    static ChainBuilder signUp() {
        return exec(s -> s.set("email", "load-" + UUID.randomUUID() + "@load.test"))
                .exec(retrying(Set.of(429, 503), http("sign up").post("/api/fans")
                        .body(StringBody("{\"email\":\"#{email}\",\"password\":\"load-test-password\",\"displayName\":\"Load fan\"}"))
                        , status().in(201, 429), jmesPath("token").optional().saveAs("fanToken")))
                .exitHereIf(s -> !s.contains("fanToken"));
    }

    /**
     * Joins the queue and polls its status until admitted (session "admission" holds the token), sold out, expired,
     * closed, or {@link LoadSettings#MAX_QUEUE_WAIT}. A join refused as sold out (409) is an expected answer.
     */
    static ChainBuilder joinAndWait() {
        return exec(honouringRetryAfter(http("join").post(QUEUE)
                .header("Authorization", "Bearer #{fanToken}"),
                status().in(200, 201, 409, 429),
                        jmesPath("state").optional().saveAs("state"),
                        jmesPath("admissionToken").optional().saveAs("admission")))
                .exec(s -> {
                    if (s.getInt("code") == 409) {
                        SOLD_OUT_REFUSALS.incrementAndGet();
                        return s.set("state", "JOIN_REFUSED");
                    }
                    return s;
                })
                .asLongAsDuring(s -> !s.contains("admission") && !QUEUE_ENDS.contains(s.getString("state"))
                        && !"JOIN_REFUSED".equals(s.getString("state")), MAX_QUEUE_WAIT).on(
                        pause(POLL).exec(honouringRetryAfter(http("queue status").get(QUEUE)
                                .header("Authorization", "Bearer #{fanToken}"),
                                status().in(200, 429),
                                        jmesPath("state").optional().saveAs("state"),
                                        jmesPath("admissionToken").optional().saveAs("admission"))));
    }

    /** One more status read that fails unless the fan is admitted (the spike's "every fan admitted" check). */
    static ChainBuilder admitted() {
        return exec(honouringRetryAfter(http("admitted").get(QUEUE)
                .header("Authorization", "Bearer #{fanToken}"),
                status().in(200, 429), jmesPath("state").is("ADMITTED")));
    }

    /** Leaves the queue (an admitted fan stops counting as an active shopper). */
    static ChainBuilder leave() {
        return exec(honouringRetryAfter(http("leave").delete(QUEUE)
                .header("Authorization", "Bearer #{fanToken}"),
                status().in(204, 429)))
                .exec(s -> { FANS_LEFT.incrementAndGet(); return s; });
    }

    /**
     * An admitted fan holds tickets: standing by quantity, or (a {@link LoadSettings#SEAT_PICK_PERCENT} share) named
     * seats picked from the seat map, falling back to best available when someone took them first (409). Session
     * "holdId" is set when a hold was made; a sold-out 409 is an expected, clean answer.
     */
    static ChainBuilder hold() {
        boolean seated = SEATED_SECTIONS > 0;
        return exec(s -> s.set("pickSeats", seated && ThreadLocalRandom.current().nextInt(100) < SEAT_PICK_PERCENT))
                .doIfOrElse(s -> s.getBoolean("pickSeats")).then(
                        exec(http("seat map").get("/api/events/" + EVENT_ID + "/categories/seated/seats")
                                .check(status().is(200), bodyString().saveAs("seatMap")))
                                .exec(s -> pickSeats(s))
                                .doIfOrElse(s -> s.contains("seatsJson")).then(
                                        holdRequest("hold named seats",
                                                "{\"categoryId\":\"seated\",\"seats\":#{seatsJson},\"requestId\":\"#{requestId}\"}"))
                                        .orElse(exec(s -> s.set("code", 409)))
                                .doIf(s -> s.getInt("code") == 409).then(
                                        exec(s -> { SEAT_CONFLICTS.incrementAndGet(); return s; })
                                                .exec(holdRequest("hold best seats",
                                                        "{\"categoryId\":\"seated\",\"quantity\":" + QUANTITY
                                                                + ",\"requestId\":\"#{requestId}\"}"))))
                .orElse(holdRequest("hold standing",
                        "{\"categoryId\":\"standing\",\"quantity\":" + QUANTITY + ",\"requestId\":\"#{requestId}\"}"))
                .exec(s -> {
                    if (!s.contains("holdId") && s.getInt("code") == 409) {
                        SOLD_OUT_REFUSALS.incrementAndGet();
                    }
                    return s;
                });
    }

    private static ChainBuilder holdRequest(String name, String body) {
        return exec(s -> s.set("requestId", UUID.randomUUID().toString()))
                .exec(honouringRetryAfter(http(name).post("/api/events/" + EVENT_ID + "/holds")
                        .header("Authorization", "Bearer #{admission}")
                        .body(StringBody(body)),
                        status().in(200, 201, 409, 429),
                        jmesPath("holdId").optional().saveAs("holdId"),
                        jmesPath("quantity").ofInt().optional().saveAs("holdQuantity")));
    }

    /**
     * With a hold: tokenises a card at the provider, places the order (idempotency key; a share sends it twice and
     * must get the same order back), and polls the order until it is final. The last read ("order final") fails
     * unless the order is PAID or PAYMENT_FAILED.
     */
    static ChainBuilder buy() {
        return buy("#{fanToken}");
    }

    /**
     * As {@link #buy()}, reading the order with {@code orderReader} (an EL such as {@code #{admission}}: checkout
     * verifies only Floodgate's tokens, so a fan signed in at an external identity provider reads their order with
     * their admission token). A fan whose card or order fails skips the rest, without leaving the chain, so what
     * follows (leaving the queue, the caller's own accounting) still runs.
     */
    static ChainBuilder buy(String orderReader) {
        return exec(s -> s.set("card", ThreadLocalRandom.current().nextInt(100) < DECLINE_PERCENT ? DECLINED_CARD : PAYING_CARD)
                        .set("idempotencyKey", "load-" + UUID.randomUUID())
                        .set("repeat", ThreadLocalRandom.current().nextInt(100) < REPEAT_ORDER_PERCENT))
                .exec(http("tokenise card").post(PROVIDER_URL + "/v1/payment-methods")
                        .body(StringBody("{\"cardNumber\":\"#{card}\",\"expMonth\":12,\"expYear\":2030,\"cvc\":\"123\"}"))
                        .check(status().is(201), jmesPath("id").saveAs("paymentMethodId")))
                .doIf(s -> s.contains("paymentMethodId")).then(placeAndSettle(orderReader));
    }

    private static ChainBuilder placeAndSettle(String orderReader) {
        // A 503 (database briefly unreachable) is retried with the same key, as a client should; it still counts as
        // a failed request. 200 = the retry found the order the first attempt committed.
        return exec(retrying(Set.of(429, 503), http("place order").post(CHECKOUT_URL + "/api/orders")
                        .header("Authorization", "Bearer #{admission}")
                        .header("Idempotency-Key", "#{idempotencyKey}")
                        .body(StringBody(orderJson())),
                        status().in(200, 201, 429), jmesPath("orderId").optional().saveAs("orderId")))
                .exec(s -> {
                    if (!s.contains("orderId")) {
                        ORDERS_NOT_PLACED.incrementAndGet();
                    }
                    return s;
                })
                .doIf(s -> s.contains("orderId")).then(settle(orderReader));
    }

    private static ChainBuilder settle(String orderReader) {
        return exec(s -> { ORDERS_PLACED.incrementAndGet(); return s; })
                .doIf(s -> s.getBoolean("repeat")).then(
                        exec(http("place order again (same key)").post(CHECKOUT_URL + "/api/orders")
                                .header("Authorization", "Bearer #{admission}")
                                .header("Idempotency-Key", "#{idempotencyKey}")
                                .body(StringBody(orderJson()))
                                .check(status().is(200), jmesPath("orderId").isEL("#{orderId}"))))
                .exec(s -> s.set("orderStatus", "AWAITING_PAYMENT"))
                .asLongAsDuring(s -> !ORDER_ENDS.contains(s.getString("orderStatus")), MAX_ORDER_WAIT).on(
                        pause(Duration.ofMillis(500)).exec(http("order status").get(CHECKOUT_URL + "/api/orders/#{orderId}")
                                .header("Authorization", "Bearer " + orderReader)
                                .check(status().is(200), jmesPath("status").saveAs("orderStatus"))))
                .exec(http("order final").get(CHECKOUT_URL + "/api/orders/#{orderId}")
                        .header("Authorization", "Bearer " + orderReader)
                        .check(status().is(200), jmesPath("status").in("PAID", "PAYMENT_FAILED").saveAs("orderStatus")))
                .exec(s -> {
                    if ("PAID".equals(s.getString("orderStatus"))) {
                        ORDERS_PAID.incrementAndGet();
                        TICKETS_PAID.addAndGet(s.contains("holdQuantity") ? s.getInt("holdQuantity") : QUANTITY);
                    } else if ("PAYMENT_FAILED".equals(s.getString("orderStatus"))) {
                        ORDERS_FAILED.incrementAndGet();
                    }
                    return s;
                });
    }

    /** Holds tickets and walks away: the hold must expire and its tickets return to stock. */
    static ChainBuilder abandonHold() {
        return hold().doIf(s -> s.contains("holdId")).then(exec(s -> { HOLDS_ABANDONED.incrementAndGet(); return s; }));
    }

    /**
     * The closing audit, after every fan is done: waits (up to {@code floodgate.auditWaitSeconds}) for no holds left, then reads the
     * operator figures. Fails unless sold ≤ capacity, available + held + sold = capacity, nothing is held, and
     * sold equals the tickets of the orders this run saw PAID (the event is this run's alone).
     */
    static ChainBuilder audit() {
        String figures = QUEUE.replace("/api/events/", "/api/operator/events/").replace("/queue", "/figures");
        return exec(s -> s.set("held", -1))
                .asLongAsDuring(s -> s.getInt("held") != 0, AUDIT_WAIT).on(
                        exec(http("operator: figures (waiting for holds)").get(figures)
                                .header("Authorization", OPERATOR_AUTH)
                                .check(status().is(200), jmesPath("held").ofInt().saveAs("held")))
                                .doIf(s -> s.getInt("held") != 0).then(pause(Duration.ofSeconds(2))))
                .exec(http("operator: final figures").get(figures)
                        .header("Authorization", OPERATOR_AUTH)
                        .check(status().is(200),
                                bodyString().saveAs("figures"),
                                jmesPath("capacity").ofInt().is(capacity()),
                                jmesPath("sold").ofInt().lte(capacity()),
                                jmesPath("held").ofInt().is(0),
                                bodyString().transform(Chains::countersAddUp).is(true),
                                jmesPath("sold").ofLong().is(s -> TICKETS_PAID.get())))
                .exec(s -> { lastFigures = s.contains("figures") ? s.getString("figures") : "(not read)"; return s; });
    }

    /** What the simulations print at the end, beside Gatling's own report. */
    static void printTally() {
        System.out.println("floodgate: " + describe());
        System.out.println("floodgate: orders placed " + ORDERS_PLACED + ", paid " + ORDERS_PAID + " (" + TICKETS_PAID
                + " tickets), payment failed " + ORDERS_FAILED + "; sold-out 409s " + SOLD_OUT_REFUSALS
                + ", seat conflicts " + SEAT_CONFLICTS + ", holds abandoned " + HOLDS_ABANDONED + ", fans left "
                + FANS_LEFT + ", 429s waited out " + THROTTLED + ", 5xx retried " + RETRIED_5XX + ", orders not placed "
                + ORDERS_NOT_PLACED);
        System.out.println("floodgate: final figures " + lastFigures);
    }

    private static Duration retryAfter(Session s) {
        try {
            long seconds = s.contains("retryAfter") ? Long.parseLong(s.getString("retryAfter").strip()) : 1;
            return Duration.ofSeconds(Math.clamp(seconds, 1, 30));
        } catch (NumberFormatException e) {
            return Duration.ofSeconds(1);
        }
    }

    private static boolean countersAddUp(String body) {
        try {
            JsonNode f = JSON.readTree(body);
            long available = f.get("available").asLong(), held = f.get("held").asLong(), sold = f.get("sold").asLong();
            return available >= 0 && held >= 0 && sold >= 0 && available + held + sold == f.get("capacity").asLong();
        } catch (Exception e) {
            return false;
        }
    }

    /** Picks QUANTITY seats side by side in one row with that many available ones, from a random start; sets "seatsJson". */
    private static Session pickSeats(Session s) {
        try {
            JsonNode map = JSON.readTree(s.getString("seatMap"));
            List<String> candidates = new ArrayList<>();
            for (JsonNode section : map.get("sections")) {
                for (JsonNode row : section.get("rows")) {
                    String states = row.get("states").asText();
                    for (int i = 0; i + QUANTITY <= states.length(); i++) {
                        if (states.substring(i, i + QUANTITY).chars().allMatch(c -> c == 'A')) {
                            StringBuilder seats = new StringBuilder("[");
                            for (int k = 0; k < QUANTITY; k++) {
                                seats.append(k == 0 ? "" : ",").append('"').append(section.get("sectionId").asText())
                                        .append('-').append(row.get("rowId").asText()).append('-')
                                        .append(row.get("seats").get(i + k).asText()).append('"');
                            }
                            candidates.add(seats.append(']').toString());
                        }
                    }
                }
            }
            if (candidates.isEmpty()) {
                return s.remove("seatsJson").remove("seatMap");
            }
            Collections.shuffle(candidates);
            return s.set("seatsJson", candidates.getFirst()).remove("seatMap");
        } catch (Exception e) {
            return s.remove("seatsJson").remove("seatMap");
        }
    }

    private static String orderJson() {
        return "{\"eventId\":\"" + EVENT_ID + "\",\"holdId\":\"#{holdId}\",\"paymentMethodId\":\"#{paymentMethodId}\","
                + "\"buyer\":{\"name\":\"Load fan\",\"email\":\"#{email}\"}}";
    }

    private static String eventJson() {
        StringBuilder categories = new StringBuilder("{\"categoryId\":\"standing\",\"name\":\"Standing\",\"capacity\":"
                + STANDING_CAPACITY + ",\"priceMinor\":4500,\"currency\":\"EUR\"}");
        if (SEATED_SECTIONS > 0) {
            categories.append(",{\"categoryId\":\"seated\",\"name\":\"Seated\",\"priceMinor\":8900,\"currency\":\"EUR\",\"sections\":[");
            for (int i = 0; i < SEATED_SECTIONS; i++) {
                categories.append(i == 0 ? "" : ",").append("{\"sectionId\":\"").append((char) ('A' + i))
                        .append("\",\"rowCount\":").append(SEATED_ROWS).append(",\"seatsPerRow\":").append(SEATS_PER_ROW).append('}');
            }
            categories.append("]}");
        }
        return "{\"eventId\":\"" + EVENT_ID + "\",\"name\":\"Load test " + EVENT_ID + "\",\"startsAt\":\""
                + java.time.Instant.now().plus(Duration.ofDays(30)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                + "\",\"maxPerFan\":" + MAX_PER_FAN + ",\"holdTtlSeconds\":" + HOLD_TTL_SECONDS
                + ",\"categories\":[" + categories + "],\"queue\":{\"ratePerMinute\":" + RATE_PER_MINUTE
                + ",\"batchSize\":" + BATCH_SIZE + "}}";
    }
}
