package dev.floodgate.ops.stack.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.floodgate.contracts.http.Json;
import dev.floodgate.ops.stack.LocalStack;
import dev.floodgate.ops.stack.StackSettings;
import dev.floodgate.runtime.ServiceConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 6 benchmark: orders reaching PAID per second end to end through Floodgate, side by side in one run with the
 * raw PostgreSQL throughput of checkout's own transaction (pgbench, same server, same client count).
 *
 * <p>Starts the local stack in this JVM exactly as {@code ./floodgate start} does (own PostgreSQL with its default,
 * durable settings, own Pulsar, embedded Hazelcast member, every service, the provider simulator with zero latency),
 * creates a big event through the operator API, prepares fans over HTTP (sign-up, join, admission, one-seat hold, a
 * payment method at the simulator: not timed), warms up on a separate event, then places N orders with C concurrent
 * virtual threads ({@code POST /api/orders}) and waits until PostgreSQL shows all of them PAID. Figures come from
 * {@code checkout.orders}: {@code created_at} (set by checkout when it accepts the order) and {@code settled_at}
 * ({@code now()} of the worker's settling transaction).
 *
 * <p>Then pgbench runs a script doing checkout's inserts (one {@code orders} row with {@code on conflict do nothing},
 * one {@code outbox} row, in one transaction) against tables made {@code LIKE checkout.* INCLUDING ALL} in a schema of
 * their own (so checkout's outbox relay does not publish pgbench's rows to the payment worker), on the same server,
 * while the stack is idle.
 *
 * <p>Arguments: {@code [orders=2000] [concurrency=32] [pgbenchSeconds=10] [warmupOrders=300]}.
 */
public final class PaidOrdersBenchmark {
    private static final String PGBENCH = System.getProperty("bench.pgbench", "/usr/lib/postgresql/15/bin/pgbench");
    /** The payment message as checkout writes it (contracts' PaymentRequest: the order id only). */
    private static final String PAYLOAD = "{\"orderId\":\"00000000-0000-0000-0000-000000000000\"}";

    private final LocalStack stack;
    private final StackSettings settings;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String operatorAuth;

    record Prepared(String fanToken, String admission, String holdId, String paymentMethod) {
    }

    private PaidOrdersBenchmark(LocalStack stack, StackSettings settings) {
        this.stack = stack;
        this.settings = settings;
        this.operatorAuth = "Basic " + Base64.getEncoder().encodeToString(
                (settings.operatorUsername() + ":" + settings.operatorPassword()).getBytes(StandardCharsets.UTF_8));
    }

    public static void main(String[] args) throws Exception {
        int orders = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        int pgbenchSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 300;
        // Logs as the services' mains install them (JSON, written in blocks, an access line per request).
        dev.floodgate.runtime.log.Logs.install(io.helidon.config.Config.empty(), "bench");
        // All fans come from one address (this JVM): lift the edge's per-address and per-fan request limits, which
        // would otherwise throttle the preparation (sign-ups, joins, status polls), not the part measured.
        for (String[] kv : new String[][]{{"limits.per-address.per-second", "1000000"},
                {"limits.per-address.burst", "1000000"}, {"limits.join.per-second", "1000"},
                {"limits.join.burst", "1000"}, {"limits.status.per-second", "1000"}, {"limits.status.burst", "1000"}}) {
            System.setProperty(kv[0], kv[1]);
        }
        System.out.println("bench: load average at start: " + loadAverage());
        Path dir = Path.of("target", "bench-" + UUID.randomUUID()).toAbsolutePath();
        StackSettings settings = StackSettings.from(ServiceConfig.load("local-stack.yaml")).onFreePortsIn(dir);
        try (LocalStack stack = LocalStack.start(settings, System.out)) {
            new PaidOrdersBenchmark(stack, settings).run(orders, concurrency, pgbenchSeconds, warmup);
        }
        System.out.println("bench: load average at end: " + loadAverage());
        System.exit(0);
    }

