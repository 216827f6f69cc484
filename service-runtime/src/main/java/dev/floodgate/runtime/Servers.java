package dev.floodgate.runtime;

import dev.floodgate.contracts.http.JsonHttp;
import dev.floodgate.runtime.log.AccessLog;
import dev.floodgate.runtime.observe.JvmMeters;
import io.helidon.config.Config;
import io.helidon.health.HealthCheck;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.metrics.MetricsObserver;

import java.util.List;
import java.util.function.Consumer;

/**
 * Starts a service's HTTP server the same way everywhere: routes from the service, health and Prometheus metrics at
 * {@code /observe/health} and {@code /observe/metrics}, the common error body for every failure (including requests
 * refused before routing), a bounded request size, CORS for the origins a service's {@code cors} config lists, and the
 * request id and access log ({@link AccessLog}) in front of everything.
 */
public final class Servers {
    /** Bodies larger than this are refused by the server before any handler reads them. */
    public static final long DEFAULT_MAX_PAYLOAD_BYTES = 64 * 1024;

    private Servers() {
    }

    /**
     * @param service the service's name in its access log ({@code floodgate.access.<service>}) and log lines
     * @param server  the {@code server} config node (port, host, max-payload-size...)
     * @param routes  the service's own routes
     * @param checks  readiness checks (engines reachable...)
     */
    public static WebServer start(String service, Config server, Consumer<HttpRouting.Builder> routes,
                                  List<HealthCheck> checks) {
        return start(service, server, Cors.none(), routes, checks);
    }

    /**
     * As {@link #start(String, Config, Consumer, List)}, answering browsers from {@code cors}'s allowed origins (see
     * {@link Cors#from(Config)}: a service passes its {@code cors} node).
     */
    public static WebServer start(String service, Config server, Cors cors, Consumer<HttpRouting.Builder> routes,
                                  List<HealthCheck> checks) {
        JvmMeters.register();
        HealthObserver health = HealthObserver.builder().details(true).useSystemServices(false)
                .addChecks(checks.toArray(HealthCheck[]::new)).build();
        HttpRouting.Builder routing = HttpRouting.builder();
        routing.addFilter(AccessLog.of(service));
        if (cors.enabled()) {
            routing.addFilter(cors);
        }
        List<String> served = new java.util.ArrayList<>();
        routes.accept(ServedRoutes.recording(routing, served));
        GridUnavailable.answer503(routing, cors::restoreHeaders);
        JsonHttp.errorHandling(routing, cors::restoreHeaders);
        WebServer started = WebServer.builder()
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
        ServedRoutes.remember(started, served);
        return started;
    }
}
