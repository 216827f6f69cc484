package dev.floodgate.runtime.log;

import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.StreamHandler;

/**
 * Log lines to stderr, written in blocks: a line waits in an 8 KiB buffer for at most {@link #FLUSH_EVERY_MILLIS}
 * (a WARNING or worse is written at once). The JDK's ConsoleHandler writes and flushes every line, one system call
 * per request once every request has an access line: at the edge's tens of thousands of status polls a second that
 * alone is a good part of a core. A crash may lose the last fraction of a second of INFO lines, never data.
 */
public final class BufferedConsoleHandler extends StreamHandler {
    static final long FLUSH_EVERY_MILLIS = 200;

    public BufferedConsoleHandler(Formatter formatter, Level level) {
        super(System.err, formatter);
        setLevel(level);
        Thread flusher = Thread.ofPlatform().daemon(true).name("log-flush").unstarted(() -> {
            while (true) {
                try {
                    Thread.sleep(FLUSH_EVERY_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
                flush();
            }
        });
        flusher.start();
    }

    @Override
    public synchronized void publish(LogRecord record) {
        super.publish(record);
        if (record != null && record.getLevel().intValue() >= Level.WARNING.intValue()) {
            flush();
        }
    }

    /** Flushes instead of closing: stderr is the process's, not ours. */
    @Override
    public synchronized void close() {
        flush();
    }
}
