package dev.floodgate.worker.crash;

import dev.floodgate.contracts.payment.PaymentRequest;
import dev.floodgate.engines.fixture.Engines;
import dev.floodgate.engines.fixture.SharedEngines;
import dev.floodgate.grid.Grid;
import dev.floodgate.grid.GridSettings;
import dev.floodgate.grid.catalog.CategoryInfo;
import dev.floodgate.grid.catalog.EventInfo;
import dev.floodgate.grid.hold.HoldStatus;
import dev.floodgate.ops.simulator.Faults;
import dev.floodgate.ops.simulator.Ledger;
import dev.floodgate.ops.simulator.SimulatorServer;
import dev.floodgate.runtime.ServiceConfig;
import dev.floodgate.worker.settle.WorkerFixture;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The payment worker killed for real (SIGKILL of its JVM) after the provider charged but before the worker recorded
 * the answer or acknowledged the message: a new worker finishes the job with the same idempotency key, and the fan
 * is charged exactly once.
 */
@ExtendWith(SharedEngines.class)
class WorkerCrashTest {
    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static Engines engines;
    private static Grid grid;
    private static String cluster;
    private static int gridPort;
    private static Ledger books;
    private static SimulatorServer simulator;
    private static PulsarClient pulsar;
    private static Producer<PaymentRequest> producer;
    private static String topic;
    private static Path logs;

    @BeforeAll
    static void start(Engines e) throws Exception {
        engines = e;
        WorkerFixture.migrateCheckoutSchema(engines);
        try (ServerSocket s = new ServerSocket(0)) {
            gridPort = s.getLocalPort();
        }
        cluster = "worker-crash-" + UUID.randomUUID();
        grid = Grid.start(new GridSettings(cluster, GridSettings.Role.MEMBER, List.of("127.0.0.1:" + gridPort),
                gridPort, 1, Duration.ofSeconds(1)));
        books = new Ledger();
        simulator = SimulatorServer.start(ServiceConfig.load(SimulatorServer.DEFAULTS_RESOURCE,
                Map.of("server.port", "0")), books);
        topic = engines.topic("payment-requests");
        pulsar = PulsarClient.builder().serviceUrl(engines.pulsarServiceUrl()).build();
        producer = pulsar.newProducer(Schema.JSON(PaymentRequest.class)).topic(topic).enableBatching(false).create();
        logs = Files.createTempDirectory("worker-child-");
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {producer, pulsar, simulator, grid}) {
            if (c != null) {
                c.close();
            }
        }
    }

    /** Starts a worker JVM and waits until it consumes. */
    private static Process startWorker(String name) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC",
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-cp", System.getProperty("java.class.path"), WorkerChild.class.getName(),
                "child.grid-cluster=" + cluster, "child.grid-member=127.0.0.1:" + gridPort,
                "server.port=0", "db.url=" + engines.jdbcUrl(), "db.user=" + engines.user(),
                "db.password=" + engines.password(), "pulsar.service-url=" + engines.pulsarServiceUrl(),
                "pulsar.topics.payment-requests=" + topic, "pulsar.negative-ack.min-delay-millis=200",
                "provider.url=" + simulator.url(), "provider.read-timeout-millis=60000",
                "reconciler.enabled=false"));
        Path log = logs.resolve(name + ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        CompletableFuture<Boolean> ready = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                 var file = Files.newBufferedWriter(log)) {
                for (String line; (line = out.readLine()) != null; ) {
                    file.write(line);
                    file.newLine();
                    file.flush();
                    if (line.contains("WORKER READY")) {
                        ready.complete(true);
                    }
                }
            } catch (Exception ignored) {
                // the child died
            }
            ready.complete(false);
        });
        assertThat(ready.get(90, TimeUnit.SECONDS)).as("worker child started; log " + log).isTrue();
        return p;
    }

    private static String orderStatus(UUID orderId) {
        try (Connection c = engines.connect();
             PreparedStatement ps = c.prepareStatement("select status from checkout.orders where id = ?")) {
            ps.setObject(1, orderId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (Exception e) {
            return null;
        }
    }

    private static void awaitUntil(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + DEADLINE.toSeconds() + " s waiting until " + what);
            }
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
    }

    @Test
    void aWorkerKilledAfterTheChargeButBeforeRecordingItLeavesExactlyOneChargeAndThePaidOrder() throws Exception {
        String eventId = "crash-gig";
        grid.inventory().stock(new EventInfo(eventId, "Crash gig", System.currentTimeMillis() + 86_400_000L, 4,
                300_000, List.of(new CategoryInfo("floor", "Floor", 10, 4_500, "EUR"))));
        String fanId = "fan-" + UUID.randomUUID();
        String holdId = grid.inventory().hold(eventId, "floor", fanId, "r-1", 2, Duration.ofMinutes(5)).hold().holdId();
        UUID orderId = UUID.randomUUID();
        assertThat(grid.inventory().markInCheckout(eventId, holdId, fanId, orderId.toString(), Duration.ofMinutes(15))
                .done()).isTrue();
        try (Connection c = engines.connect(); PreparedStatement ps = c.prepareStatement("insert into checkout.orders"
                + " (id, fan_id, event_id, category_id, hold_id, quantity, amount_minor, currency, status, buyer_name,"
                + " buyer_email, payment_method_id, idempotency_key) values (?, ?, ?, 'floor', ?, 2, 9000, 'EUR',"
                + " 'AWAITING_PAYMENT', 'Ada', 'ada@example.test', 'pm_card_visa', 'crash-key-1')")) {
            ps.setObject(1, orderId);
            ps.setString(2, fanId);
            ps.setString(3, eventId);
            ps.setString(4, holdId);
            ps.executeUpdate();
        }
        // The provider takes the money, then holds its answer: the worker is stuck right after the charge.
        simulator.faults().set(new Faults.Plan(0, 0, 503, 60_000L, 1));
        Process first = startWorker("first");
        try {
            producer.send(new PaymentRequest(orderId.toString()));
            awaitUntil("the provider has charged", () -> !books.findByReference(orderId.toString()).isEmpty());
            assertThat(orderStatus(orderId)).isEqualTo("AWAITING_PAYMENT");
        } finally {
            first.destroyForcibly();
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(orderStatus(orderId)).isEqualTo("AWAITING_PAYMENT");

        Process second = startWorker("second");
        try {
            awaitUntil("the order is PAID", () -> "PAID".equals(orderStatus(orderId)));
            assertThat(books.findByReference(orderId.toString())).hasSize(1);
            awaitUntil("the seats are sold", () -> grid.inventory().find(eventId, holdId)
                    .map(h -> h.status() == HoldStatus.SOLD).orElse(false));
            try (Connection c = engines.connect(); ResultSet rs = c.createStatement().executeQuery(
                    "select count(*) from checkout.tickets where order_id = '" + orderId + "'")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(2);
            }
        } finally {
            second.destroyForcibly();
            second.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
