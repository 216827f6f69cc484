package dev.floodgate.ops.stack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.floodgate.contracts.http.Json;
import dev.floodgate.runtime.ServiceConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Lose one of each, mid-drop: the local cluster ({@link LocalCluster}: 3 grid members, 2 edges, 2 checkouts,
 * 2 payment-workers as separate JVMs behind HAProxy, real PostgreSQL and Pulsar), a checkout rush of concurrent fans
 * through the load balancer (plain {@link HttpClient}, each fan from its own loopback address), and during it one
 * grid member, one edge, one checkout and one payment-worker SIGKILLed at different moments and started again.
 *
 * <p>Afterwards: 0 oversold (available + held + sold = capacity, sold &le; capacity, nothing left held); every
 * acknowledged order (a 201, or the same order replayed for its idempotency key) final; the payment audit ok; the fans
 * who were waiting or admitted when their edge died went on through the other one with the same place, and their
 * tokens verify at both edges; the holds abandoned during the rush expired exactly once (they are back in stock, and
 * the stock still adds up). On demand only: {@code -Dfloodgate.cluster-tests=on} (~12 JVMs, several minutes).
 */
class LocalClusterKillTest {
    private static final String EVENT = "kill-drop";
    private static final int CAPACITY = Integer.getInteger("floodgate.cluster.capacity", 40);
    private static final int FANS = Integer.getInteger("floodgate.cluster.fans", 80);
    private static final Duration ARRIVALS = Duration.ofSeconds(Integer.getInteger("floodgate.cluster.arrivalSeconds", 60));
    private static final int HOLD_TTL_SECONDS = 20;
    private static final int ABANDON_PERCENT = 15;
    private static final int DECLINE_PERCENT = 10;
    private static final String PAYING_CARD = "4242424242424242";
    private static final String DECLINED_CARD = "4000000000000002";
    private static final Duration FAN_DEADLINE = Duration.ofMinutes(6);

