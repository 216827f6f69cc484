package dev.floodgate.runtime.log;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

import java.net.InetSocketAddress;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * First filter of every service ({@code Servers.start}): the request id ({@link RequestId}: the caller's
 * {@value RequestId#HEADER} when well-formed, else a new one, answered in the same header and in scope while the
 * request is handled) and an access-log line per write or error on logger {@code floodgate.access.<service>}: method, path
 * (no query string: it may carry tokens; a {@code fanId} path parameter hashed), status, duration, client address.
 */
public final class AccessLog implements Filter {
    public static final HeaderName HEADER = HeaderNames.create(RequestId.HEADER);
    /**
     * Whether a successful read (GET or HEAD answered 2xx/3xx) gets a line too ({@code logging.access-log.reads},
     * set by {@link Logs#install}; default off): status polls are most of an edge's requests, and a line each cost
     * the status endpoint 64.5% → 36% of hello-world's rate in QueueBenchmark. Reads are counted per route in the
     * metrics; every write and every error is logged.
     */
    private static volatile boolean logSuccessfulReads;
    private final Logger log;

    private AccessLog(String service) {
        this.log = Logger.getLogger("floodgate.access." + service);
    }

    public static AccessLog of(String service) {
        return new AccessLog(service);
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String id = RequestId.acceptOrNew(req.headers().first(HEADER).orElse(null));
        res.header(HEADER, id);
        long start = System.nanoTime();
        RequestId.run(id, () -> {
            try {
                chain.proceed();
            } finally {
                int status = res.status().code();
                if (log.isLoggable(Level.INFO) && (logSuccessfulReads || !successfulRead(req, status))) {
                    line(req, status, (System.nanoTime() - start) / 1_000_000);
                }
            }
        });
    }

    static void logSuccessfulReads(boolean on) {
        logSuccessfulReads = on;
    }

    private static boolean successfulRead(RoutingRequest req, int status) {
        String method = req.prologue().method().text();
        return status < 400 && (method.equals("GET") || method.equals("HEAD"));
    }

    private void line(RoutingRequest req, int status, long durationMillis) {
        String method = req.prologue().method().text();
        String path = pathForLog(req);
        String client = req.remotePeer().address() instanceof InetSocketAddress a
                ? a.getAddress().getHostAddress() : String.valueOf(req.remotePeer().address());
        LogRecord r = new LogRecord(Level.INFO, method + " " + path + " " + status + " " + durationMillis + " ms");
        r.setLoggerName(log.getName());
        r.setParameters(new Object[]{LogFields.of("method", method, "path", path, "status", status,
                "durationMillis", durationMillis, "client", client)});
        log.log(r);
    }

    /** The raw path with a {@code fanId} parameter's value replaced by its hash; no query string. */
    static String pathForLog(RoutingRequest req) {
        String raw = req.path().rawPath();
        var params = req.path().pathParameters();
        if (!params.contains("fanId")) {
            return raw;
        }
        String fanId = params.get("fanId");
        StringBuilder out = new StringBuilder();
        for (String segment : raw.split("/", -1)) {
            if (!out.isEmpty() || !segment.isEmpty()) {
                out.append('/');
            }
            out.append(segment.equals(fanId) ? Redact.fan(fanId) : segment);
        }
        return out.toString();
    }
}
