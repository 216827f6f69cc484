package dev.floodgate.runtime.log;

import dev.floodgate.runtime.Servers;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/** The request id and the access log every service gets from {@link Servers#start}. */
class AccessLogTest {
    private static WebServer server;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ConcurrentLinkedQueue<LogRecord> ACCESS = new ConcurrentLinkedQueue<>();
    private static final ConcurrentLinkedQueue<String> SEEN_BY_HANDLER = new ConcurrentLinkedQueue<>();
    private static final Logger ACCESS_LOGGER = Logger.getLogger("floodgate.access.spec");
    private static final Handler CAPTURE = new Handler() {
        @Override
        public void publish(LogRecord r) {
            ACCESS.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeAll
    static void start() {
        Config config = Config.just(ConfigSources.create(Map.of("server.port", "0")));
        ACCESS_LOGGER.addHandler(CAPTURE);
        server = Servers.start("spec", config.get("server"), routing -> routing
                .get("/api/fans/{fanId}/echo", (req, res) -> {
                    SEEN_BY_HANDLER.add(RequestId.current().orElse("none"));
                    res.send("ok");
                }), List.of());
    }

    @AfterAll
    static void stop() {
        server.stop();
        ACCESS_LOGGER.removeHandler(CAPTURE);
    }

    private static HttpResponse<String> get(String path, String requestId) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
        if (requestId != null) {
            b.header(RequestId.HEADER, requestId);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aWellFormedRequestIdIsKeptAnsweredAndInScopeForTheHandler() throws Exception {
        SEEN_BY_HANDLER.clear();
        HttpResponse<String> res = get("/api/fans/fan-1/echo", "abc-123");
        assertThat(res.headers().firstValue(RequestId.HEADER)).contains("abc-123");
        assertThat(SEEN_BY_HANDLER).containsExactly("abc-123");
    }

    @Test
    void aMissingOrMalformedRequestIdIsReplacedByANewOne() throws Exception {
        for (String bad : new String[]{null, "x".repeat(RequestId.MAX_LENGTH + 1), "two words", "semi;colon"}) {
            String answered = get("/api/fans/fan-1/echo", bad).headers().firstValue(RequestId.HEADER).orElseThrow();
            assertThat(answered).isNotEqualTo(bad).matches("[0-9a-z]{20}");
        }
    }

    @Test
    void aSuccessfulReadGetsNoLineUnlessReadsAreLogged() throws Exception {
        get("/api/fans/fan-5/echo", "quiet-read");
        // A request answered after it, whose line is written: by then the read's line would be there too.
        get("/after/the/quiet/read", null);
        awaitLine("GET /after/the/quiet/read 404");
        assertThat(ACCESS).noneMatch(r -> r.getMessage().contains(Redact.fan("fan-5")));
    }

    @Test
    void everyRequestGetsOneAccessLineWithoutQueryStringAndWithTheFanHashedWhenReadsAreLogged() throws Exception {
        AccessLog.logSuccessfulReads(true);
        LogRecord line;
        try {
            get("/api/fans/fan-7/echo?token=secret-value", "line-1");
            // The line is written once the answer is on its way: wait for it (and keep reads on until then).
            line = awaitLine(Redact.fan("fan-7"));
        } finally {
            AccessLog.logSuccessfulReads(false);
        }
        Map<String, Object> fields = ((LogFields) line.getParameters()[0]).fields();
        assertThat(fields).containsEntry("method", "GET").containsEntry("status", 200)
                .containsEntry("path", "/api/fans/" + Redact.fan("fan-7") + "/echo").containsKey("durationMillis")
                .containsEntry("client", "127.0.0.1");
        assertThat(line.getMessage()).doesNotContain("secret-value").doesNotContain("fan-7/");
        assertThat(get("/no/such/route", null).statusCode()).isEqualTo(404);
        assertThat(awaitLine("GET /no/such/route 404").getMessage()).startsWith("GET /no/such/route 404");
    }

    private static LogRecord awaitLine(String containing) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            java.util.Optional<LogRecord> found = ACCESS.stream()
                    .filter(r -> r.getMessage().contains(containing)).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("no access line with " + containing);
    }
}
