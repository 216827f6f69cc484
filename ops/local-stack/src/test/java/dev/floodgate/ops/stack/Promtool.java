package dev.floodgate.ops.stack;

import org.junit.jupiter.api.Assumptions;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Debian's Prometheus tools for the observability tests: {@code ops/observability/install.sh} installs the package
 * when {@code promtool} or {@code prometheus} is missing (apt-get, as root). A machine where apt cannot run skips those
 * tests and says why; a failed install fails them.
 */
final class Promtool {
    static final Path OBSERVABILITY = Path.of("..", "observability").toAbsolutePath().normalize();

    record Run(int exitCode, String output) {
    }

    private Promtool() {
    }

    /** Installs the tools when missing; skips the calling test (printing why) only when apt cannot run here. */
    static void ready() {
        Run install = run(List.of("bash", OBSERVABILITY.resolve("install.sh").toString()), null, Duration.ofMinutes(5));
        System.out.println(install.output());
        if (install.exitCode() == 2) {
            System.out.println("SKIPPED: Prometheus tools cannot be installed here: " + install.output());
            Assumptions.abort("Prometheus tools cannot be installed here (no apt-get as root): " + install.output());
        }
        assertThat(install.exitCode()).as("ops/observability/install.sh failed:%n%s", install.output()).isZero();
    }

    /** {@code promtool <args>}, in ops/observability, with {@code stdin} piped in when given. */
    static Run promtool(String stdin, String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("promtool"));
        command.addAll(List.of(args));
        return run(command, stdin, Duration.ofMinutes(1));
    }

    /** Runs a command to its end (killed at the deadline): exit code and output (stdout and stderr together). */
    static Run run(List<String> command, String stdin, Duration timeout) {
        try {
            Process process = new ProcessBuilder(command).directory(OBSERVABILITY.toFile()).redirectErrorStream(true)
                    .start();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Thread reader = Thread.ofVirtual().start(() -> {
                try (InputStream in = process.getInputStream()) {
                    in.transferTo(out);
                } catch (IOException e) {
                    // the process went away: what was read is the output
                }
            });
            try (var in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            reader.join(Duration.ofSeconds(10));
            String output = out.toString(StandardCharsets.UTF_8).strip();
            return new Run(process.isAlive() ? -1 : process.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
