package dev.floodgate.runtime.log;

import io.helidon.config.Config;

import java.util.Locale;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Installs a process's log format, once, from its {@code main} (never from a server's start: tests run several
 * servers in one JVM). {@code logging.format}: {@code json} (default: one object per line, {@link JsonLogFormatter})
 * or {@code text}. {@code logging.levels.<logger>: WARNING} sets a logger's level. A JVM started with
 * {@code -Djava.util.logging.config.file} keeps that file's handlers and levels; only their format changes, and a
 * console handler becomes a {@link BufferedConsoleHandler}.
 */
public final class Logs {
    /** java.util.logging holds loggers weakly: one collected forgets the level set here. */
    private static final java.util.List<Logger> CONFIGURED = new java.util.concurrent.CopyOnWriteArrayList<>();

    private Logs() {
    }

    /** Sets {@code logger}'s level and keeps the logger, so the level stays. */
    public static void level(String logger, Level level) {
        Logger l = Logger.getLogger(logger);
        l.setLevel(level);
        CONFIGURED.add(l);
    }

    public static void install(Config root, String service) {
        String format = root.get("logging.format").asString().orElse("json").toLowerCase(Locale.ROOT);
        Formatter formatter = switch (format) {
            case "json" -> new JsonLogFormatter(service);
            case "text" -> new TextLogFormatter(service);
            default -> throw new IllegalArgumentException("logging.format must be json or text, not " + format);
        };
        Logger rootLogger = Logger.getLogger("");
        boolean console = rootLogger.getHandlers().length == 0;
        for (Handler h : rootLogger.getHandlers()) {
            if (h instanceof ConsoleHandler) {
                // Same place and level, written in blocks (BufferedConsoleHandler says why).
                rootLogger.removeHandler(h);
                console = true;
            } else {
                h.setFormatter(formatter);
            }
        }
        if (console) {
            rootLogger.addHandler(new BufferedConsoleHandler(formatter, Level.ALL));
        }
        AccessLog.logSuccessfulReads(root.get("logging.access-log.reads").asBoolean().orElse(false));
        root.get("logging.levels").asMap().ifPresent(levels -> levels.forEach((name, level) ->
                level(name, Level.parse(level.toUpperCase(Locale.ROOT)))));
    }
}