    private void run(int orders, int concurrency, int pgbenchSeconds, int warmup) throws Exception {
        String suffix = Long.toHexString(System.currentTimeMillis());
        String warmEvent = "bench-warm-" + suffix;
        String event = "bench-" + suffix;
        createEvent(warmEvent, warmup + 100);
        createEvent(event, orders + 100);

        long t0 = System.nanoTime();
        List<Prepared> warmFans = prepare(warmEvent, warmup, concurrency);
        List<Prepared> fans = prepare(event, orders, concurrency);
        System.out.printf("bench: prepared %d + %d admitted fans with holds in %.1f s (not timed)%n", warmup, orders,
                (System.nanoTime() - t0) / 1e9);

        Result warm = placeAndAwaitPaid(warmEvent, warmFans, concurrency);
        System.out.printf("bench: warm-up: %d orders, %.0f orders/s (not reported)%n", warm.paid, warm.wallRate);
        sleep(Duration.ofSeconds(2));

        CpuSeconds cpuBefore = CpuSeconds.now();
        Result r = placeAndAwaitPaid(event, fans, concurrency);
        CpuSeconds cpu = CpuSeconds.now().minus(cpuBefore);
        double raw = 0;
        List<String> pgbenchLines = new ArrayList<>();
        sleep(Duration.ofSeconds(2));
        prepareRawTables();
        double rawSame = pgbench(concurrency, pgbenchSeconds, pgbenchLines);
        double rawPool = pgbench(10, pgbenchSeconds, pgbenchLines);
        raw = Math.max(rawSame, rawPool);

        System.out.println();
        System.out.println("==== Issue 6: orders reaching PAID per second (one run, this machine) ====");
        System.out.printf("orders placed %d, POST failures %d, PAID %d, other final %d, still awaiting %d%n",
                r.placed, r.postFailures, r.paid, r.otherFinal, r.awaiting);
        System.out.printf("Floodgate end to end, wall (first POST -> DB poll sees all PAID): %.0f orders/s (%.2f s)%n",
                r.wallRate, r.wallSeconds);
        System.out.printf("Floodgate end to end, DB (min created_at -> max settled_at):      %.0f orders/s (%.2f s)%n",
                r.dbRate, r.dbSeconds);
        System.out.printf("order-to-PAID latency (settled_at - created_at): p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                r.p50, r.p99, r.max);
        System.out.printf("checkout alone (orders accepted, min -> max created_at): %.0f orders/s (%.2f s)%n",
                r.placed / r.acceptSeconds, r.acceptSeconds);
        System.out.printf("POST /api/orders response time (client): p50 %.1f ms, p99 %.1f ms%n", r.postP50, r.postP99);
        System.out.printf("CPU during the timed part: this JVM %.2f s (services, simulator, clients), child processes"
                        + " %.2f s (PostgreSQL, Pulsar); per PAID order %.2f + %.2f ms%n", cpu.jvm(), cpu.children(),
                1000 * cpu.jvm() / r.paid, 1000 * cpu.children() / r.paid);
        for (String line : pgbenchLines) {
            System.out.println(line);
        }
        System.out.printf("raw pgbench checkout transaction, %d clients: %.0f tps%n", concurrency, rawSame);
        System.out.printf("raw pgbench checkout transaction, 10 clients (checkout's pool size): %.0f tps%n", rawPool);
        System.out.printf("ratio Floodgate (wall) / best raw: %.1f%%  (target >= 30%%)%n", 100 * r.wallRate / raw);
        System.out.printf("ratio Floodgate (DB)   / best raw: %.1f%%%n", 100 * r.dbRate / raw);
    }

    // ---------------------------------------------------------------- Floodgate

    private void createEvent(String event, int capacity) {
        call("POST", stack.edgeUrl() + "/api/operator/events", operatorAuth, """
                {"eventId":"%s","name":"Benchmark","startsAt":"%s","maxPerFan":1,"holdTtlSeconds":3600,
                 "categories":[{"categoryId":"ga","name":"GA","capacity":%d,"priceMinor":4500,"currency":"EUR"}],
                 "queue":{"ratePerMinute":1000000,"batchSize":10000}}"""
                .formatted(event, Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS), capacity),
                null, 201);
        call("POST", stack.edgeUrl() + "/api/operator/events/" + event + "/queue/open", operatorAuth, null, null, 200);
    }

