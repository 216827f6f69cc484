package dev.floodgate.runtime.observe;

import io.helidon.http.RoutedPath;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A latency histogram per route, in seconds: {@code floodgate_http_requests_seconds_bucket{service,method,route,
 * status}} (status as a class: 2xx, 4xx...). The route is the template ({@code /api/events/{eventId}/queue}), never
 * the raw path, so that the number of series stays bounded whatever fans send: after routing, every path segment that
 * is a path parameter's value becomes {@code {name}}; a request no route answered (404, 405) counts as
 * {@code unmatched}. Helidon 4.2 does not tell a filter which route matched, hence rebuilding it from the parameters.
 */
public final class RouteLatency implements Filter {
    static final String NAME = "floodgate_http_requests";
    /** Past this many route labels per service a new one counts as "other" (a route with a free-form tail). */
    static final int MAX_ROUTES = 300;
    private static final Duration[] BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};

    private record Key(String method, String route, String status) {
    }

    private final String service;
    private final Map<Key, Timer> timers = new ConcurrentHashMap<>();
    private final Map<String, Boolean> routes = new ConcurrentHashMap<>();

    private RouteLatency(String service) {
        this.service = service;
    }

    /** The filter for one service; add it first so that it times the other filters too. */
    public static RouteLatency of(String service) {
        return new RouteLatency(service);
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        long start = System.nanoTime();
        try {
            chain.proceed();
        } finally {
            int code = res.status().code();
            String route = code == 404 || code == 405 ? "unmatched" : bounded(template(req.path()));
            timer(new Key(req.prologue().method().text(), route, (code / 100) + "xx"))
                    .record(Duration.ofNanos(System.nanoTime() - start));
        }
    }

    /** The path with each parameter's value put back as {@code {name}}. */
    static String template(RoutedPath path) {
        Map<String, String> params = new java.util.LinkedHashMap<>();
        for (String name : path.pathParameters().names()) {
            params.put(name, path.pathParameters().get(name));
        }
        String raw = path.path();
        if (params.isEmpty()) {
            return raw.isEmpty() ? "/" : raw;
        }
        StringBuilder out = new StringBuilder();
        for (String segment : raw.split("/", -1)) {
            if (!out.isEmpty() || !segment.isEmpty()) {
                out.append('/');
            }
            String name = null;
            for (Map.Entry<String, String> p : params.entrySet()) {
                if (p.getValue().equals(segment)) {
                    name = p.getKey();
                    break;
                }
            }
            out.append(name == null ? segment : "{" + name + "}");
        }
        return out.isEmpty() ? "/" : out.toString();
    }

    private String bounded(String route) {
        if (routes.containsKey(route)) {
            return route;
        }
        if (routes.size() >= MAX_ROUTES) {
            return "other";
        }
        routes.put(route, Boolean.TRUE);
        return route;
    }

    private Timer timer(Key key) {
        return timers.computeIfAbsent(key, k -> Metrics.globalRegistry().getOrCreate(Timer.builder(NAME)
                .description("HTTP requests by route template, time to the response")
                .tags(List.of(Tag.create("service", service), Tag.create("method", k.method()),
                        Tag.create("route", k.route()), Tag.create("status", k.status())))
                .buckets(BUCKETS)
                // No client-side quantiles: they would sit beside the buckets as a second type promtool rejects,
                // and cannot be summed across instances anyway (histogram_quantile over the buckets can).
                .percentiles(new double[0])));
    }
}
