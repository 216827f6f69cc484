package dev.floodgate.edge.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.floodgate.contracts.http.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** A small JSON client for tests, over the JDK's HTTP client (no coupling to the server's stack). */
public final class Http {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String baseUrl;

    public Http(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    public record Response(int status, String body, HttpResponse<String> raw) {
        public JsonNode json() {
            try {
                return Json.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body, e);
            }
        }

        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        /** The first error message of the common error body. */
        public String error() {
            return json().path("errors").path(0).path("message").asText(null);
        }

        public String errorField() {
            return json().path("errors").path(0).path("field").asText(null);
        }

        /** The first error's machine-readable code (ErrorCode). */
        public String errorCode() {
            return json().path("errors").path(0).path("code").asText(null);
        }
    }

    public static String bearer(String token) {
        return "Bearer " + token;
    }

    public static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    public Response get(String path, String authorization) {
        return send("GET", path, null, authorization);
    }

    public Response get(String path) {
        return send("GET", path, null, null);
    }

    public Response post(String path, Object body, String authorization) {
        return send("POST", path, body, authorization);
    }

    public Response put(String path, Object body, String authorization) {
        return send("PUT", path, body, authorization);
    }

    public Response delete(String path, String authorization) {
        return send("DELETE", path, null, authorization);
    }

    /** {@code body} as a String is sent as it is (for malformed JSON); anything else is written as JSON. */
    public Response send(String method, String path, Object body, String authorization) {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body instanceof String s ? s : Json.writeString(body));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, publisher);
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body(), response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
