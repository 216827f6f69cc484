package dev.floodgate.edge.bench;

import dev.floodgate.edge.support.Http;
import dev.floodgate.edge.support.RunningEdge;
import dev.floodgate.edge.support.TestGrid;
import dev.floodgate.edge.token.KeyEncryption;
import dev.floodgate.edge.token.SigningKeys;
import dev.floodgate.edge.token.TokenIssuer;
import dev.floodgate.engines.fixture.Engines;
import dev.floodgate.engines.fixture.SharedEngines;
import dev.floodgate.runtime.log.Logs;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Status and join requests per second against a Helidon hello-world endpoint, in one run, with wrk on loopback.
 * Not part of the normal build: {@code -Dbench=true -Dtest=QueueBenchmark} (see docs/benchmarks.md, issue 5).
 * The edge runs with the real grid member, PostgreSQL, token checks (ES256, cached after the first use of a
 * token) and rate limits evaluated (set high enough not to refuse: the benchmark is one client address). Joins run
 * twice: fans whose tokens this edge signed (as at sign-in here) and fans whose tokens it has never seen.
 */
@ExtendWith(SharedEngines.class)
@EnabledIfSystemProperty(named = "bench", matches = "true")
class QueueBenchmark {
    static final int FANS = Integer.getInteger("bench.fans", 2_000);
    // Enough that a join run does not run out of new fans up to 60,000 joins/s (it would then rejoin them, cheaper:
    // the run prints how many were new). Join runs are shorter so that the fans fit in the heap.
    static final int JOINERS = Integer.getInteger("bench.joiners", 300_000);
    static final String JOIN_DURATION = System.getProperty("bench.join-duration", "5s");
    static final int STRANGERS = Integer.getInteger("bench.strangers", 40_000);
    static final String DURATION = System.getProperty("bench.duration", "10s");
    static final String CONNECTIONS = System.getProperty("bench.connections", "64");

