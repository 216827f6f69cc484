package dev.floodgate.runtime;

import io.helidon.config.Config;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Cross-origin access for browser pages served elsewhere (the fan page on queue-edge calls checkout and the provider
 * simulator). Only origins listed in {@code cors.allowed-origins} get CORS headers; with none listed (the default)
 * nothing changes. A preflight ({@code OPTIONS} with {@code Access-Control-Request-Method}) from an allowed origin is
 * answered 204 here; from any other origin it goes on to routing like any request (and so gets no CORS headers).
 * Credentials (cookies) are not allowed: the pages send tokens in {@code Authorization}.
 */
public final class Cors implements Filter {
    public static final String ALLOWED_METHODS = "GET, POST, PUT, DELETE, OPTIONS";
    public static final String ALLOWED_HEADERS = "Authorization, Content-Type, Idempotency-Key, X-Request-Id";
    public static final String EXPOSED_HEADERS = "Retry-After, X-Request-Id";
    static final String MAX_AGE_SECONDS = "600";

    private static final Cors NONE = new Cors(Set.of());

    private final Set<String> allowedOrigins;

    private Cors(Set<String> allowedOrigins) {
        this.allowedOrigins = allowedOrigins;
    }

    public static Cors none() {
        return NONE;
    }

    public static Cors allowing(List<String> origins) {
        return new Cors(origins.stream().map(Cors::normalise).filter(o -> !o.isEmpty())
                .collect(Collectors.toUnmodifiableSet()));
    }

    /**
     * From a {@code cors} config node: {@code allowed-origins} as a list, or one string of comma-separated origins
     * (as an environment variable gives it: {@code CORS_ALLOWED_dash_ORIGINS=http://a,http://b}).
     */
    public static Cors from(Config cors) {
        Config node = cors.get("allowed-origins");
        if (!node.exists()) {
            return NONE;
        }
        List<String> origins = node.isLeaf()
                ? node.asString().map(s -> Arrays.asList(s.split(","))).orElse(List.of())
                : node.asList(String.class).orElse(List.of());
        return allowing(origins);
    }

    public boolean enabled() {
        return !allowedOrigins.isEmpty();
    }

    public Set<String> allowedOrigins() {
        return allowedOrigins;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String origin = allowedOrigin(req);
        if (origin == null) {
            chain.proceed();
            return;
        }
        if (req.prologue().method() == Method.OPTIONS
                && req.headers().contains(HeaderNames.ACCESS_CONTROL_REQUEST_METHOD)) {
            res.header(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            res.header(HeaderNames.VARY, "Origin");
            res.header(HeaderNames.ACCESS_CONTROL_ALLOW_METHODS, ALLOWED_METHODS);
            res.header(HeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, ALLOWED_HEADERS);
            res.header(HeaderNames.ACCESS_CONTROL_MAX_AGE, MAX_AGE_SECONDS);
            res.status(Status.NO_CONTENT_204).send();
            return;
        }
        decorate(origin, res);
        chain.proceed();
    }

    /**
     * Puts this request's CORS headers (back) on a response. Helidon clears a response's headers before an error
     * handler runs, and a page must be able to read our error body ({@code errors[].message}) cross-origin, so
     * {@link Servers} calls this before every error handler.
     */
    void restoreHeaders(ServerRequest req, ServerResponse res) {
        String origin = allowedOrigin(req);
        if (origin != null) {
            decorate(origin, res);
        }
    }

    private String allowedOrigin(ServerRequest req) {
        if (allowedOrigins.isEmpty()) {
            return null;
        }
        String origin = req.headers().first(HeaderNames.ORIGIN).orElse(null);
        return origin != null && allowedOrigins.contains(normalise(origin)) ? origin : null;
    }

    private static void decorate(String origin, ServerResponse res) {
        res.header(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        res.header(HeaderNames.VARY, "Origin");
        res.header(HeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED_HEADERS);
    }

    private static String normalise(String origin) {
        String o = origin.strip();
        return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
    }

    @Override
    public String toString() {
        return "Cors" + allowedOrigins;
    }
}
