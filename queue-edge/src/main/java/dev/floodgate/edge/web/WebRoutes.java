package dev.floodgate.edge.web;

import dev.floodgate.contracts.http.JsonHttp;
import io.helidon.config.Config;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.staticcontent.ClasspathHandlerConfig;
import io.helidon.webserver.staticcontent.StaticContentFeature;

/**
 * The fan page ({@code /}) and the operator page ({@code /operator/}): plain HTML, CSS and JavaScript from the class
 * path folder {@code web/}, plus {@code GET /api/config}, which tells the pages where checkout and the payment
 * provider are ({@code web.checkout-url}, {@code web.provider-url}). Register it after the API routes: a path no
 * file matches goes on to the JSON 404.
 */
public final class WebRoutes {
    public static final String DEFAULT_CHECKOUT_URL = "http://127.0.0.1:8081";
    public static final String DEFAULT_PROVIDER_URL = "http://127.0.0.1:8090";

    /** Body of {@code GET /api/config}. */
    public record PageConfig(String checkoutUrl, String providerUrl) {
    }

    private final PageConfig pageConfig;

    private WebRoutes(PageConfig pageConfig) {
        this.pageConfig = pageConfig;
    }

    /** From the edge's {@code web} config node. */
    public static WebRoutes from(Config web) {
        return new WebRoutes(new PageConfig(
                withoutTrailingSlash(web.get("checkout-url").asString().orElse(DEFAULT_CHECKOUT_URL)),
                withoutTrailingSlash(web.get("provider-url").asString().orElse(DEFAULT_PROVIDER_URL))));
    }

    public void routes(HttpRouting.Builder routing) {
        routing.get("/api/config", (req, res) -> {
            res.header("Cache-Control", "no-store");
            JsonHttp.ok(res, pageConfig);
        });
        // The operator page gets its own handler: from a jar (the local stack's class path) Helidon finds the
        // welcome file of a handler's root folder but not of its sub-folders.
        routing.register("/operator", staticFiles("web/operator"));
        routing.register("/", staticFiles("web"));
    }

    private static HttpService staticFiles(String location) {
        return StaticContentFeature.createService(ClasspathHandlerConfig.builder()
                .location(location)
                .welcome("index.html")
                .build());
    }

    private static String withoutTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