    private static LocalCluster cluster;
    private static ClusterSettings settings;
    private static String operatorAuth;
    private static final List<String> timeline = new ArrayList<>();
    private static long t0;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue("on".equals(System.getProperty("floodgate.cluster-tests")),
                "the local cluster test runs on demand: -Dfloodgate.cluster-tests=on");
        Process install = new ProcessBuilder("bash", Path.of("haproxy", "install.sh").toAbsolutePath().toString())
                .redirectErrorStream(true).start();
        String installOut = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(install.waitFor()).as("haproxy/install.sh: %s", installOut).isZero();
        String classPath = Path.of("target", "classes").toAbsolutePath() + java.io.File.pathSeparator
                + Files.readString(Path.of("target", "local-stack.classpath")).strip();
        // Under target/, not a JUnit temp dir: PostgreSQL runs as an unprivileged user who must reach its folder.
        settings = ClusterSettings.from(ServiceConfig.load("local-stack.yaml"))
                .onFreePortsIn(Path.of("target", "cluster-" + UUID.randomUUID()).toAbsolutePath(), classPath);
        operatorAuth = "Basic " + Base64.getEncoder().encodeToString(
                (settings.operatorUsername() + ":" + settings.operatorPassword()).getBytes(StandardCharsets.UTF_8));
        long s0 = System.nanoTime();
        cluster = LocalCluster.start(settings, System.out);
        note("cluster ready in %.1f s", (System.nanoTime() - s0) / 1e9);
        cluster.rssByProcess().forEach((name, kib) -> note("memory at ready: %-32s %5d MiB", name, kib / 1024));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
        timeline.forEach(System.out::println);
    }

    private static synchronized void note(String format, Object... args) {
        String line = String.format("[%6.1f s] ", t0 == 0 ? 0 : (System.nanoTime() - t0) / 1e9)
                + String.format(format, args);
        timeline.add(line);
        System.out.println("cluster-test: " + line);
    }

    // ------------------------------------------------------------------------------------------------ the fans

    /** What each fan saw. */
    static final class FanRecord {
        final int n;
        volatile String token;
        volatile long ticket = -1;
        volatile long ticketAfterEdgeKill = -1;
        volatile boolean waitingWhenEdgeDied;
        volatile String admission;
        volatile String outcome = "started";
        volatile String orderId;
        volatile String orderStatus;
        volatile String holdId;
        volatile boolean abandoned;

        FanRecord(int n) {
            this.n = n;
        }
    }

    private static final Map<Integer, FanRecord> fans = new ConcurrentHashMap<>();
    private static final ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
    private static final AtomicInteger retried = new AtomicInteger();
    private static final AtomicInteger throttled = new AtomicInteger();
    private static volatile boolean edgeDown;

    record Answer(int code, JsonNode body, String text) {
    }

    /** One fan's HTTP, from its own loopback address (so the per-address limits behind HAProxy are per fan). */
    static final class FanHttp {
        private final HttpClient client;

        FanHttp(int n) throws IOException {
            client = HttpClient.newBuilder()
                    .localAddress(InetAddress.getByName(n < 0 ? "127.0.0.1" : "127.0.1." + (1 + n % 250)))
                    .connectTimeout(Duration.ofSeconds(3)).version(HttpClient.Version.HTTP_1_1).build();
        }

        /**
         * Sends until the answer is not a 502/503/504 or a connection failure (what a process killed mid-request
         * looks like through HAProxy) nor a 429 (waits Retry-After): the same request again, idempotent by its
         * key or request id, as a real client retries.
         */
        Answer call(String method, String url, String token, String body, Map<String, String> headers) {
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            String last = "";
            while (System.nanoTime() < deadline) {
                HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body));
                if (body != null) {
                    req.header("content-type", "application/json");
                }
                if (token != null) {
                    req.header("authorization", token.startsWith("Basic ") ? token : "Bearer " + token);
                }
                headers.forEach(req::header);
                try {
                    HttpResponse<String> res = client.send(req.build(), HttpResponse.BodyHandlers.ofString());
                    int code = res.statusCode();
                    if (code == 429) {
                        throttled.incrementAndGet();
                        long wait = res.headers().firstValueAsLong("retry-after").orElse(1);
                        sleep(Duration.ofSeconds(Math.max(1, wait)));
                        continue;
                    }
                    if (code == 502 || code == 503 || code == 504) {
                        retried.incrementAndGet();
                        last = code + " " + res.body();
                        sleep(Duration.ofMillis(500));
                        continue;
                    }
                    String text = res.body();
                    JsonNode json = text.isBlank() ? Json.MAPPER.nullNode() : readJson(text);
                    return new Answer(code, json, text);
                } catch (IOException e) {
                    retried.incrementAndGet();
                    last = e.toString();
                    sleep(Duration.ofMillis(500));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            throw new IllegalStateException(method + " " + url + " never answered: " + last);
        }

        Answer call(String method, String url, String token, String body) {
            return call(method, url, token, body, Map.of());
        }
    }

    private static JsonNode readJson(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            return Json.MAPPER.getNodeFactory().textNode(text);
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void fan(FanRecord f) throws IOException {
        FanHttp http = new FanHttp(f.n);
        String lb = cluster.lbUrl();
        String email = "cluster-fan-" + f.n + "-" + UUID.randomUUID() + "@example.com";
        String account = "{\"email\":\"" + email + "\",\"password\":\"correct horse battery\",\"displayName\":\"Fan\"}";
        Answer signUp = http.call("POST", lb + "/api/fans", null, account);
        if (signUp.code() == 409) { // the first try went through before its answer was lost: sign in instead
            signUp = http.call("POST", lb + "/api/sessions", null,
                    "{\"email\":\"" + email + "\",\"password\":\"correct horse battery\"}");
        }
        expect(f, "sign up", signUp, 200, 201);
        f.token = signUp.body().get("token").asText();
        Answer join = http.call("POST", lb + "/api/events/" + EVENT + "/queue", f.token, null);
        if (join.code() == 409 && join.text().contains("sold out")) { // the queue takes no one once all is sold
            f.outcome = "SOLD_OUT at join";
            return;
        }
        expect(f, "join", join, 200, 201);
        f.ticket = join.body().path("ticket").asLong(-1);
        // Wait for the turn, as a page polls (at the server's pace, at most every 2 s here).
        long deadline = System.nanoTime() + FAN_DEADLINE.toNanos();
        JsonNode status = join.body();
        while (!status.hasNonNull("admissionToken")) {
            String state = status.path("state").asText();
            if (state.equals("SOLD_OUT")) {
                // The fan closes the page and leaves: its place must not be admitted later (held tickets may come
                // back) and then count as a shopper who never holds, which would stall the last tickets.
                expect(f, "leave", http.call("DELETE", lb + "/api/events/" + EVENT + "/queue", f.token, null),
                        200, 204, 404);
                f.outcome = "SOLD_OUT";
                return;
            }
            if (System.nanoTime() > deadline) {
                f.outcome = "never admitted: " + status;
                unexpected.add("fan " + f.n + " never admitted: " + status);
                return;
            }
            if (edgeDown) {
                f.waitingWhenEdgeDied = true;
            }
            sleep(Duration.ofMillis(Math.min(2000, Math.max(500, status.path("pollAfterMillis").asLong(1000)))));
            Answer read = http.call("GET", lb + "/api/events/" + EVENT + "/queue", f.token, null);
            expect(f, "queue status", read, 200);
            status = read.body();
            if (f.waitingWhenEdgeDied && f.ticketAfterEdgeKill < 0 && !edgeDown) {
                f.ticketAfterEdgeKill = status.path("ticket").asLong(-1);
            }
        }
        f.admission = status.get("admissionToken").asText();
        sleep(Duration.ofMillis(ThreadLocalRandom.current().nextInt(200, 1500))); // thinks
        String requestId = UUID.randomUUID().toString();
        Answer hold = http.call("POST", lb + "/api/events/" + EVENT + "/holds", f.admission,
                "{\"categoryId\":\"standing\",\"quantity\":1,\"requestId\":\"" + requestId + "\"}");
        if (hold.code() == 409) {
            http.call("DELETE", lb + "/api/events/" + EVENT + "/queue", f.token, null); // no longer a shopper
            f.outcome = "SOLD_OUT at hold";
            return;
        }
        expect(f, "hold", hold, 200, 201);
        f.holdId = hold.body().get("holdId").asText();
        if (ThreadLocalRandom.current().nextInt(100) < ABANDON_PERCENT) {
            f.abandoned = true;
            f.outcome = "abandoned the hold";
            return;
        }
        String card = ThreadLocalRandom.current().nextInt(100) < DECLINE_PERCENT ? DECLINED_CARD : PAYING_CARD;
        Answer pm = http.call("POST", cluster.simulatorUrl() + "/v1/payment-methods", null,
                "{\"cardNumber\":\"" + card + "\",\"expMonth\":12,\"expYear\":2035,\"cvc\":\"123\"}");
        expect(f, "tokenise", pm, 201);
        String key = "order-" + UUID.randomUUID();
        Answer order = http.call("POST", lb + "/api/orders", f.admission, "{\"eventId\":\"" + EVENT
                + "\",\"holdId\":\"" + f.holdId + "\",\"paymentMethodId\":\"" + pm.body().get("id").asText()
                + "\",\"buyer\":{\"name\":\"Ada Lovelace\",\"email\":\"ada@example.com\"}}", Map.of("Idempotency-Key", key));
        // 201 created; 200 the same order replayed for the key (an earlier try's answer was lost): acknowledged.
        expect(f, "order", order, 200, 201);
        f.orderId = order.body().get("orderId").asText();
        f.orderStatus = order.body().path("status").asText();
        while (f.orderStatus.equals("AWAITING_PAYMENT")) {
            if (System.nanoTime() > deadline) {
                unexpected.add("fan " + f.n + ": order " + f.orderId + " never final");
                f.outcome = "order not final";
                return;
            }
            sleep(Duration.ofMillis(1000));
            Answer read = http.call("GET", lb + "/api/orders/" + f.orderId, f.token, null);
            expect(f, "order status", read, 200);
            f.orderStatus = read.body().get("status").asText();
        }
        f.outcome = f.orderStatus;
    }

    private static void expect(FanRecord f, String what, Answer a, int... codes) {
        for (int c : codes) {
            if (a.code() == c) {
                return;
            }
        }
        String msg = "fan " + f.n + " " + what + " answered " + a.code() + ": " + a.text();
        unexpected.add(msg);
        f.outcome = msg;
        throw new IllegalStateException(msg);
    }

    // ------------------------------------------------------------------------------------------------ the test

    @Test
    void losingOneOfEachMidDropLosesNothing() throws Exception {
        FanHttp operator = new FanHttp(-1);
        String lb = cluster.lbUrl();
        String event = """
                {"eventId":"%s","name":"Kill drop","startsAt":"%s","maxPerFan":4,"holdTtlSeconds":%d,
                 "categories":[{"categoryId":"standing","name":"Standing","capacity":%d,"priceMinor":4500,"currency":"EUR"}],
                 "queue":{"ratePerMinute":45,"batchSize":1}}
                """.formatted(EVENT, Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS),
                HOLD_TTL_SECONDS, CAPACITY);
        assertThat(operator.call("POST", lb + "/api/operator/events", operatorAuth, event).code()).isEqualTo(201);
        assertThat(operator.call("POST", lb + "/api/operator/events/" + EVENT + "/queue/open", operatorAuth, null)
                .code()).isEqualTo(200);

        t0 = System.nanoTime();
        note("rush: %d fans for %d tickets arriving over %s; holds last %d s", FANS, CAPACITY, ARRIVALS,
                HOLD_TTL_SECONDS);
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        List<Future<?>> running = new ArrayList<>();
        for (int i = 0; i < FANS; i++) {
            FanRecord f = new FanRecord(i);
            fans.put(i, f);
            long at = ARRIVALS.toNanos() * i / FANS;
            running.add(pool.submit(() -> {
                sleep(Duration.ofNanos(Math.max(0, at - (System.nanoTime() - t0))));
                try {
                    fan(f);
                } catch (RuntimeException | IOException e) {
                    if (f.outcome.equals("started")) {
                        f.outcome = "failed: " + e;
                        unexpected.add("fan " + f.n + ": " + e);
                    }
                }
                return null;
            }));
        }

        // One of each, at different moments during the rush, each started again 8 s after its kill.
        Map<String, Double> downtime = new ConcurrentHashMap<>();
        List<Future<?>> chaos = new ArrayList<>();
        chaos.add(pool.submit(() -> chaos(8, "grid-member-2", downtime)));
        chaos.add(pool.submit(() -> chaos(18, "edge-1", downtime)));
        chaos.add(pool.submit(() -> chaos(28, "checkout-1", downtime)));
        chaos.add(pool.submit(() -> chaos(38, "worker-1", downtime)));
        for (Future<?> c : chaos) {
            c.get(10, TimeUnit.MINUTES);
        }
        for (Future<?> r : running) {
            r.get(FAN_DEADLINE.toMinutes() + 2, TimeUnit.MINUTES);
        }
        pool.shutdown();
        note("every fan done");

        // Abandoned holds expire (TTL + the sweep), then the stock must add up with nothing held.
        JsonNode figures = null;
        long until = System.nanoTime() + Duration.ofSeconds(HOLD_TTL_SECONDS + 60).toNanos();
        while (System.nanoTime() < until) {
            figures = operator.call("GET", lb + "/api/operator/events/" + EVENT + "/figures", operatorAuth, null).body();
            if (figures.path("held").asLong() == 0) {
                break;
            }
            sleep(Duration.ofSeconds(1));
        }
        note("figures: %s", figures);
        JsonNode audit = operator.call("GET", cluster.workerOpsUrl() + "/api/operator/audit", operatorAuth, null).body();
        note("payment audit ok: %s", audit.path("ok"));

        // What the fans saw.
        Map<String, Integer> outcomes = new java.util.TreeMap<>();
        fans.values().forEach(f -> outcomes.merge(f.outcome.startsWith("fan ") ? "unexpected" : f.outcome, 1, Integer::sum));
        note("outcomes: %s; retried after 5xx/connection loss: %d; waited out 429: %d", outcomes, retried.get(),
                throttled.get());
        List<FanRecord> acknowledged = fans.values().stream().filter(f -> f.orderId != null).toList();
        long paid = fans.values().stream().filter(f -> "PAID".equals(f.orderStatus)).count();
        long abandonedHolds = fans.values().stream().filter(f -> f.abandoned).count();
        List<FanRecord> crossed = fans.values().stream().filter(f -> f.waitingWhenEdgeDied).toList();
        note("acknowledged orders %d, paid %d, abandoned holds %d, fans waiting when edge-1 died %d",
                acknowledged.size(), paid, abandonedHolds, crossed.size());

        // Tokens of fans who lived through the edge's death verify at both edges, directly, with the same place.
        List<String> tokenProblems = new ArrayList<>();
        for (FanRecord f : crossed) {
            if (f.token == null) {
                continue;
            }
            Long seen = null;
            for (LocalCluster.Node edge : cluster.nodes(LocalCluster.Role.EDGE)) {
                Answer a = operator.call("GET", edge.url() + "/api/events/" + EVENT + "/queue", f.token, null);
                if (a.code() != 200) {
                    tokenProblems.add("fan " + f.n + " at " + edge.name() + ": " + a.code() + " " + a.text());
                    continue;
                }
                long ticket = a.body().path("ticket").asLong(-1);
                if (seen != null && seen != ticket || ticket != f.ticket) {
                    tokenProblems.add("fan " + f.n + " at " + edge.name() + ": ticket " + ticket + ", joined as "
                            + f.ticket);
                }
                seen = ticket;
            }
            if (f.ticketAfterEdgeKill >= 0 && f.ticketAfterEdgeKill != f.ticket) {
                tokenProblems.add("fan " + f.n + " had ticket " + f.ticket + ", after the edge died "
                        + f.ticketAfterEdgeKill);
            }
        }
        note("downtime (kill to healthy again) per process: %s", downtime);
        cluster.rssByProcess().forEach((name, kib) -> note("memory at the end: %-32s %5d MiB", name, kib / 1024));

        assertThat(unexpected).as("requests that failed in a way no fan should see").isEmpty();
        assertThat(acknowledged).as("acknowledged orders").isNotEmpty()
                .allSatisfy(f -> assertThat(f.orderStatus).as("order %s", f.orderId).isIn("PAID", "PAYMENT_FAILED"));
        long capacity = figures.path("capacity").asLong();
        long available = figures.path("available").asLong();
        long held = figures.path("held").asLong();
        long sold = figures.path("sold").asLong();
        assertThat(capacity).isEqualTo(CAPACITY);
        assertThat(sold).as("sold ≤ capacity (0 oversold)").isLessThanOrEqualTo(capacity);
        assertThat(available + held + sold).as("available + held + sold = capacity").isEqualTo(capacity);
        assertThat(held).as("nothing held once abandoned holds expired (each exactly once: the sum holds)").isZero();
        assertThat(sold).as("sold = tickets of the orders the fans saw PAID").isEqualTo(paid);
        assertThat(audit.path("ok").asBoolean()).as("payment audit: %s", audit).isTrue();
        assertThat(crossed).as("fans waiting in the queue when edge-1 died").isNotEmpty();
        assertThat(tokenProblems).as("their tokens and places at both edges").isEmpty();
        assertThat(crossed).allSatisfy(f -> assertThat(f.outcome).as("fan %d", f.n)
                .isIn("PAID", "PAYMENT_FAILED", "SOLD_OUT", "SOLD_OUT at hold", "abandoned the hold", "SOLD_OUT at join"));
    }

    /** At {@code atSeconds} into the rush, SIGKILLs the process, and starts it again 8 s later (until healthy). */
    private static Void chaos(int atSeconds, String name, Map<String, Double> downtime) {
        sleep(Duration.ofNanos(Math.max(0, Duration.ofSeconds(atSeconds).toNanos() - (System.nanoTime() - t0))));
        LocalCluster.Node node = cluster.node(name);
        long pid = node.pid();
        long k0 = System.nanoTime();
        node.kill();
        if (name.startsWith("edge")) {
            edgeDown = true;
        }
        note("SIGKILL %s (pid %d)", name, pid);
        sleep(Duration.ofSeconds(8));
        node.restart();
        if (name.startsWith("edge")) {
            edgeDown = false;
        }
        double down = (System.nanoTime() - k0) / 1e9;
        downtime.put(name, Math.round(down * 10) / 10.0);
        note("%s back (pid %d), healthy %.1f s after the kill (its start took %.1f s)", name, node.pid(), down,
                node.lastStartSeconds());
        return null;
    }
}
