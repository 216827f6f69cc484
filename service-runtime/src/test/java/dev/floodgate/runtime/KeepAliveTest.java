package dev.floodgate.runtime;

import dev.floodgate.contracts.error.ApiException;
import dev.floodgate.contracts.http.JsonHttp;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Responses on kept-alive connections, byte for byte: the server's side checked over a raw socket (every error
 * response is exactly as long as it says), the client's side under the concurrency that once lost the first byte of a
 * response ("TTP/1.1 503", CheckoutOutageTest): Helidon 4.2.0's WebClient hands a connection back to its cache before
 * it starts the idle monitor that reads one byte from it, so another thread can take the connection in between and
 * have its response's first byte read by that monitor (helidon-io/helidon#10861, fixed after 4.2.0).
 * {@link HttpClients#confined} is the client that cannot meet that race.
 */
class KeepAliveTest {
    private static final int THREADS = 8;
    private static final int REQUESTS_PER_THREAD = 1_500;
    private static final AtomicInteger calls = new AtomicInteger();
    private static WebServer server;

    @BeforeAll
    static void start() {
        Config config = Config.just(ConfigSources.create(Map.of("server.port", "0")));
        server = Servers.start("spec", config.get("server"), routing -> routing
                .post("/orders", (req, res) -> {
                    JsonHttp.readBytes(req, 1024);
                    // Every other call fails the way checkout does while PostgreSQL restarts.
                    if (calls.incrementAndGet() % 2 == 0) {
                        throw ApiException.unavailable("orders are unavailable right now, retry shortly");
                    }
                    JsonHttp.created(res, Map.of("orderId", "o-" + calls.get()));
                })
                .post("/unread", (req, res) -> {
                    // Refused before the body is read: the server must still leave the connection usable or close it.
                    throw ApiException.unavailable("token keys are not available yet \u2014 retry");
                }), List.of());
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    @Test
    void errorResponsesOnAKeptAliveConnectionAreExactlyAsLongAsTheySayAndTheNextResponseStartsWithItsStatusLine()
            throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            for (int i = 0; i < 20; i++) {
                String path = i % 3 == 2 ? "/unread" : "/orders";
                String body = "{\"n\":" + i + "}";
                out.write(("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                        + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
                out.flush();
                RawResponse res = RawResponse.read(in);
                assertThat(res.statusLine()).as("response %d", i).matches("HTTP/1\\.1 (201|503) .*");
                assertThat(res.body().length).as("body bytes vs Content-Length").isEqualTo(res.contentLength());
                String text = new String(res.body(), StandardCharsets.UTF_8);
                if (res.statusLine().contains(" 503 ")) {
                    assertThat(text).startsWith("{\"errors\":[{\"message\":").endsWith("}]}");
                }
            }
            // Nothing was left over or taken early: the connection is idle and exactly at a message boundary.
            socket.setSoTimeout(200);
            assertThat(readsNothing(in)).isTrue();
        }
    }

    @Test
    void aConfinedClientSharedByManyThreadsNeverMisreadsAResponseOnAReusedConnection() throws Exception {
        HttpClients.Confined clients = HttpClients.confined(THREADS, Duration.ofSeconds(5),
                builder -> builder.baseUri("http://127.0.0.1:" + server.port()).readTimeout(Duration.ofSeconds(10)));
        List<String> failures = hammer(() -> clients.call(WebClientCall::post));
        assertThat(failures).as("requests that failed").isEmpty();
    }

    /**
     * The cause, shown: the same load through one plain WebClient shared by every thread loses first bytes (9 of
     * 12,000 requests on this machine, 2026-12-02). Timing-dependent and Helidon's, so on demand only
     * ({@code -Dfloodgate.showHelidonRace=true}); when it stops failing, Helidon has fixed it and
     * {@link HttpClients#confined} can go.
     */
    @Test
    @EnabledIfSystemProperty(named = "floodgate.showHelidonRace", matches = "true")
    void aPlainWebClientSharedByManyThreadsLosesTheFirstByteOfSomeResponses() throws Exception {
        WebClient shared = WebClient.builder().baseUri("http://127.0.0.1:" + server.port())
                .readTimeout(Duration.ofSeconds(10)).build();
        List<String> failures = hammer(() -> WebClientCall.post(shared));
        System.out.println("plain shared WebClient: " + failures.size() + " failed of " + THREADS * REQUESTS_PER_THREAD
                + (failures.isEmpty() ? "" : ", first: " + failures.getFirst()));
        assertThat(failures).as("Helidon's race (if none: fixed upstream)").isNotEmpty()
                .allMatch(f -> f.contains("Protocol is not HTTP") || f.contains("not our JSON"));
    }

    interface Call {
        int run() throws Exception;
    }

    private static List<String> hammer(Call call) throws Exception {
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                running.add(pool.submit(() -> {
                    for (int i = 0; i < REQUESTS_PER_THREAD; i++) {
                        try {
                            int status = call.run();
                            if (status != 201 && status != 503) {
                                failures.add("HTTP " + status);
                            }
                        } catch (Exception e) {
                            failures.add(e.toString());
                        }
                    }
                }));
            }
            for (Future<?> f : running) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        return new ArrayList<>(failures);
    }

    static final class WebClientCall {
        static int post(WebClient client) {
            try (HttpClientResponse res = client.post("/orders").header(HeaderNames.CONTENT_TYPE, "application/json")
                    .submit("{\"n\":1}")) {
                String body = res.as(String.class);
                if (!body.startsWith("{")) {
                    throw new IllegalStateException("not our JSON: " + body);
                }
                return res.status().code();
            }
        }
    }

    private static boolean readsNothing(InputStream in) throws IOException {
        try {
            return in.read() == -2; // never: a byte here is a byte too many
        } catch (java.net.SocketTimeoutException quiet) {
            return true;
        }
    }

    record RawResponse(String statusLine, int contentLength, byte[] body) {
        static RawResponse read(InputStream in) throws IOException {
            String status = line(in);
            int length = -1;
            for (String header = line(in); !header.isEmpty(); header = line(in)) {
                String lower = header.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Integer.parseInt(header.substring("content-length:".length()).trim());
                }
                assertThat(lower).as("no chunked bodies expected here").doesNotStartWith("transfer-encoding");
            }
            assertThat(length).as("Content-Length of " + status).isGreaterThanOrEqualTo(0);
            return new RawResponse(status, length, in.readNBytes(length));
        }

        private static String line(InputStream in) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != '\n') {
                if (b < 0) {
                    throw new IOException("connection closed mid-line: " + bytes);
                }
                if (b != '\r') {
                    bytes.write(b);
                }
            }
            return bytes.toString(StandardCharsets.US_ASCII);
        }
    }
}
