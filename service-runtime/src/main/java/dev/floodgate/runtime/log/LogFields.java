package dev.floodgate.runtime.log;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Named fields of one log line (the access log's method, status...), passed as a log record's only parameter: the
 * JSON format writes them as fields of the line, the text format appends them as {@code name=value}.
 */
public record LogFields(Map<String, Object> fields) {
    public LogFields {
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** Alternating names and values, in order. */
    public static LogFields of(Object... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values come in pairs");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            m.put(String.valueOf(namesAndValues[i]), namesAndValues[i + 1]);
        }
        return new LogFields(m);
    }
}
