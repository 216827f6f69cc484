package dev.floodgate.edge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.floodgate.edge.support.Http;
import dev.floodgate.edge.support.RunningEdge;
import dev.floodgate.engines.fixture.Engines;
import dev.floodgate.engines.fixture.SharedEngines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * What one session renewal ({@code POST /api/sessions/refresh}: one rotation statement in PostgreSQL and one ES256
 * signature) costs, against a real edge and PostgreSQL. Each client follows its own family (every renewal presents
 * the token the previous one answered), first one client in sequence, then {@code bench.refresh-clients} at once.
 * A baseline of {@code GET /api/config} with the same client and pattern shows what the HTTP round trip alone costs.
 * Not part of the normal build: {@code -Dbench=true -Dtest=SessionRenewalBenchmark} (docs/benchmarks.md, "Session
 * renewal").
 */
@ExtendWith(SharedEngines.class)
@EnabledIfSystemProperty(named = "bench", matches = "true")
class SessionRenewalBenchmark {
    static final int REFRESHES = Integer.getInteger("bench.refreshes", 4_000);
    static final int CLIENTS = Integer.getInteger("bench.refresh-clients", 16);
    static final int WARM_UP = Integer.getInteger("bench.refresh-warm-up", 2_000);

    @Test
    void refreshesPerSecondAndCpuPerRefresh(Engines engines) throws Exception {
        try (RunningEdge edge = new RunningEdge(engines, Map.of("db.pool.max-size", "10"))) {
            String email = "bench-" + UUID.randomUUID() + "@example.com";
            String first = edge.http.post("/api/fans", Map.of("email", email, "password", "correct horse battery",
                    "displayName", "Bench"), null).json().get("refreshToken").asText();
            List<String> chains = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                chains.add(edge.http.post("/api/sessions", Map.of("email", email, "password", "correct horse battery"),
                        null).json().get("refreshToken").asText());
            }
            String[] sequential = {first};
            run("warm-up", 1, WARM_UP, i -> sequential[0] = refresh(edge.http, sequential[0]));
            System.out.printf("load average at start: %s%n", loadAverage());
            run("baseline GET /api/config, 1 client", 1, REFRESHES, i -> config(edge.http));
            run("refresh, 1 client", 1, REFRESHES, i -> sequential[0] = refresh(edge.http, sequential[0]));
            run("baseline GET /api/config, " + CLIENTS + " clients", CLIENTS, REFRESHES / CLIENTS,
                    i -> config(edge.http));
            run("refresh, " + CLIENTS + " clients", CLIENTS, REFRESHES / CLIENTS,
                    i -> chains.set(i, refresh(edge.http, chains.get(i))));
            System.out.printf("load average at end: %s%n", loadAverage());
        }
    }

    interface Step {
        void run(int client) throws Exception;
    }

    /** {@code clients} threads released at once, each doing {@code each} steps in a row. */
    private static void run(String name, int clients, int each, Step step) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
            for (int c = 0; c < clients; c++) {
                int client = c;
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < each; i++) {
                        step.run(client);
                    }
                    return null;
                }));
            }
            Cpu before = Cpu.now();
            long start = System.nanoTime();
            go.countDown();
            for (Future<?> f : done) {
                f.get(10, TimeUnit.MINUTES);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            Cpu used = Cpu.now().minus(before);
            int calls = clients * each;
            System.out.printf("%-40s %6d calls in %6.2f s: %8.0f /s; CPU per call %.3f ms in the JVM (edge + clients)"
                            + " + %.3f ms in PostgreSQL = %.3f ms%n", name, calls, seconds, calls / seconds,
                    used.jvm() * 1e3 / calls, used.children() * 1e3 / calls,
                    (used.jvm() + used.children()) * 1e3 / calls);
        }
    }

    private static String refresh(Http http, String refreshToken) {
        Http.Response res = http.post("/api/sessions/refresh", Map.of("refreshToken", refreshToken), null);
        if (res.status() != 200) {
            throw new AssertionError("refresh failed: " + res.status() + " " + res.body());
        }
        JsonNode json = res.json();
        return json.get("refreshToken").asText();
    }

    private static void config(Http http) {
        Http.Response res = http.get("/api/config");
        if (res.status() != 200) {
            throw new AssertionError("config failed: " + res.status());
        }
    }

    private static String loadAverage() throws IOException {
        return Files.readString(Path.of("/proc/loadavg")).trim();
    }

    /** CPU seconds of this JVM and of its descendants (the PostgreSQL server and backends the fixture started). */
    record Cpu(double jvm, double children) {
        static Cpu now() {
            double jvm = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime() / 1e9;
            double children = ProcessHandle.current().descendants().mapToLong(p -> ticks(p.pid())).sum() / 100.0;
            return new Cpu(jvm, children);
        }

        Cpu minus(Cpu earlier) {
            return new Cpu(jvm - earlier.jvm, children - earlier.children);
        }

        /** utime + stime from /proc/pid/stat (clock ticks of 1/100 s); 0 for a process that has exited. */
        private static long ticks(long pid) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return Long.parseLong(f[11]) + Long.parseLong(f[12]);
            } catch (IOException | RuntimeException e) {
                return 0;
            }
        }
    }
}
