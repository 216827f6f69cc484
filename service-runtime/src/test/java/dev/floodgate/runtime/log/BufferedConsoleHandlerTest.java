package dev.floodgate.runtime.log;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.assertj.core.api.Assertions.assertThat;

class BufferedConsoleHandlerTest {
    private final PrintStream realErr = System.err;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private BufferedConsoleHandler handler;

    @BeforeEach
    void captureStderr() {
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        handler = new BufferedConsoleHandler(new JsonLogFormatter("spec"), Level.ALL);
    }

    @AfterEach
    void restoreStderr() {
        handler.close();
        System.setErr(realErr);
    }

    private String written() {
        synchronized (captured) {
            return captured.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void aWarningIsWrittenAtOnceAfterTheLinesBeforeIt() {
        handler.publish(new LogRecord(Level.INFO, "first"));
        handler.publish(new LogRecord(Level.WARNING, "second"));
        assertThat(written()).contains("\"message\":\"first\"").contains("\"message\":\"second\"");
        assertThat(written().indexOf("first")).isLessThan(written().indexOf("second"));
    }

    @Test
    void anInfoLineIsWrittenWithinTheFlushInterval() {
        handler.publish(new LogRecord(Level.INFO, "waiting line"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!written().contains("waiting line") && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(written()).contains("waiting line");
    }
}
