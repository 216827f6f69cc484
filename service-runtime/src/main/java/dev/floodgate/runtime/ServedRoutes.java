package dev.floodgate.runtime;

import io.helidon.http.Method;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.WeakHashMap;

/**
 * The routes a service registered, as {@code "GET /api/events/{eventId}"}, so a contract test can compare them with
 * the service's OpenAPI document and the document cannot drift silently. Only routes with one method and a path are
 * recorded: filters ({@code any}) and static pages ({@code register}) are not API operations.
 */
public final class ServedRoutes {
    private static final Set<String> METHODS = Set.of("get", "post", "put", "delete", "patch", "head", "options");
    /** By server, weakly: tests start many servers in one JVM and close them. */
    private static final Map<WebServer, Set<String>> BY_SERVER = Collections.synchronizedMap(new WeakHashMap<>());

    private ServedRoutes() {
    }

    /** The routes of the running server on {@code port}, or an empty set if none was started by {@link Servers}. */
    public static Set<String> atPort(int port) {
        synchronized (BY_SERVER) {
            return BY_SERVER.entrySet().stream()
                    .filter(e -> e.getKey().isRunning() && e.getKey().port() == port)
                    .map(Map.Entry::getValue).findFirst().orElse(Set.of());
        }
    }

    static void remember(WebServer server, List<String> routes) {
        BY_SERVER.put(server, Collections.unmodifiableSet(new TreeSet<>(routes)));
    }

    /**
     * A routing builder that writes down each {@code get/post/...(path, ...)} and {@code route(method, path, ...)}
     * into {@code into}, then does what the real builder does. A proxy because the interface has dozens of default
     * methods; every call still goes to {@code real}.
     */
    static HttpRouting.Builder recording(HttpRouting.Builder real, List<String> into) {
        Object[] self = new Object[1];
        self[0] = Proxy.newProxyInstance(HttpRouting.Builder.class.getClassLoader(),
                new Class<?>[] {HttpRouting.Builder.class}, (proxy, method, args) -> {
                    String name = method.getName();
                    if (args != null && args.length >= 2 && args[0] instanceof String path && METHODS.contains(name)) {
                        into.add(name.toUpperCase(java.util.Locale.ROOT) + " " + path);
                    } else if (name.equals("route") && args != null && args.length == 3
                            && args[0] instanceof Method m && args[1] instanceof String path) {
                        into.add(m.text() + " " + path);
                    }
                    Object result;
                    try {
                        result = method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    // Chained calls stay on the recorder.
                    return result == real ? self[0] : result;
                });
        return (HttpRouting.Builder) self[0];
    }
}
