package dev.floodgate.runtime.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.floodgate.contracts.error.ErrorCode;
import dev.floodgate.contracts.http.Json;
import io.swagger.v3.parser.OpenAPIV3Parser;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * A service's OpenAPI 3.1 document as a test oracle: {@link #check} says whether a real response (method, path,
 * status, body) is one the document allows: the operation exists, the status is listed, and the JSON body validates
 * against the status's schema (JSON Schema 2020-12, the dialect of OpenAPI 3.1). Also lists the document's
 * operations (to compare with the routes the server registered), its error codes, and parses it as OpenAPI 3.1.
 */
public final class ApiContract {
    private static final Set<String> METHODS = Set.of("get", "post", "put", "delete", "patch", "head", "options");
    /** Contracts' schemas every service shares (the error body). */
    public static final String SHARED_SCHEMAS = "openapi/errors.yaml";
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    private final String resource;
    private final String yaml;
    private final JsonNode document;
    private final List<Template> templates;
    private final Map<String, Schema> compiled = new ConcurrentHashMap<>();

    /** A documented path, as a pattern that matches the concrete paths it stands for. */
    private record Template(String path, Pattern pattern, int parameters) {
        static Template of(String path) {
            StringBuilder regex = new StringBuilder();
            int parameters = 0;
            for (String part : path.split("(?=\\{)|(?<=\\})")) {
                if (part.startsWith("{")) {
                    regex.append("[^/]+");
                    parameters++;
                } else {
                    regex.append(Pattern.quote(part));
                }
            }
            return new Template(path, Pattern.compile(regex.toString()), parameters);
        }
    }

