package dev.floodgate.runtime;

import dev.floodgate.contracts.http.JsonHttp;
import io.helidon.config.Config;
import io.helidon.health.HealthCheck;
import io.helidon.http.HttpException;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ErrorHandler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.metrics.MetricsObserver;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.function.Consumer;

/**
 * Starts a service's HTTP server the same way everywhere: routes from the service, health and Prometheus metrics at
 * {@code /observe/health} and {@code /observe/metrics}, the common error body for every failure (including requests
 * refused before routing), a bounded request size, and CORS for the origins a service's {@code cors} config lists.
 */
public final class Servers {
    /** Bodies larger than this are refused by the server before any handler reads them. */
    public static final long DEFAULT_MAX_PAYLOAD_BYTES = 64 * 1024;

    private Servers() {
    }

    /**
     * @param server the {@code server} config node (port, host, max-payload-size...)
     * @param routes the service's own routes
     * @param checks readiness checks (engines reachable...)
     */
    public static WebServer start(Config server, Consumer<HttpRouting.Builder> routes, List<HealthCheck> checks) {
        return start(server, Cors.none(), routes, checks);
    }

    /**
     * As {@link #start(Config, Consumer, List)}, answering browsers from {@code cors}'s allowed origins (see
     * {@link Cors#from(Config)}: a service passes its {@code cors} node).
     */
    public static WebServer start(Config server, Cors cors, Consumer<HttpRouting.Builder> routes,
                                  List<HealthCheck> checks) {
        HealthObserver health = HealthObserver.builder().details(true).useSystemServices(false)
                .addChecks(checks.toArray(HealthCheck[]::new)).build();
        HttpRouting.Builder routing = HttpRouting.builder();
        if (cors.enabled()) {
            routing.addFilter(cors);
        }
        routes.accept(routing);
        JsonHttp.errorHandling(decoratingErrorHandlers(routing, cors));
        return WebServer.builder()
                .config(server)
                .host(server.get("host").asString().orElse("127.0.0.1"))
                .port(server.get("port").asInt().orElse(0))
                .maxPayloadSize(server.get("max-payload-size").asLong().orElse(DEFAULT_MAX_PAYLOAD_BYTES))
                .directHandlers(JsonHttp.directHandlers())
                .featuresDiscoverServices(false)
                .addFeature(ObserveFeature.just(health, MetricsObserver.create()))
                .routing(routing)
                .build()
                .start();
    }

    /**
     * {@code routing} as seen by whoever registers error handlers on it (here {@link JsonHttp#errorHandling}): each
     * handler it registers first puts the CORS headers back (Helidon clears headers before an error handler runs),
     * and a 3xx {@link HttpException} is answered as the status it is rather than as an error (Helidon's static
     * content answers a conditional GET with a thrown 304 Not Modified).
     */
    static HttpRouting.Builder decoratingErrorHandlers(HttpRouting.Builder routing, Cors cors) {
        InvocationHandler invocation = (proxy, method, args) -> {
            if (method.getName().equals("error") && args != null && args.length == 2
                    && args[1] instanceof ErrorHandler<?> handler) {
                args = new Object[] {args[0], decorated(handler, cors)};
            }
            try {
                Object result = method.invoke(routing, args);
                return result == routing ? proxy : result;
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (HttpRouting.Builder) Proxy.newProxyInstance(HttpRouting.Builder.class.getClassLoader(),
                new Class<?>[] {HttpRouting.Builder.class}, invocation);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static ErrorHandler<?> decorated(ErrorHandler handler, Cors cors) {
        return (ErrorHandler<Throwable>) (req, res, error) -> {
            cors.restoreHeaders(req, res);
            if (error instanceof HttpException http && http.status().code() < 400) {
                res.status(http.status()).send();
                return;
            }
            handler.handle(req, res, error);
        };
    }
}
