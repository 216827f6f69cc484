package dev.floodgate.checkout;

import dev.floodgate.contracts.payment.PaymentRequest;
import dev.floodgate.engines.fixture.Engines;
import dev.floodgate.engines.fixture.SharedEngines;
import dev.floodgate.grid.Grid;
import dev.floodgate.grid.GridSettings;
import dev.floodgate.grid.catalog.CategoryInfo;
import dev.floodgate.grid.catalog.EventInfo;
import dev.floodgate.runtime.HttpClients;
import dev.floodgate.runtime.ServiceConfig;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webclient.api.HttpClientResponse;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * checkout while its engines fail for real: the shared PostgreSQL restarted mid-checkout, the shared Pulsar broker
 * stopped while the outbox relays. (Both engines are started again before each test ends.)
 */
@ExtendWith(SharedEngines.class)
class CheckoutOutageTest {
    private static final String EVENT = "outage-gig";
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static Engines engines;
    private static Grid grid;
    private static TestIssuer issuer;
    private static CheckoutServer checkout;
    /** Four fans place orders at once: clients borrowed per call (one shared WebClient misreads, see HttpClients). */
    private static HttpClients.Confined http;
    private static PulsarClient pulsar;
    private static Consumer<PaymentRequest> payments;
    private static final Set<String> delivered = ConcurrentHashMap.newKeySet();
    private static final AtomicInteger deliveries = new AtomicInteger();

