package dev.floodgate.runtime.log;

import java.time.Instant;
import java.util.Map;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * One JSON object per line: {@code time} (ISO-8601, UTC), {@code level}, {@code service}, {@code logger},
 * {@code requestId} (when a request or message is in scope, {@link RequestId#current()}), {@code message} (scrubbed,
 * {@link Redact#scrub}), the record's {@link LogFields}, and {@code error}/{@code stack} for a throwable.
 *
 * <p>{@code service} comes from the logger's package ({@code dev.floodgate.checkout...} is checkout), so the
 * all-in-one stack, one JVM for every service, still says which service wrote a line; else the process's own name.
 */
public final class JsonLogFormatter extends Formatter {
    /** A stack beyond this many frames says nothing a reader needs and bloats the line. */
    static final int MAX_STACK_FRAMES = 30;
    private static final Map<String, String> SERVICES = new java.util.LinkedHashMap<>();

    static {
        SERVICES.put("floodgate.access.", null); // the service is the rest of the logger's name
        SERVICES.put("dev.floodgate.edge.", "queue-edge");
        SERVICES.put("dev.floodgate.checkout.", "checkout");
        SERVICES.put("dev.floodgate.worker.", "payment-worker");
        SERVICES.put("dev.floodgate.ops.simulator.", "simulator");
        SERVICES.put("dev.floodgate.gridmember.", "grid-member");
        SERVICES.put("dev.floodgate.grid.", "inventory-grid");
    }

    private final String processService;

    public JsonLogFormatter(String processService) {
        this.processService = processService;
    }

    static String serviceOf(String logger, String fallback) {
        if (logger != null) {
            for (Map.Entry<String, String> e : SERVICES.entrySet()) {
                if (logger.startsWith(e.getKey())) {
                    return e.getValue() != null ? e.getValue() : logger.substring(e.getKey().length());
                }
            }
        }
        return fallback;
    }

    @Override
    public String format(LogRecord r) {
        StringBuilder b = new StringBuilder(256).append('{');
        field(b, "time", Instant.ofEpochMilli(r.getMillis()).toString());
        field(b, "level", r.getLevel().getName());
        field(b, "service", serviceOf(r.getLoggerName(), processService));
        field(b, "logger", r.getLoggerName());
        RequestId.current().ifPresent(id -> field(b, "requestId", id));
        LogFields fields = fieldsOf(r);
        field(b, "message", Redact.scrub(fields != null ? r.getMessage() : formatMessage(r)));
        if (fields != null) {
            fields.fields().forEach((k, v) -> {
                if (v instanceof Number || v instanceof Boolean) {
                    b.append(",\"").append(escape(k)).append("\":").append(v);
                } else if (v != null) {
                    field(b, k, Redact.scrub(String.valueOf(v)));
                }
            });
        }
        Throwable t = r.getThrown();
        if (t != null) {
            field(b, "error", Redact.scrub(t.getClass().getName() + ": " + t.getMessage()));
            StringBuilder stack = new StringBuilder();
            StackTraceElement[] frames = t.getStackTrace();
            for (int i = 0; i < Math.min(frames.length, MAX_STACK_FRAMES); i++) {
                stack.append(frames[i]).append('\n');
            }
            for (Throwable cause = t.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
                stack.append("caused by ").append(cause.getClass().getName()).append(": ")
                        .append(cause.getMessage()).append('\n');
            }
            field(b, "stack", Redact.scrub(stack.toString()));
        }
        return b.append("}\n").toString();
    }

    static LogFields fieldsOf(LogRecord r) {
        Object[] params = r.getParameters();
        return params != null && params.length == 1 && params[0] instanceof LogFields f ? f : null;
    }

    private static void field(StringBuilder b, String name, String value) {
        if (b.length() > 1) {
            b.append(',');
        }
        b.append('"').append(escape(name)).append("\":");
        if (value == null) {
            b.append("null");
        } else {
            b.append('"').append(escape(value)).append('"');
        }
    }

    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