    private ApiContract(String resource, String yaml) {
        this.resource = resource;
        this.yaml = yaml;
        this.document = Json.MAPPER.valueToTree(
                new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml));
        List<Template> paths = new ArrayList<>();
        document.path("paths").fieldNames().forEachRemaining(p -> paths.add(Template.of(p)));
        // Literal paths before templated ones (".../queue/settings" before ".../queue/{action}").
        paths.sort(Comparator.comparingInt(Template::parameters));
        this.templates = List.copyOf(paths);
    }

    /** The document on the test's class path, e.g. {@code openapi/checkout.yaml} (the service's own resource). */
    public static ApiContract load(String resource) {
        try (InputStream in = ApiContract.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no such resource: " + resource);
            }
            return new ApiContract(resource, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The problems swagger-parser finds reading the document as OpenAPI (empty: it is a valid 3.1 document). */
    public List<String> openApiProblems() {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(yaml, null, options);
        List<String> problems = new ArrayList<>(parsed.getMessages() == null ? List.of() : parsed.getMessages());
        if (parsed.getOpenAPI() == null) {
            problems.add("not parsed as OpenAPI");
        } else if (!parsed.getOpenAPI().getOpenapi().startsWith("3.1.")) {
            problems.add("not OpenAPI 3.1: " + parsed.getOpenAPI().getOpenapi());
        }
        return problems;
    }

    /** Every operation of the document, as {@code "GET /api/events/{eventId}"}. */
    public Set<String> operations() {
        Set<String> operations = new TreeSet<>();
        document.path("paths").fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(m -> {
            if (METHODS.contains(m)) {
                operations.add(m.toUpperCase(Locale.ROOT) + " " + path.getKey());
            }
        }));
        return operations;
    }

    /** The {@code code} enum of the document's error body. */
    public Set<String> errorCodes() {
        Set<String> codes = new TreeSet<>();
        document.path("components").path("schemas").path("ErrorCode").path("enum").forEach(c -> codes.add(c.asText()));
        return codes;
    }

    /**
     * The shared schemas ({@code ErrorBody}, {@code ErrorCode}) whose copy in this document differs from the one
     * source, contracts' {@code openapi/errors.yaml} (empty: every copy is true).
     */
    public List<String> sharedSchemaDrift() {
        JsonNode shared = load(SHARED_SCHEMAS).document.path("components").path("schemas");
        JsonNode mine = document.path("components").path("schemas");
        List<String> drift = new ArrayList<>();
        shared.fieldNames().forEachRemaining(name -> {
            if (!shared.get(name).equals(mine.path(name))) {
                drift.add(name + " differs from " + SHARED_SCHEMAS + " in " + resource);
            }
        });
        return drift;
    }

    /** Every {@link ErrorCode}, by name: what {@link #errorCodes()} must equal. */
    public static Set<String> knownErrorCodes() {
        Set<String> codes = new TreeSet<>();
        Arrays.stream(ErrorCode.values()).forEach(c -> codes.add(c.name()));
        return codes;
    }

    /**
     * What is wrong with this response according to the document (empty: nothing). {@code path} is the concrete path
     * requested, without the query; {@code body} may be empty (204).
     */
    public List<String> check(String method, String path, int status, String contentType, String body) {
        String where = method + " " + path + " -> " + status;
        Template template = templates.stream().filter(t -> t.pattern().matcher(path).matches()
                        && document.path("paths").path(t.path()).has(method.toLowerCase(Locale.ROOT)))
                .findFirst().orElse(null);
        if (template == null) {
            return List.of(where + ": no such operation in " + resource);
        }
        JsonNode operation = document.path("paths").path(template.path()).path(method.toLowerCase(Locale.ROOT));
        JsonNode response = resolve(operation.path("responses").path(Integer.toString(status)));
        if (response.isMissingNode()) {
            return List.of(where + ": status not documented for " + method + " " + template.path());
        }
        JsonNode content = response.path("content");
        if (body == null || body.isEmpty()) {
            return content.isMissingNode() ? List.of() : List.of(where + ": documented with a body, answered none");
        }
        String mediaType = contentType == null ? "" : contentType.split(";")[0].strip().toLowerCase(Locale.ROOT);
        if (!content.has(mediaType)) {
            return List.of(where + ": answered " + (mediaType.isEmpty() ? "a body without a type" : mediaType)
                    + ", which the document does not list");
        }
        if (!mediaType.equals("application/json")) {
            return List.of(); // YAML, an event stream: listed, not schema-checked here
        }
        JsonNode schema = content.path("application/json").path("schema");
        if (schema.isMissingNode()) {
            return List.of(where + ": no application/json schema documented");
        }
        JsonNode instance;
        try {
            instance = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            return List.of(where + ": body is not JSON: " + body);
        }
        String key = template.path() + " " + method + " " + status;
        List<Error> errors = compiled.computeIfAbsent(key, k -> compile(schema)).validate(instance);
        return errors.stream().map(e -> where + ": " + e.getInstanceLocation() + " " + e.getMessage()
                + " (" + e.getKeyword() + ") in " + abbreviate(body)).toList();
    }

    /** As {@link #check}, failing the test with every problem found. */
    public void requireAllowed(String method, String path, int status, String contentType, String body) {
        List<String> problems = check(method, path, status, contentType, body);
        if (!problems.isEmpty()) {
            throw new AssertionError("response does not match " + resource + ":\n" + String.join("\n", problems));
        }
    }

    /** A response's own schema with the document's components beside it, so {@code #/components/...} resolves. */
    private Schema compile(JsonNode schema) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("$schema", SpecificationVersion.DRAFT_2020_12.getDialectId());
        root.set("allOf", Json.MAPPER.createArrayNode().add(schema.deepCopy()));
        root.set("components", document.path("components").deepCopy());
        return SCHEMAS.getSchema(Json.writeString(root));
    }

    /** Follows a {@code $ref} to {@code #/components/responses/...}. */
    private JsonNode resolve(JsonNode node) {
        JsonNode ref = node.path("$ref");
        if (!ref.isTextual()) {
            return node;
        }
        JsonNode target = document;
        Iterator<String> parts = Arrays.stream(ref.asText().substring(2).split("/")).iterator();
        while (parts.hasNext()) {
            target = target.path(parts.next().replace("~1", "/").replace("~0", "~"));
        }
        return target;
    }

    private static String abbreviate(String body) {
        return body.length() <= 300 ? body : body.substring(0, 300) + "...";
    }
}
