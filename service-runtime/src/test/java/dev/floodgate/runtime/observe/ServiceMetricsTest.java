package dev.floodgate.runtime.observe;

import dev.floodgate.runtime.Servers;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.webclient.api.WebClient;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What every service's {@code /observe/metrics} shows beside its own figures. */
class ServiceMetricsTest {
    private static WebServer server;
    private static WebClient client;

    @BeforeAll
    static void start() {
        Config config = Config.just(ConfigSources.create(Map.of("server.port", "0")));
        server = Servers.start("spec", config.get("server"), routing -> routing
                .addFilter(RouteLatency.of("spec"))
                .get("/api/events/{eventId}/queue", (req, res) -> res.send("ok"))
                .get("/api/plain", (req, res) -> res.send("ok")), List.of());
        client = WebClient.builder().baseUri("http://127.0.0.1:" + server.port()).build();
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    private static String metrics() {
        return client.get("/observe/metrics").request(String.class).entity();
    }

    @Test
    void latencyIsARouteTemplateHistogramInSecondsWhateverThePathCarries() {
        for (String event : List.of("drop-a", "drop-b", "drop-c")) {
            client.get("/api/events/" + event + "/queue").request(String.class);
        }
        client.get("/api/plain").request(String.class);
        client.get("/no/such/" + System.nanoTime()).request(String.class);

        String text = metrics();
        assertThat(text).contains("floodgate_http_requests_seconds_count{method=\"GET\","
                + "route=\"/api/events/{eventId}/queue\",scope=\"application\",service=\"spec\",status=\"2xx\",} 3.0");
        assertThat(text).contains("route=\"/api/plain\"").contains("route=\"unmatched\"")
                .contains("floodgate_http_requests_seconds_bucket{").contains("le=\"0.005\"")
                .doesNotContain("drop-a").doesNotContain("/no/such").doesNotContain("quantile=");
    }

    @Test
    void theJvmIsPublishedUnderPrometheusNamesNotHelidonsBaseOnes() {
        String text = metrics();
        assertThat(text).contains("jvm_memory_used_bytes{area=\"heap\"", "jvm_memory_used_bytes{area=\"nonheap\"",
                "jvm_threads_live{", "jvm_classes_loaded{", "jvm_uptime_seconds{", "jvm_gc_collections_total{");
        assertThat(text).doesNotContain("memory_usedHeap_bytes", "thread_count", "cpu_systemLoadAverage",
                "classloader_loadedClasses", "scope=\"base\"");
    }
}
