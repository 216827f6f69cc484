package dev.floodgate.runtime.log;

import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/** {@code logging.format: text}, for a person at a terminal: time, level, service, request id, message, fields. */
public final class TextLogFormatter extends Formatter {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    private final String processService;

    public TextLogFormatter(String processService) {
        this.processService = processService;
    }

    @Override
    public String format(LogRecord r) {
        StringBuilder b = new StringBuilder(160)
                .append(LocalTime.ofInstant(r.getInstant(), ZoneOffset.UTC).format(TIME)).append(' ')
                .append(r.getLevel().getName()).append(' ')
                .append(JsonLogFormatter.serviceOf(r.getLoggerName(), processService));
        RequestId.current().ifPresent(id -> b.append(" [").append(id).append(']'));
        LogFields fields = JsonLogFormatter.fieldsOf(r);
        b.append(": ").append(Redact.scrub(fields != null ? r.getMessage() : formatMessage(r)));
        if (fields != null) {
            fields.fields().forEach((k, v) -> b.append(' ').append(k).append('=').append(Redact.scrub(String.valueOf(v))));
        }
        if (r.getThrown() != null) {
            b.append(" | ").append(Redact.scrub(String.valueOf(r.getThrown())));
        }
        return b.append('\n').toString();
    }
}
