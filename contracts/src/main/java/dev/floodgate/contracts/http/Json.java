package dev.floodgate.contracts.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.cfg.MutableCoercionConfig;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The one JSON mapper of Floodgate: strict on input, ISO-8601 times on output. Strict means unknown fields are an
 * error and a value must have the JSON type of its field: a number field takes a JSON number only (an integer field
 * an integer within its range: {@code "1"}, {@code 1.5}, {@code 1e2}, {@code true} and 9999999999 for an int are
 * refused, never coerced, truncated or wrapped), a boolean field a JSON boolean, a text field a JSON string, and a
 * primitive never takes {@code null}. Jackson's defaults would read {@code "quantity": "1"} or {@code 1.5} as 1.
 */
public final class Json {
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .withCoercionConfig(LogicalType.Integer, c -> refuse(c, CoercionInputShape.String,
                    CoercionInputShape.EmptyString, CoercionInputShape.Float, CoercionInputShape.Boolean))
            // A decimal field takes an integer (45 is 45.0), nothing else.
            .withCoercionConfig(LogicalType.Float, c -> refuse(c, CoercionInputShape.String,
                    CoercionInputShape.EmptyString, CoercionInputShape.Boolean))
            .withCoercionConfig(LogicalType.Boolean, c -> refuse(c, CoercionInputShape.String,
                    CoercionInputShape.EmptyString, CoercionInputShape.Integer, CoercionInputShape.Float))
            .withCoercionConfig(LogicalType.Textual, c -> refuse(c, CoercionInputShape.Integer,
                    CoercionInputShape.Float, CoercionInputShape.Boolean))
            // An enum by its name only: 0 is not the first constant.
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    private Json() {
    }

    private static void refuse(MutableCoercionConfig config, CoercionInputShape... shapes) {
        config.setAcceptBlankAsEmpty(false);
        for (CoercionInputShape shape : shapes) {
            config.setCoercion(shape, CoercionAction.Fail);
        }
    }

    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    public static String writeString(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** Reads trusted JSON (our own messages, a provider's reply); request bodies go through {@link JsonHttp#read}. */
    public static <T> T read(byte[] json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + type.getSimpleName() + " from JSON", e);
        }
    }

    public static <T> T read(String json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + type.getSimpleName() + " from JSON", e);
        }
    }
}
