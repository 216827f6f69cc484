package dev.floodgate.grid;

import dev.floodgate.grid.catalog.CategoryInfo;
import dev.floodgate.grid.catalog.EventInfo;
import dev.floodgate.grid.hold.Hold;
import dev.floodgate.grid.hold.HoldResult;
import dev.floodgate.grid.hold.HoldStatus;
import dev.floodgate.grid.stripe.StockCounters;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three members in three JVMs; this JVM is a client taking and releasing holds (short-lived and long-lived) from
 * several threads while the members sweep expiries. One member is SIGKILLed mid-way. Afterwards: the invariant
 * holds, every hold acknowledged to a "fan" is still there unless it was released or its time passed, and the
 * expired ones all came back.
 */
class MemberLossTest {
    private static final Duration SHORT = Duration.ofMillis(1500);
    private static final Duration LONG = Duration.ofMinutes(10);

    record Acked(Hold hold, boolean shortLived) {
    }

    @Test
    void killingOneMemberLosesNothingAcknowledged() throws Exception {
        String cluster = Cluster.name("member-loss");
        List<Integer> ports = Cluster.freePorts(3);
        List<Process> members = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                members.add(startMember(cluster, ports, i));
            }
            for (Process p : members) {
                awaitLine(p, "READY");
            }
            // Load and the kill only once the cluster is safe, as grid-member readiness would allow in production.
            awaitLine(members.get(0), "SAFE");
            GridSettings clientSettings = new GridSettings(cluster, GridSettings.Role.CLIENT,
                    Cluster.addresses(ports), 0, 1, Duration.ofHours(1));
            try (Grid client = Grid.start(clientSettings, Grid.DEFAULT_STRIPES, Clock.systemUTC())) {
                Cluster.await("3 members", Duration.ofSeconds(90),
                        () -> client.hazelcast().getCluster().getMembers().size() == 3);
                run(client, members);
            }
        } finally {
            for (Process p : members) {
                p.destroyForcibly();
            }
        }
    }

    private static void run(Grid client, List<Process> members) throws Exception {
        int capacity = 4000;
        String ev = "loss-" + UUID.randomUUID().toString().substring(0, 8);
        EventInfo event = new EventInfo(ev, "Loss", 0, 4, LONG.toMillis(),
                List.of(new CategoryInfo("ga", "General", capacity, 5000, "EUR", 8)));
        client.catalog().add(event);
        client.inventory().stock(event);

        Map<String, Acked> acked = new ConcurrentHashMap<>();
        Map<String, Boolean> released = new ConcurrentHashMap<>();
        AtomicInteger retries = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger fans = new AtomicInteger();
        CountDownLatch halfway = new CountDownLatch(300);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < 6; w++) {
            workers.add(pool.submit(() -> {
                while (!stop.get()) {
                    int n = fans.incrementAndGet();
                    String fan = "fan-" + n;
                    boolean shortLived = n % 2 == 0;
                    HoldResult r = retrying(retries, () -> client.inventory().hold(ev, "ga", fan, "req-" + n,
                            1 + n % 2, shortLived ? SHORT : LONG));
                    if (!r.done()) {
                        continue;
                    }
                    acked.put(r.hold().holdId(), new Acked(r.hold(), shortLived));
                    halfway.countDown();
                    if (n % 5 == 0) {
                        HoldResult rel = retrying(retries,
                                () -> client.inventory().release(ev, r.hold().holdId(), fan));
                        if (rel.done() || rel.outcome() == HoldResult.Outcome.NOT_FOUND) { // a retried release
                            released.put(r.hold().holdId(), true);
                        }
                    }
                }
                return null;
            }));
        }
        assertThat(halfway.await(120, TimeUnit.SECONDS)).isTrue();
        members.get(1).destroyForcibly(); // SIGKILL while holds are being taken, released and expiring
        assertThat(members.get(1).waitFor(30, TimeUnit.SECONDS)).isTrue();
        int before = acked.size();
        Cluster.await("300 more holds after the kill", Duration.ofSeconds(120), () -> acked.size() >= before + 300);
        stop.set(true);
        for (Future<?> f : workers) {
            f.get();
        }
        pool.shutdown();

        // Every long-lived hold acknowledged and not released is still there, as it was.
        long longUnits = 0;
        for (Acked a : acked.values()) {
            if (!a.shortLived() && !released.containsKey(a.hold().holdId())) {
                Hold now = client.inventory().find(ev, a.hold().holdId()).orElse(null);
                assertThat(now).as("acknowledged hold %s", a.hold().holdId()).isNotNull();
                assertThat(now.status()).isEqualTo(HoldStatus.HELD);
                assertThat(now.quantity()).isEqualTo(a.hold().quantity());
                longUnits += a.hold().quantity();
            }
        }
        // The short-lived ones all expire and come back (the surviving members sweep them), and then the counters
        // are exactly the long-lived holds.
        long expectedHeld = longUnits;
        Cluster.await("short holds expired and swept", Duration.ofSeconds(60),
                () -> client.inventory().counters(ev, "ga").held() == expectedHeld);
        StockCounters after = client.inventory().audit(ev, "ga");
        assertThat(after).isEqualTo(new StockCounters(capacity, capacity - (int) expectedHeld, (int) expectedHeld,
                0));
        for (Acked a : acked.values()) {
            if (a.shortLived()) {
                assertThat(client.inventory().find(ev, a.hold().holdId())).isEmpty();
            }
        }
        System.out.printf("member loss: %d holds acknowledged (%d released), %d units still held, %d retried calls,"
                + " %d members left%n", acked.size(), released.size(), expectedHeld, retries.get(),
                client.hazelcast().getCluster().getMembers().size());
    }

    /** A fan's client retrying the same request (same request id) until the grid gives a definite answer. */
    private static HoldResult retrying(AtomicInteger retries, java.util.function.Supplier<HoldResult> call) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                return call.get();
            } catch (RuntimeException e) {
                retries.incrementAndGet();
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
        }
    }

    private static Process startMember(String cluster, List<Integer> ports, int index) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC"));
        command.addAll(JvmFlags.forThisJava());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), MemberMain.class.getName(), cluster,
                ports.stream().map(String::valueOf).collect(Collectors.joining(",")), String.valueOf(index)));
        File log = new File("target/member-loss-" + index + ".log");
        return new ProcessBuilder(command).redirectError(log).start();
    }

    /** One reader per member's output, kept across waits (a second reader would lose what the first buffered). */
    private static final Map<Process, BufferedReader> OUTPUTS = new ConcurrentHashMap<>();

    private static void awaitLine(Process p, String prefix) throws Exception {
        BufferedReader out = OUTPUTS.computeIfAbsent(p,
                k -> new BufferedReader(new InputStreamReader(k.getInputStream(), StandardCharsets.UTF_8)));
        ExecutorService reader = Executors.newSingleThreadExecutor();
        try {
            Future<String> line = reader.submit(() -> {
                String l;
                while ((l = out.readLine()) != null) {
                    if (l.startsWith(prefix)) {
                        return l;
                    }
                }
                return null;
            });
            assertThat(line.get(120, TimeUnit.SECONDS)).as("member said " + prefix + " (see target/member-loss-*.log)")
                    .isNotNull();
        } finally {
            reader.shutdownNow();
        }
    }
}
