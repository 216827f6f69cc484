package dev.floodgate.contracts.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.JsonMappingException;
import dev.floodgate.contracts.error.ApiError;
import dev.floodgate.contracts.error.ApiException;
import dev.floodgate.contracts.error.ErrorBody;
import dev.floodgate.contracts.error.ErrorCode;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpException;
import io.helidon.http.HttpMediaTypes;
import io.helidon.http.RequestException;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;

/**
 * JSON over Helidon SE, the same way in every service: strict request bodies with a size limit, JSON responses,
 * and every failure (ours, Helidon's, or an unexpected one) answered with the common error body.
 */
public final class JsonHttp {
    /** Default ceiling for a request body; endpoints may pass a smaller one. */
    public static final int DEFAULT_MAX_BODY_BYTES = 16 * 1024;

    private static final System.Logger LOG = System.getLogger(JsonHttp.class.getName());

    private JsonHttp() {
    }

    /** Reads the body as {@code type}; any problem becomes a 4xx {@link ApiException} and nothing else happens. */
    public static <T> T read(ServerRequest req, Class<T> type) {
        return read(req, type, DEFAULT_MAX_BODY_BYTES);
    }

    public static <T> T read(ServerRequest req, Class<T> type, int maxBodyBytes) {
        byte[] body = readBytes(req, maxBodyBytes);
        if (body.length == 0) {
            throw ApiException.badRequest("a JSON request body is required", null);
        }
        return parse(body, type);
    }

    /** Parses untrusted JSON into {@code type}, translating Jackson's failures into a clear 400. */
    public static <T> T parse(byte[] body, Class<T> type) {
        try {
            T value = Json.MAPPER.readValue(body, type);
            if (value == null) {
                throw ApiException.badRequest("a JSON object is required", null);
            }
            return value;
        } catch (UnrecognizedPropertyException e) {
            throw ApiException.badRequest("unknown field", fieldPath(e));
        } catch (ValueInstantiationException e) {
            // A record's compact constructor rejected the value: pass its own words on.
            Throwable cause = e.getCause();
            if (cause instanceof ApiException api) {
                throw api;
            }
            String message = cause != null && cause.getMessage() != null ? cause.getMessage() : "invalid value";
            throw ApiException.badRequest(message, fieldPath(e));
        } catch (InvalidFormatException e) {
            throw ApiException.badRequest("invalid value", fieldPath(e));
        } catch (MismatchedInputException e) {
            String field = fieldPath(e);
            throw ApiException.badRequest(field == null ? "a JSON object is required" : "wrong type or missing value", field);
        } catch (JsonMappingException e) {
            throw ApiException.badRequest("invalid JSON value", fieldPath(e));
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("malformed JSON", null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads at most {@code maxBodyBytes}; a larger body is refused with 413 before it is parsed. */
    public static byte[] readBytes(ServerRequest req, int maxBodyBytes) {
        if (!req.content().hasEntity()) {
            return new byte[0];
        }
        long declared = req.headers().contentLength().orElse(-1L);
        if (declared > maxBodyBytes) {
            throw tooLarge(maxBodyBytes);
        }
        try (InputStream in = req.content().inputStream()) {
            byte[] bytes = in.readNBytes(maxBodyBytes + 1);
            if (bytes.length > maxBodyBytes) {
                throw tooLarge(maxBodyBytes);
            }
            return bytes;
        } catch (IOException e) {
            throw ApiException.badRequest("the request body could not be read", null);
        }
    }

    public static void send(ServerResponse res, int status, Object body) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(Json.write(body));
    }

    public static void ok(ServerResponse res, Object body) {
        send(res, 200, body);
    }

    public static void created(ServerResponse res, Object body) {
        send(res, 201, body);
    }

    public static void sendError(ServerResponse res, ApiException e) {
        if (e.retryAfterSeconds() != null) {
            res.header(HeaderNames.RETRY_AFTER, Long.toString(e.retryAfterSeconds()));
        }
        send(res, e.status(), e.body());
    }

    /**
     * Error handlers for a routing: {@link ApiException} as itself, Helidon's request errors as 4xx, anything else
     * as a 500 with no internals in the body. Unmatched paths arrive as Helidon's 404 and get the body too.
     */
    public static HttpRouting.Builder errorHandling(HttpRouting.Builder routing) {
        return errorHandling(routing, (req, res) -> { });
    }

    /**
     * As {@link #errorHandling(HttpRouting.Builder)}, running {@code beforeError} first on every error response
     * (Helidon clears response headers before an error handler runs; CORS puts its headers back here). A thrown 3xx
     * (static content answers a conditional GET with a thrown 304) is sent as the status it is, not as an error.
     */
    public static HttpRouting.Builder errorHandling(HttpRouting.Builder routing,
                                                   BiConsumer<ServerRequest, ServerResponse> beforeError) {
        return routing
                .error(ApiException.class, (req, res, e) -> {
                    beforeError.accept(req, res);
                    sendError(res, e);
                })
                .error(HttpException.class, (req, res, e) -> {
                    beforeError.accept(req, res);
                    int code = e.status().code();
                    if (code < 400) {
                        res.status(e.status()).send();
                        return;
                    }
                    String message = code == 404 ? "no such resource: " + req.path().path()
                            : code == 405 ? "method not allowed" : code < 500 ? "bad request" : "internal error";
                    sendError(res, ApiException.of(code < 600 ? code : 500, message));
                })
                .error(RequestException.class, (req, res, e) -> {
                    beforeError.accept(req, res);
                    int code = e.status().code();
                    String message = code == 413 ? "request body too large" : "bad request";
                    sendError(res, ApiException.of(code >= 400 && code < 500 ? code : 400, message));
                })
                .error(Throwable.class, (req, res, e) -> {
                    beforeError.accept(req, res);
                    LOG.log(System.Logger.Level.ERROR, "unhandled error on " + req.prologue().method().text() + " "
                            + req.path().path(), e);
                    sendError(res, ApiException.of(500, "internal error"));
                });
    }

    /** Direct handlers (requests refused before routing: bad headers, oversized, unparsable) with the error body. */
    public static DirectHandlers directHandlers() {
        DirectHandler handler = (request, eventType, defaultStatus, headers, message) -> {
            int code = defaultStatus.code();
            String text = code == 413 ? "request too large" : code < 500 ? "bad request" : "internal error";
            ErrorCode errorCode = code >= 400 && code < 600 ? ErrorCode.forStatus(code) : ErrorCode.INTERNAL;
            byte[] entity = Json.write(new ErrorBody(List.of(ApiError.of(text).withCode(errorCode))));
            return DirectHandler.TransportResponse.builder()
                    .status(defaultStatus)
                    .headers(headers)
                    .header(HeaderNames.CONTENT_TYPE, HttpMediaTypes.JSON_UTF_8.text())
                    .entity(entity)
                    .build();
        };
        DirectHandlers.Builder builder = DirectHandlers.builder();
        for (DirectHandler.EventType type : DirectHandler.EventType.values()) {
            builder.addHandler(type, handler);
        }
        return builder.build();
    }

    private static ApiException tooLarge(int maxBodyBytes) {
        return ApiException.of(Status.REQUEST_ENTITY_TOO_LARGE_413.code(),
                "request body too large (at most " + maxBodyBytes + " bytes)");
    }

    private static String fieldPath(JsonMappingException e) {
        if (e.getPath() == null || e.getPath().isEmpty()) {
            return null;
        }
        String path = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[");
        return path.isEmpty() ? null : path;
    }
}
