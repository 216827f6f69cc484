package dev.floodgate.ops.stack;

import dev.floodgate.checkout.CheckoutServer;
import dev.floodgate.edge.EdgeServer;
import dev.floodgate.edge.token.KeyEncryption;
import dev.floodgate.engines.postgres.PostgresServer;
import dev.floodgate.engines.pulsar.PulsarStandalone;
import dev.floodgate.grid.Grid;
import dev.floodgate.grid.GridSettings;
import dev.floodgate.ops.simulator.SimulatorServer;
import dev.floodgate.runtime.ServiceConfig;
import dev.floodgate.worker.WorkerServer;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;

/**
 * The whole platform on one machine, for a newcomer and for the end-to-end test: PostgreSQL and Pulsar started by
 * the project (or external ones), an embedded Hazelcast member, and every service on its own port. The services run
 * in this JVM for a fast start but share nothing except the grid, PostgreSQL, Pulsar and HTTP: each has its own
 * configuration, connection pool, Pulsar client and web server, exactly as when run as separate processes.
 */
public final class LocalStack implements AutoCloseable {
    private final Deque<AutoCloseable> running = new ArrayDeque<>();
    private final PrintStream out;
    private final StartSteps steps;
    private final long startNanos = System.nanoTime();
    private EdgeServer edge;
    private CheckoutServer checkout;
    private WorkerServer worker;
    private SimulatorServer simulator;
    private PostgresServer postgres;
    private PulsarStandalone pulsar;
    private Grid grid;

    private LocalStack(PrintStream out) {
        this.out = out;
        this.steps = new StartSteps(out, ForkJoinPool.commonPool());
    }