    private List<Prepared> prepare(String event, int n, int concurrency) throws Exception {
        List<Prepared> out = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger next = new AtomicInteger();
        runConcurrently(concurrency, () -> {
            while (next.getAndIncrement() < n) {
                JsonNode session = call("POST", stack.edgeUrl() + "/api/fans", null,
                        "{\"email\":\"fan-" + UUID.randomUUID() + "@example.com\",\"password\":\"correct horse battery\","
                                + "\"displayName\":\"Fan\"}", null, 201);
                String fan = "Bearer " + session.get("token").asText();
                call("POST", stack.edgeUrl() + "/api/events/" + event + "/queue", fan, null, null, -1);
                String admission = null;
                long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                while (admission == null) {
                    JsonNode status = call("GET", stack.edgeUrl() + "/api/events/" + event + "/queue", fan, null,
                            null, 200);
                    if (status.hasNonNull("admissionToken")) {
                        admission = status.get("admissionToken").asText();
                    } else if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("not admitted: " + status);
                    } else {
                        sleep(Duration.ofMillis(50));
                    }
                }
                String holdId = call("POST", stack.edgeUrl() + "/api/events/" + event + "/holds", "Bearer " + admission,
                        "{\"categoryId\":\"ga\",\"quantity\":1,\"requestId\":\"" + UUID.randomUUID() + "\"}", null, 201)
                        .get("holdId").asText();
                String pm = call("POST", stack.simulatorUrl() + "/v1/payment-methods", null,
                        "{\"cardNumber\":\"4242424242424242\",\"expMonth\":12,\"expYear\":2035,\"cvc\":\"123\"}",
                        null, 201).get("id").asText();
                out.add(new Prepared(fan, admission, holdId, pm));
            }
        });
        return new ArrayList<>(out);
    }

    /**
     * CPU time used so far by this JVM and by its live descendant processes (PostgreSQL's server and backends,
     * Pulsar's JVM), from {@code /proc} ({@code utime + stime}, clock ticks of 1/100 s). Less sensitive than a rate
     * to other work on a shared machine, as it counts what this stack itself burnt.
     */
    record CpuSeconds(double jvm, double children) {
        static CpuSeconds now() {
            double jvm = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                    .getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
            double children = ProcessHandle.current().descendants().mapToDouble(p -> ticks(p.pid())).sum() / 100.0;
            return new CpuSeconds(jvm, children);
        }

        CpuSeconds minus(CpuSeconds earlier) {
            return new CpuSeconds(jvm - earlier.jvm, children - earlier.children);
        }

        private static long ticks(long pid) {
            try {
                String stat = java.nio.file.Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                // Fields after the command name, which is in parentheses and may hold spaces: state is the 3rd field,
                // utime the 14th and stime the 15th.
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return Long.parseLong(f[11]) + Long.parseLong(f[12]);
            } catch (java.io.IOException | RuntimeException e) {
                return 0; // exited meanwhile
            }
        }
    }

    record Result(int placed, int postFailures, int paid, int otherFinal, int awaiting, double wallSeconds,
                  double wallRate, double dbSeconds, double dbRate, double p50, double p99, double max,
                  double postP50, double postP99, double acceptSeconds) {
    }

    private Result placeAndAwaitPaid(String event, List<Prepared> fans, int concurrency) throws Exception {
        ConcurrentLinkedQueue<Prepared> todo = new ConcurrentLinkedQueue<>(fans);
        ConcurrentLinkedQueue<Double> postMillis = new ConcurrentLinkedQueue<>();
        AtomicInteger failures = new AtomicInteger();
        AtomicLong lastPostDone = new AtomicLong();
        try (Connection db = stack.postgres().connect()) {
            long start = System.nanoTime();
            Thread posters = Thread.ofPlatform().start(() -> {
                try {
                    runConcurrently(concurrency, () -> {
                        Prepared p;
                        while ((p = todo.poll()) != null) {
                            long t = System.nanoTime();
                            try {
                                call("POST", stack.checkoutUrl() + "/api/orders", "Bearer " + p.admission(),
                                        "{\"eventId\":\"" + event + "\",\"holdId\":\"" + p.holdId()
                                                + "\",\"paymentMethodId\":\"" + p.paymentMethod()
                                                + "\",\"buyer\":{\"name\":\"Ada Lovelace\",\"email\":\"ada@example.com\"}}",
                                        "order-" + UUID.randomUUID(), 201);
                                postMillis.add((System.nanoTime() - t) / 1e6);
                            } catch (RuntimeException e) {
                                if (failures.incrementAndGet() <= 5) {
                                    System.out.println("bench: POST failed: " + e.getMessage());
                                }
                            }
                        }
                    });
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                } finally {
                    lastPostDone.set(System.nanoTime());
                }
            });
            // Wait until every accepted order is final, polling PostgreSQL (the orders' table is the truth).
            long deadline = start + Duration.ofSeconds(300).toNanos();
            long end;
            int[] counts;
            while (true) {
                counts = counts(db, event);
                boolean postsDone = !posters.isAlive();
                if (postsDone && counts[0] + counts[1] >= fans.size() - failures.get()) {
                    end = System.nanoTime();
                    break;
                }
                if (System.nanoTime() > deadline) {
                    end = System.nanoTime();
                    System.out.println("bench: deadline reached with orders still awaiting payment");
                    break;
                }
                sleep(Duration.ofMillis(20));
            }
            posters.join();
            counts = counts(db, event);
            double wallSeconds = (end - start) / 1e9;
            List<Double> lat = new ArrayList<>();
            double dbSeconds;
            try (PreparedStatement ps = db.prepareStatement("select extract(epoch from (settled_at - created_at)) * 1000"
                    + " from checkout.orders where event_id = ? and status = 'PAID'")) {
                ps.setString(1, event);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        lat.add(rs.getDouble(1));
                    }
                }
            }
            try (PreparedStatement ps = db.prepareStatement("select extract(epoch from (max(settled_at) - min(created_at)))"
                    + " from checkout.orders where event_id = ? and status = 'PAID'")) {
                ps.setString(1, event);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    dbSeconds = rs.getDouble(1);
                }
            }
            Collections.sort(lat);
            List<Double> posts = new ArrayList<>(postMillis);
            Collections.sort(posts);
            int paid = counts[0];
            return new Result(fans.size(), failures.get(), paid, counts[1], counts[2], wallSeconds, paid / wallSeconds,
                    dbSeconds, paid / dbSeconds, pct(lat, 50), pct(lat, 99), lat.isEmpty() ? 0 : lat.getLast(),
                    pct(posts, 50), pct(posts, 99), acceptSeconds(db, event));
        }
    }

    /** Seconds between the first and the last order checkout accepted (created_at). */
    private static double acceptSeconds(Connection db, String event) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("select extract(epoch from (max(created_at) - min(created_at)))"
                + " from checkout.orders where event_id = ?")) {
            ps.setString(1, event);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getDouble(1);
            }
        }
    }

    /** [PAID, other final states, AWAITING_PAYMENT] of the event's orders. */
    private static int[] counts(Connection db, String event) throws SQLException {
        int[] counts = new int[3];
        try (PreparedStatement ps = db.prepareStatement(
                "select status, count(*) from checkout.orders where event_id = ? group by status")) {
            ps.setString(1, event);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String status = rs.getString(1);
                    int n = rs.getInt(2);
                    counts[status.equals("PAID") ? 0 : status.equals("AWAITING_PAYMENT") ? 2 : 1] += n;
                }
            }
        }
        return counts;
    }

    private static double pct(List<Double> sorted, int p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    // ---------------------------------------------------------------- raw PostgreSQL

    private void prepareRawTables() throws SQLException {
        try (Connection c = stack.postgres().connect(); Statement s = c.createStatement()) {
            s.execute("drop schema if exists bench_raw cascade");
            s.execute("create schema bench_raw");
            s.execute("create table bench_raw.orders (like checkout.orders including all)");
            s.execute("create table bench_raw.outbox (like checkout.outbox including all)");
        }
    }

    private double pgbench(int clients, int seconds, List<String> lines) throws IOException, InterruptedException {
        Path script = Files.createTempFile("checkout-tx", ".sql");
        Files.writeString(script, """
                BEGIN;
                INSERT INTO bench_raw.orders (id, fan_id, event_id, category_id, hold_id, quantity, amount_minor, currency, status, buyer_name, buyer_email, payment_method_id, idempotency_key, failure_reason, created_at, updated_at, settled_at) VALUES (gen_random_uuid(), gen_random_uuid()::text, 'bench-event', 'ga', gen_random_uuid()::text, 1, 4500, 'EUR', 'AWAITING_PAYMENT', 'Ada Lovelace', 'ada@example.com', 'pm_0000000000000000', gen_random_uuid()::text, NULL, now(), now(), NULL) ON CONFLICT (fan_id, idempotency_key) DO NOTHING;
                INSERT INTO bench_raw.outbox (topic, message_key, payload) VALUES ('persistent://public/default/floodgate-payment-requests-v2', gen_random_uuid()::text, '%s'::jsonb);
                END;
                """.formatted(PAYLOAD));
        List<String> cmd = List.of(PGBENCH, "-n", "-M", "prepared", "-h", "127.0.0.1",
                "-p", Integer.toString(stack.postgres().port()), "-U", stack.postgres().user(),
                "-c", Integer.toString(clients), "-j", "2", "-T", Integer.toString(seconds), "-f", script.toString(),
                stack.postgres().database());
        lines.add("pgbench command: PGPASSWORD=*** " + String.join(" ", cmd));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("PGPASSWORD", stack.postgres().password());
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        double tps = 0;
        for (String line : output.split("\n")) {
            if (line.startsWith("number of transactions actually processed") || line.startsWith("latency average")
                    || line.startsWith("tps") || line.startsWith("number of failed")) {
                lines.add("  pgbench -c " + clients + ": " + line);
            }
            Matcher m = Pattern.compile("^tps = ([0-9.]+) \\(without initial connection time\\)").matcher(line);
            if (m.find()) {
                tps = Double.parseDouble(m.group(1));
            }
        }
        if (rc != 0 || tps == 0) {
            throw new IllegalStateException("pgbench failed (" + rc + "):\n" + output);
        }
        Files.deleteIfExists(script);
        return tps;
    }

    // ---------------------------------------------------------------- plumbing

    /** One HTTP call; {@code expected} -1 accepts any 2xx. 429 and 503 are retried after a short pause. */
    private JsonNode call(String method, String url, String auth, String body, String idempotencyKey, int expected) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (auth != null) {
            b.header("Authorization", auth);
        }
        if (idempotencyKey != null) {
            b.header("Idempotency-Key", idempotencyKey);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpRequest request = b.build();
        for (int attempt = 1; ; attempt++) {
            try {
                HttpResponse<String> res = http.send(request, HttpResponse.BodyHandlers.ofString());
                int code = res.statusCode();
                if ((code == 429 || code == 503) && attempt < 20) {
                    sleep(Duration.ofMillis(100L * attempt));
                    continue;
                }
                if (expected == -1 ? code / 100 != 2 : code != expected) {
                    throw new IllegalStateException(method + " " + url + " answered " + code + ": " + res.body());
                }
                return res.body().isEmpty() ? Json.MAPPER.nullNode() : Json.MAPPER.readTree(res.body());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    interface Body {
        void run() throws Exception;
    }

    private static void runConcurrently(int threads, Body body) throws Exception {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    body.run();
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
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

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