    @BeforeAll
    static void start(Engines e) throws Exception {
        engines = e;
        grid = Grid.start(GridSettings.embedded("checkout-outage-" + UUID.randomUUID()));
        EventInfo event = new EventInfo(EVENT, "Gig", 0, 4, 600_000,
                List.of(new CategoryInfo("ga", "General", 10_000, 4500, "EUR")));
        grid.catalog().add(event);
        grid.inventory().stock(grid.catalog().find(EVENT).orElse(event));
        issuer = new TestIssuer();
        String topic = engines.topic("payment-requests");
        pulsar = PulsarClient.builder().serviceUrl(engines.pulsarServiceUrl()).build();
        payments = pulsar.newConsumer(Schema.JSON(PaymentRequest.class)).topic(topic).subscriptionName("outage-test")
                .subscriptionInitialPosition(SubscriptionInitialPosition.Earliest)
                .messageListener((c, m) -> {
                    delivered.add(m.getValue().orderId());
                    deliveries.incrementAndGet();
                    c.acknowledgeAsync(m);
                })
                .subscribe();
        checkout = CheckoutServer.start(ServiceConfig.load("checkout.yaml", Map.of(
                "server.port", "0",
                "db.url", engines.jdbcUrl(), "db.user", engines.user(), "db.password", engines.password(),
                "db.pool.connection-timeout-millis", "1500",
                "pulsar.service-url", engines.pulsarServiceUrl(),
                "pulsar.topics.payment-requests", topic,
                "outbox.send-timeout-millis", "3000",
                "admission.jwks-url", issuer.jwksUrl())), grid);
        http = HttpClients.confined(8, Duration.ofSeconds(20),
                builder -> builder.baseUri(checkout.url()).readTimeout(Duration.ofSeconds(20)));
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {checkout, payments, pulsar, issuer, grid}) {
            if (c != null) {
                c.close();
            }
        }
    }

    record Attempt(String fan, String key, String body) {
    }

    record Reply(int status, String body) {
    }

    private static Attempt newAttempt() {
        String fan = "fan-" + UUID.randomUUID();
        String holdId = grid.inventory().hold(EVENT, "ga", fan, UUID.randomUUID().toString(), 1, Duration.ofMinutes(10))
                .hold().holdId();
        return new Attempt(fan, "key-" + UUID.randomUUID(), "{\"eventId\":\"" + EVENT + "\",\"holdId\":\"" + holdId
                + "\",\"paymentMethodId\":\"pm_test123\",\"buyer\":{\"name\":\"Ada\",\"email\":\"ada@example.com\"}}");
    }

    private static Reply place(Attempt a) {
        return http.call(client -> {
            try (HttpClientResponse res = client.method(Method.POST).path("/api/orders")
                    .header(HeaderNames.CONTENT_TYPE, "application/json")
                    .header(HeaderNames.AUTHORIZATION, "Bearer " + issuer.admission(a.fan(), EVENT))
                    .header(HeaderNames.create("Idempotency-Key"), a.key())
                    .submit(a.body())) {
                return new Reply(res.status().code(), res.as(String.class));
            }
        });
    }

    private static long count(String sql) throws Exception {
        try (Connection c = engines.connect(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Set<String> orderIds() throws Exception {
        Set<String> ids = new HashSet<>();
        try (Connection c = engines.connect();
             ResultSet rs = c.createStatement().executeQuery("select id from checkout.orders")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    @Test
    void aPostgresRestartMidCheckoutAnswers503WithTheErrorBodyHalfWritesNothingAndRecoversOnItsOwn() throws Exception {
        List<Attempt> attempts = new ArrayList<>();
        Map<Attempt, Reply> replies = new ConcurrentHashMap<>();
        AtomicBoolean restarting = new AtomicBoolean(true);
        ExecutorService fans = Executors.newFixedThreadPool(4);
        List<CompletableFuture<?>> running = new ArrayList<>();
        List<Attempt> pool = java.util.Collections.synchronizedList(attempts);
        for (int f = 0; f < 4; f++) {
            running.add(CompletableFuture.runAsync(() -> {
                while (restarting.get()) {
                    Attempt a = newAttempt();
                    pool.add(a);
                    replies.put(a, place(a));
                }
            }, fans));
        }
        Poll.until(DEADLINE, "some orders went through before the restart", () -> replies.size() >= 8);
        engines.postgres().restart();
        // Keep placing orders for a moment after the server is back.
        long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (System.nanoTime() < until) {
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
        restarting.set(false);
        CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        fans.shutdown();

        // Every answer is a success or a clean 503 with the error body: never a 500, never a hang.
        assertThat(replies.values()).allSatisfy(r -> {
            assertThat(r.status()).as(r.body()).isIn(201, 503);
            if (r.status() == 503) {
                assertThat(r.body()).startsWith("{\"errors\":[{\"message\":");
            }
        });
        assertThat(replies.values()).anyMatch(r -> r.status() == 503);

        // Recovered on its own: the fans that got a 503 retry with the same key and get their order.
        for (Attempt a : attempts) {
            if (replies.get(a).status() == 503) {
                Reply retried = place(a);
                assertThat(retried.status()).as(retried.body()).isIn(200, 201);
                replies.put(a, retried);
            }
        }
        // Nothing half-written: exactly one order per fan, and each one's payment request reaches Pulsar.
        assertThat(count("select count(*) from checkout.orders")).isEqualTo(attempts.size());
        Set<String> ids = orderIds();
        Poll.until(DEADLINE, "every order's payment request is delivered", () -> delivered.containsAll(ids));
        Poll.until(DEADLINE, "the outbox is empty",
                () -> Poll.quietly(() -> count("select count(*) from checkout.outbox") == 0));
    }

    @Test
    void everyOrderCommittedWhilePulsarIsDownIsDeliveredOnceItIsBack() throws Exception {
        Set<String> before = orderIds();
        Poll.until(DEADLINE, "earlier requests are delivered", () -> delivered.containsAll(before));
        engines.pulsar().stop();
        List<String> placed = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                Reply r = place(newAttempt());
                assertThat(r.status()).as(r.body()).isEqualTo(201);
                placed.add(r.body().replaceAll(".*\"orderId\":\"([^\"]+)\".*", "$1"));
            }
            // Committed, not lost: waiting in the outbox while the broker is away.
            assertThat(count("select count(*) from checkout.outbox")).isGreaterThanOrEqualTo(1);
        } finally {
            engines.pulsar().start();
        }
        Poll.until(DEADLINE, "every committed order's request is delivered", () -> delivered.containsAll(placed));
        Poll.until(DEADLINE, "the outbox is empty",
                () -> Poll.quietly(() -> count("select count(*) from checkout.outbox") == 0));
        // Delivered at least once; a resend after a lost broker acknowledgement is possible, and harmless because
        // the payment worker keys everything by order id (see PaymentWorkerTest's duplicate tests).
        assertThat(placed).doesNotHaveDuplicates().hasSize(10);
    }
}