    @Test
    void statusAndJoinAgainstHelloWorld(Engines engines) throws Exception {
        // Logs as a service's main installs them (JSON, written in blocks, an access line per request), so the
        // figures include what logging costs in production.
        Logs.install(io.helidon.config.Config.empty(), "queue-edge");
        Path dir = Files.createTempDirectory("queue-bench");
        WebServer hello = WebServer.builder().host("127.0.0.1").port(0)
                .routing(r -> r.get("/hello", (req, res) -> res.send("hello"))).build().start();
        try (RunningEdge edge = new RunningEdge(engines, Map.of(
                "queue.stock-max-age-millis", "500", "queue.stream.push-interval-millis", "1000",
                "queue.state-max-age-millis", System.getProperty("bench.state-max-age-millis", "250"),
                "token.verified-cache-entries", Integer.toString(JOINERS + STRANGERS + FANS + 10_000)))) {
            String eventId = TestGrid.uniqueEventId("bench");
            edge.createEvent(eventId, 1_000_000, 4, 1, 1);   // one fan a minute: everybody waits
            edge.queueAction(eventId, "open");

            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setURL(engines.jdbcUrl());
            ds.setUser(engines.user());
            ds.setPassword(engines.password());
            // The edge's keys are sealed under the tests' key-encryption key: open them with the same one.
            KeyEncryption sealing = KeyEncryption.from(io.helidon.config.Config.just(io.helidon.config.ConfigSources
                    .create(java.util.Map.of("key-encryption-key", RunningEdge.TEST_KEY_ENCRYPTION_KEY))));
            TokenIssuer issuer = new TokenIssuer(SigningKeys.loadOrCreate(ds, java.time.Instant.EPOCH, sealing),
                    "floodgate-queue-edge",
                    Duration.ofHours(1), edge.clock);
            List<String> waiting = new ArrayList<>();
            for (int i = 0; i < FANS; i++) {
                String token = issuer.fanToken(UUID.randomUUID().toString()).token();
                Http.Response joined = edge.http.post("/api/events/" + eventId + "/queue", null, Http.bearer(token));
                if (joined.status() != 201) {
                    throw new AssertionError(joined.body());
                }
                waiting.add(token);
            }
            // Fans who signed in on this edge (sign-in's token issuer, without the password hash): the edge made
            // their tokens, so their first join needs no signature check.
            List<String> joiners = new ArrayList<>();
            for (int i = 0; i < JOINERS; i++) {
                joiners.add(edge.server.fanTokens().fanToken(UUID.randomUUID().toString()).token());
            }
            // Fans whose token this edge has never seen (signed in on another edge): one ES256 check each.
            List<String> strangers = new ArrayList<>();
            for (int i = 0; i < STRANGERS; i++) {
                strangers.add(issuer.fanToken(UUID.randomUUID().toString()).token());
            }
            Path waitingFile = Files.write(dir.resolve("waiting.txt"), waiting, StandardCharsets.US_ASCII);
            Path joinersFile = Files.write(dir.resolve("joiners.txt"), joiners, StandardCharsets.US_ASCII);
            Path strangersFile = Files.write(dir.resolve("strangers.txt"), strangers, StandardCharsets.US_ASCII);

            String helloUrl = "http://127.0.0.1:" + hello.port() + "/hello";
            String queueUrl = edge.server.url() + "/api/events/" + eventId + "/queue";
            wrk("warm-up hello", helloUrl, null, "GET", "3s");
            wrk("warm-up status", queueUrl, waitingFile, "GET", "3s");
            wrk("hello-world GET /hello", helloUrl, null, "GET", DURATION);
            wrk("status GET /api/events/{id}/queue", queueUrl, waitingFile, "GET", DURATION);
            long before = joined(edge, eventId);
            wrk("join POST /api/events/{id}/queue (new fans signed in on this edge, then rejoins)", queueUrl,
                    joinersFile, "POST", JOIN_DURATION);
            long afterSignedIn = joined(edge, eventId);
            System.out.println("BENCH new fans in that run: " + (afterSignedIn - before) + " of " + JOINERS);
            wrk("join POST /api/events/{id}/queue (new fans, token never seen here: ES256 check; then rejoins)",
                    queueUrl, strangersFile, "POST", JOIN_DURATION);
            System.out.println("BENCH new fans in that run: " + (joined(edge, eventId) - afterSignedIn) + " of "
                    + STRANGERS);
            Http.Response figures = edge.http.get("/api/operator/events/" + eventId + "/figures",
                    edge.operatorAuth());
            System.out.println("BENCH figures after run: " + figures.body());
        } finally {
            hello.stop();
        }
    }

    private static long joined(RunningEdge edge, String eventId) {
        return edge.http.get("/api/operator/events/" + eventId + "/figures", edge.operatorAuth()).json()
                .get("joined").asLong();
    }

    private static void wrk(String label, String url, Path tokens, String method, String duration)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("wrk", "-t2", "-c" + CONNECTIONS, "-d" + duration, "--latency"));
        if (tokens != null) {
            Path script = Files.writeString(Files.createTempFile("bench", ".lua"), """
                    local tokens = {}
                    for line in io.lines("%s") do tokens[#tokens + 1] = line end
                    local counter = 0
                    local threadIndex = 0
                    function setup(thread)
                      thread:set("offset", threadIndex)
                      threadIndex = threadIndex + 1
                    end
                    request = function()
                      counter = counter + 1
                      local i = ((counter * 2 + offset) %% #tokens) + 1
                      return wrk.format("%s", nil, {["Authorization"] = "Bearer " .. tokens[i]}, nil)
                    end
                    function done(summary, latency, requests)
                      io.write(string.format("non-2xx/3xx: %%d\\n", summary.errors.status))
                    end
                    """.formatted(tokens, method));
            cmd.addAll(List.of("-s", script.toString()));
        }
        cmd.add(url);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        System.out.println("BENCH === " + label + " === (ended " + java.time.Instant.now() + ")\n" + out);
    }
}
