package dev.floodgate.ops.stack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.floodgate.contracts.http.Json;
import dev.floodgate.runtime.ServiceConfig;
import io.helidon.http.Method;
import io.helidon.webclient.api.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.floodgate.ops.stack.StackClient.poll;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an operator's Prometheus sees of a drop, on the local stack as {@code ./floodgate start} starts it: every
 * service's {@code /observe/metrics} passes {@code promtool check metrics} after real traffic, and a real Prometheus
 * server (Debian's package, its own config and storage in a temp folder, scraping every second) answers PromQL with
 * the same figures as the operator figures API: sold, held, available, waiting and admitted.
 */
class ObservabilityTest {
    private static final String EVENT = "metrics-drop";
    private static LocalStack stack;
    private static StackClient client;
    private static Process prometheus;
    private static String prometheusUrl;
    private static final WebClient HTTP = WebClient.builder().readTimeout(Duration.ofSeconds(10)).build();

    @BeforeAll
    static void startAndRunASmallDrop() throws IOException {
        Promtool.ready();
        // Under target/, not a JUnit temp dir: PostgreSQL runs as an unprivileged user who must reach its folder.
        Path dir = Path.of("target", "stack-" + UUID.randomUUID()).toAbsolutePath();
        StackSettings settings = StackSettings.from(ServiceConfig.load("local-stack.yaml")).onFreePortsIn(dir);
        stack = LocalStack.start(settings, System.out);
        client = new StackClient(stack, settings);
        prometheus = startPrometheus(dir.resolve("prometheus"));

        client.operator(Method.POST, "/api/operator/events", """
                {"eventId":"%s","name":"Metrics drop","startsAt":"2030-01-01T20:00:00Z","maxPerFan":2,"holdTtlSeconds":600,
                 "categories":[{"categoryId":"ga","name":"GA","capacity":20,"priceMinor":1000,"currency":"EUR"},
                               {"categoryId":"vip","name":"VIP","capacity":5,"priceMinor":9000,"currency":"EUR"}],
                 "queue":{"ratePerMinute":6000,"batchSize":100}}""".formatted(EVENT), 201);
        client.operator(Method.POST, "/api/operator/events/" + EVENT + "/queue/open", null, 200);
        // One fan buys, one holds and stops there, one pays with a declined card; then the queue pauses and a fourth
        // fan waits.
        assertThat(client.buyOne(EVENT, "ga", "4242424242424242").get("status").asText()).isEqualTo("PAID");
        StackClient.Fan holder = client.signUp();
        client.hold(client.admitted(holder, EVENT), EVENT, "vip");
        assertThat(client.buyOne(EVENT, "ga", "4000000000000002").get("status").asText())
                .isEqualTo("PAYMENT_FAILED");
        client.operator(Method.POST, "/api/operator/events/" + EVENT + "/queue/pause", null, 200);
        StackClient.Fan waiting = client.signUp();
        client.call(Method.POST, stack.edgeUrl() + "/api/events/" + EVENT + "/queue", waiting.token(), null, -1);
    }

    @AfterAll
    static void stop() {
        if (prometheus != null) {
            prometheus.destroy();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void everyServicesMetricsPassPromtoolAfterADrop() {
        Map<String, String> services = new LinkedHashMap<>();
        services.put("queue-edge", stack.edgeUrl());
        services.put("checkout", stack.checkoutUrl());
        services.put("payment-worker", stack.workerUrl());
        services.put("simulator", stack.simulatorUrl());
        for (Map.Entry<String, String> service : services.entrySet()) {
            String text = HTTP.get(service.getValue() + "/observe/metrics").request(String.class).entity();
            assertThat(text).contains("floodgate_http_requests_seconds_bucket", "jvm_memory_used_bytes");
            Promtool.Run check = Promtool.promtool(text, "check", "metrics");
            assertThat(check.output()).as("promtool check metrics on %s's /observe/metrics", service.getKey())
                    .isEmpty();
            assertThat(check.exitCode()).isZero();
        }
    }

    @Test
    void prometheusAnswersTheSameFiguresAsTheOperatorApi() {
        JsonNode figures = client.operator(Method.GET, "/api/operator/events/" + EVENT + "/figures", null, 200);
        assertThat(figures.get("sold").asLong()).isEqualTo(1);
        assertThat(figures.get("held").asLong()).isEqualTo(1);
        assertThat(figures.get("waiting").asLong()).isEqualTo(1);
        String edge = "{job=\"queue-edge\",event=\"" + EVENT + "\"}";
        Map<String, String> promql = new LinkedHashMap<>();
        promql.put("sold", "sum(floodgate_stock_sold" + edge + ")");
        promql.put("held", "sum(floodgate_stock_held" + edge + ")");
        promql.put("available", "sum(floodgate_stock_available" + edge + ")");
        promql.put("capacity", "sum(floodgate_stock_capacity" + edge + ")");
        promql.put("waiting", "floodgate_queue_waiting" + edge);
        promql.put("admitted", "floodgate_queue_admitted" + edge);
        for (Map.Entry<String, String> q : promql.entrySet()) {
            long expected = figures.get(q.getKey()).asLong();
            poll(() -> query(q.getValue()), v -> v == expected);
        }
        assertThat(poll(() -> query("floodgate_orders{job=\"checkout\",event=\"" + EVENT + "\",status=\"PAID\"}"),
                v -> v == 1)).isEqualTo(1);
        // The invariant alert's expression finds nothing to say about a real drop.
        assertThat(queryAll("floodgate_stock_available + floodgate_stock_held + floodgate_stock_sold"
                + " != floodgate_stock_capacity")).isEmpty();
        // At least this drop's two orders: the meter registry is the JVM's, so stacks that other test classes ran
        // earlier in this JVM count too.
        assertThat(query("sum(floodgate_http_requests_seconds_count{job=\"checkout\",service=\"checkout\","
                + "route=\"/api/orders\",method=\"POST\"})")).isGreaterThanOrEqualTo(2);
    }

    @Test
    void everyQueryOfTheGrafanaDashboardIsOneThisPrometheusAnswers() throws IOException {
        JsonNode dashboard = Json.MAPPER.readTree(Promtool.OBSERVABILITY.resolve("grafana/floodgate-drop.json")
                .toFile());
        int queries = 0;
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.path("targets")) {
                queryAll(target.get("expr").asText().replace("$event", ".*"));
                queries++;
            }
        }
        assertThat(queries).isGreaterThan(20);
        // The figures of the drop above show in the dashboard's main panel (once Prometheus has scraped them).
        poll(() -> queryAll("sum by (category) (floodgate_stock_sold{job=\"queue-edge\",event=~\"" + EVENT + "\"})"),
                result -> result.size() == 2);
    }

    /** The single value of an instant query (-1 while Prometheus has no answer yet). */
    private static long query(String promql) {
        List<JsonNode> result = queryAll(promql);
        return result.size() == 1 ? Math.round(result.get(0).get("value").get(1).asDouble()) : -1;
    }

    private static List<JsonNode> queryAll(String promql) {
        String text = HTTP.get(prometheusUrl + "/api/v1/query").queryParam("query", promql)
                .request(String.class).entity();
        try {
            JsonNode answer = Json.MAPPER.readTree(text);
            assertThat(answer.get("status").asText()).as(text).isEqualTo("success");
            List<JsonNode> out = new java.util.ArrayList<>();
            answer.at("/data/result").forEach(out::add);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Debian's prometheus on a free port, scraping every service of the stack every second. */
    private static Process startPrometheus(Path dir) throws IOException {
        Files.createDirectories(dir);
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        StringBuilder config = new StringBuilder("""
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files:
                  - %s
                scrape_configs:
                """.formatted(Promtool.OBSERVABILITY.resolve("prometheus/alerts.yml")));
        for (var job : List.of(Map.entry("queue-edge", stack.edgeUrl()), Map.entry("checkout", stack.checkoutUrl()),
                Map.entry("payment-worker", stack.workerUrl()))) {
            config.append("""
                      - job_name: %s
                        metrics_path: /observe/metrics
                        static_configs:
                          - targets: ["%s"]
                    """.formatted(job.getKey(), job.getValue().replace("http://", "")));
        }
        Path file = dir.resolve("prometheus.yml");
        Files.writeString(file, config);
        Process process = new ProcessBuilder("prometheus", "--config.file=" + file,
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        prometheusUrl = "http://127.0.0.1:" + port;
        poll(() -> {
            try {
                return HTTP.get(prometheusUrl + "/-/ready").request(String.class).status().code();
            } catch (RuntimeException notYet) {
                assertThat(process.isAlive()).as("prometheus exited; see " + dir.resolve("prometheus.log")).isTrue();
                return 0;
            }
        }, code -> code == 200);
        return process;
    }
}