    public static void main(String[] args) throws InterruptedException {
        quietLogging();
        io.helidon.config.Config config = ServiceConfig.load("local-stack.yaml");
        // The terminal of ./floodgate start shows no line per request (the page polls); the access log is one
        // setting away: LOGGING_ACCESS_dash_LOG_ENABLED=true.
        if (!config.get("logging.access-log.enabled").asBoolean().orElse(false)) {
            dev.floodgate.runtime.log.Logs.level("floodgate.access", java.util.logging.Level.WARNING);
        }
        dev.floodgate.runtime.log.Logs.install(config, "stack");
        StackSettings settings = StackSettings.from(config);
        CountDownLatch stopped = new CountDownLatch(1);
        LocalStack stack;
        try {
            stack = start(settings, System.out);
        } catch (RuntimeException e) {
            System.err.println("floodgate: the local stack could not start: " + e.getMessage());
            e.printStackTrace(System.err);
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("\nfloodgate: stopping...");
            stack.close();
            System.out.println("floodgate: stopped. Data kept in " + settings.dataDir()
                    + " (./floodgate reset deletes it).");
            stopped.countDown();
        }, "floodgate-stop"));
        stack.printReady(settings);
        stopped.await();
    }

    static void quietLogging() {
        try (var in = LocalStack.class.getResourceAsStream("/local-stack-logging.properties")) {
            if (in != null && System.getProperty("java.util.logging.config.file") == null) {
                java.util.logging.LogManager.getLogManager().readConfiguration(in);
            }
        } catch (java.io.IOException e) {
            System.err.println("floodgate: default logging stays on: " + e);
        }
    }

    public static LocalStack start(StackSettings settings, PrintStream out) {
        LocalStack stack = new LocalStack(out);
        try {
            stack.startAll(settings);
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    private void startAll(StackSettings s) {
        String dbUrl = s.externalDbUrl();
        String pulsarUrl = s.externalPulsarUrl();
        CompletableFuture<PostgresServer> pg = dbUrl.isBlank()
                ? steps.timed("PostgreSQL", () -> PostgresServer.builder().dataDir(s.dataDir().resolve("postgres"))
                .database("floodgate").user(s.dbUser()).password(s.dbPassword()).build().start())
                : CompletableFuture.completedFuture(null);
        CompletableFuture<PulsarStandalone> broker = pulsarUrl.isBlank()
                ? steps.timed("Pulsar",
                        () -> PulsarStandalone.builder().dataDir(s.dataDir().resolve("pulsar")).build().start())
                : CompletableFuture.completedFuture(null);
        try {
            steps.step("Hazelcast", () -> {
                grid = Grid.start(new GridSettings(s.gridClusterName(), GridSettings.Role.MEMBER, s.gridMembers(), 0,
                        1, Duration.ofSeconds(1)));
                running.push(grid);
                return grid;
            });
            postgres = pg.join();
            if (postgres != null) {
                running.push(postgres);
                dbUrl = postgres.jdbcUrl();
            }
            pulsar = broker.join();
            if (pulsar != null) {
                running.push(pulsar);
                pulsarUrl = pulsar.serviceUrl();
            }
        } catch (java.util.concurrent.CompletionException e) {
            // Whichever engine did start must still be stopped.
            pg.thenAccept(p -> { if (p != null) p.close(); });
            broker.thenAccept(p -> { if (p != null) p.close(); });
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }

        Map<String, String> engines = new HashMap<>();
        engines.put("db.url", dbUrl);
        engines.put("db.user", s.dbUser());
        engines.put("db.password", s.dbPassword());
        engines.put("pulsar.service-url", pulsarUrl);
        engines.put("grid.cluster-name", s.gridClusterName());

        // The fan page (served by the edge) calls checkout and the simulator from the browser: the edge must know
        // their URLs and they must allow its origin, so every such port is fixed before anything starts.
        int edgePort = portOrFree(s.edgePort());
        int checkoutPort = portOrFree(s.checkoutPort());
        int workerPort = portOrFree(s.workerPort());
        String pageOrigins = "http://127.0.0.1:" + edgePort + ",http://localhost:" + edgePort;
        // The simulator signs its payment callbacks to the worker with a secret only the two of them know.
        String webhookSecret = newSecret();
        // Its books live in the data folder too: a restarted stack's orders are PAID for charges the provider
        // still knows, as with a real processor, so the payment audit still agrees.
        simulator = steps.step("payment-provider simulator", () -> SimulatorServer.start(ServiceConfig.load(
                "provider-simulator.yaml", Map.of("server.port", Integer.toString(s.simulatorPort()),
                        "cors.allowed-origins", pageOrigins,
                        "simulator.ledger-file", s.simulatorLedgerFile().toString(),
                        "simulator.webhooks.url", "http://127.0.0.1:" + workerPort + "/webhooks/provider",
                        "simulator.webhooks.secret", webhookSecret))));
        running.push(simulator);
        edge = steps.step("queue-edge", () -> EdgeServer.start(ServiceConfig.load("queue-edge.yaml", with(engines,
                "server.port", Integer.toString(edgePort),
                "operator.username", s.operatorUsername(),
                "operator.password", s.operatorPassword(),
                "web.checkout-url", "http://127.0.0.1:" + checkoutPort,
                "web.provider-url", simulator.url(),
                "token.key-encryption-key-file", keyEncryptionKey(s.dataDir()).toString())), grid));
        running.push(edge);
        checkout = steps.step("checkout", () -> CheckoutServer.start(ServiceConfig.load("checkout.yaml", with(engines,
                "server.port", Integer.toString(checkoutPort),
                "cors.allowed-origins", pageOrigins,
                "admission.jwks-url", edge.url() + "/.well-known/jwks.json")), grid));
        running.push(checkout);
        worker = steps.step("payment-worker", () -> WorkerServer.start(ServiceConfig.load("payment-worker.yaml",
                with(engines, "server.port", Integer.toString(workerPort),
                "provider.url", simulator.url(),
                "provider.webhook-secret", webhookSecret,
                "operator.username", s.operatorUsername(),
                "operator.password", s.operatorPassword())), grid));
        running.push(worker);
        if (s.demoEvent()) {
            steps.step("demo event", () -> {
                DemoEvent.ensure(edge.url(), s.operatorUsername(), s.operatorPassword());
                return null;
            });
        }
    }

    /** {@code port}, or when it is 0 a port free right now (a small race, fine on a developer machine). */
    private static String newSecret() {
        byte[] bytes = new byte[32];
        new java.security.SecureRandom().nextBytes(bytes);
        return java.util.HexFormat.of().formatHex(bytes);
    }

    static int portOrFree(int port) {
        if (port != 0) {
            return port;
        }
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("no free port", e);
        }
    }

    /**
     * The edge's key-encryption key for this data folder (made once, owner-only, kept with the data it protects:
     * fine for a laptop; a deployment keeps it in a secret, away from the database).
     */
    static java.nio.file.Path keyEncryptionKey(java.nio.file.Path dataDir) {
        java.nio.file.Path file = dataDir.resolve("edge-key-encryption.key");
        try {
            if (!java.nio.file.Files.exists(file)) {
                java.nio.file.Files.createDirectories(dataDir);
                java.nio.file.Path fresh = java.nio.file.Files.createTempFile(dataDir, "kek", ".tmp",
                        java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
                java.nio.file.Files.writeString(fresh, KeyEncryption.newKeyBase64());
                java.nio.file.Files.move(fresh, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
            return file;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot make the edge's key-encryption key in " + dataDir, e);
        }
    }

    private static Map<String, String> with(Map<String, String> base, String... keyValues) {
        Map<String, String> map = new HashMap<>(base);
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put(keyValues[i], keyValues[i + 1]);
        }
        return map;
    }


    private void printReady(StackSettings s) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        out.printf("%nfloodgate: ready in %.1f s%n", seconds);
        out.println("  Fan page          " + edge.url() + "/");
        out.println("  Operator page     " + edge.url() + "/operator/   (user " + s.operatorUsername() + ")");
        out.println("  Fan API           " + edge.url() + "/api/events");
        out.println("  Operator API      " + edge.url() + "/api/operator/events");
        out.println("  Checkout API      " + checkout.url() + "/api/orders");
        out.println("  Payments (ops)    http://127.0.0.1:" + worker.port() + "/api/operator/audit   and   "
                + "/api/operator/dead-letters");
        out.println("  Provider SIMULATOR " + simulator.url() + "/v1/charges");
        for (var service : List.of(Map.entry("queue-edge", edge.url()), Map.entry("checkout", checkout.url()),
                Map.entry("payment-worker", "http://127.0.0.1:" + worker.port()),
                Map.entry("simulator", simulator.url()))) {
            out.printf("  %-17s %s/observe/health   %s/observe/metrics%n", service.getKey(), service.getValue(),
                    service.getValue());
        }
        out.println("  PostgreSQL        " + (postgres != null ? postgres.jdbcUrl() : s.externalDbUrl()));
        out.println("  Pulsar            " + (pulsar != null ? pulsar.serviceUrl() : s.externalPulsarUrl()));
        out.println("Press Ctrl-C to stop.");
    }

    public String edgeUrl() {
        return edge.url();
    }

    public String checkoutUrl() {
        return checkout.url();
    }

    public String simulatorUrl() {
        return simulator.url();
    }

    /** The payment-worker's base URL (its operator API: the payment audit, dead letters). */
    public String workerUrl() {
        return "http://127.0.0.1:" + worker.port();
    }

    public Grid grid() {
        return grid;
    }

    public PostgresServer postgres() {
        return postgres;
    }

    /** Stops everything in the reverse order of starting; each part is stopped even if another fails to. */
    @Override
    public synchronized void close() {
        while (!running.isEmpty()) {
            AutoCloseable part = running.pop();
            long t0 = System.nanoTime();
            try {
                part.close();
                out.printf("floodgate:   %s stopped (%.1f s)%n", part.getClass().getSimpleName(),
                        (System.nanoTime() - t0) / 1e9);
            } catch (Exception e) {
                out.println("floodgate: could not stop " + part.getClass().getSimpleName() + ": " + e);
            }
        }
    }
}
