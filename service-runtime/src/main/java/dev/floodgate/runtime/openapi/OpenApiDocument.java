package dev.floodgate.runtime.openapi;

import dev.floodgate.contracts.http.Json;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpMediaType;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * A service's hand-written OpenAPI 3.1 document, read once from the class path and served at {@code GET /openapi}:
 * YAML by default, JSON for {@code ?format=json} or an {@code Accept} that prefers {@code application/json}. A static
 * file rather than Helidon's OpenAPI feature (generated from annotations, MP-leaning): the contract tests hold the
 * file true to the running server.
 */
public final class OpenApiDocument {
    public static final String PATH = "/openapi";
    /** Documents are a few dozen KiB; anything near this is a mistake, not a document. */
    static final int MAX_DOCUMENT_BYTES = 1024 * 1024;
    private static final HttpMediaType YAML = HttpMediaType.create("application/yaml; charset=UTF-8");

    private final byte[] yaml;
    private final byte[] json;

    private OpenApiDocument(byte[] yaml, byte[] json) {
        this.yaml = yaml;
        this.json = json;
    }

    /** Reads {@code resource} (for example {@code openapi/checkout.yaml}) and checks it is YAML; fails the start if not. */
    public static OpenApiDocument fromClasspath(String resource) {
        byte[] yaml = read(resource);
        // Safe loading: plain maps, lists and scalars only (it is our own file, but nothing else is needed).
        Object tree = new Yaml(new SafeConstructor(new LoaderOptions())).load(new String(yaml, StandardCharsets.UTF_8));
        return new OpenApiDocument(yaml, Json.write(tree));
    }

    public void routes(HttpRouting.Builder routing) {
        routing.get(PATH, this::serve);
    }

    private void serve(ServerRequest req, ServerResponse res) {
        boolean asJson = req.query().first("format").asOptional().map("json"::equals).orElse(false)
                || req.headers().first(HeaderNames.ACCEPT).map(OpenApiDocument::prefersJson).orElse(false);
        res.header("Cache-Control", "no-cache");
        if (asJson) {
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.send(json);
        } else {
            res.headers().contentType(YAML);
            res.send(yaml);
        }
    }

    private static boolean prefersJson(String accept) {
        return accept.contains("application/json") && !accept.contains("yaml");
    }

    private static byte[] read(String resource) {
        try (InputStream in = OpenApiDocument.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("OpenAPI document not on the class path: " + resource);
            }
            byte[] bytes = in.readNBytes(MAX_DOCUMENT_BYTES + 1);
            if (bytes.length > MAX_DOCUMENT_BYTES) {
                throw new IllegalStateException("OpenAPI document larger than " + MAX_DOCUMENT_BYTES + " bytes: "
                        + resource);
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
