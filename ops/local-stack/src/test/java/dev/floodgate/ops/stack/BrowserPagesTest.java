package dev.floodgate.ops.stack;

import dev.floodgate.runtime.ServiceConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * The fan page and the operator page in a real browser: Debian's Chromium driven by playwright-core
 * ({@code ops/browser-tests/pages.mjs}), against the local stack started exactly as {@code ./floodgate start} starts
 * it, one stack for every scenario. Each test runs one scenario of the script and fails with the script's output
 * (the step that failed, the page's console errors; a screenshot lands in {@code target/browser-tests/}).
 * {@code ops/browser-tests/install.sh} (run by {@code ./floodgate test} first, and here again as a quick check)
 * installs Chromium and playwright-core when missing; {@code -Dfloodgate.browser-tests=off} skips this class.
 */
class BrowserPagesTest {
    private static final Duration SCENARIO_TIMEOUT = Duration.ofMinutes(3);
    private static final Path BROWSER_TESTS = Path.of("..", "browser-tests").toAbsolutePath().normalize();
    private static final Path SCREENSHOTS = Path.of("target", "browser-tests").toAbsolutePath();

    private static LocalStack stack;
    private static StackSettings settings;

    @BeforeAll
    static void start() {
        assumeFalse("off".equals(System.getProperty("floodgate.browser-tests")),
                "browser tests switched off (-Dfloodgate.browser-tests=off)");
        Run install = run(List.of("bash", BROWSER_TESTS.resolve("install.sh").toString()), Map.of(),
                Duration.ofMinutes(10));
        assertThat(install.exitCode()).as("ops/browser-tests/install.sh could not make Chromium and playwright-core"
                + " ready:%n%s", install.output()).isZero();
        // Under target/, not a JUnit temp dir: PostgreSQL runs as an unprivileged user who must reach its folder.
        settings = StackSettings.from(ServiceConfig.load("local-stack.yaml"))
                .onFreePortsIn(Path.of("target", "stack-" + UUID.randomUUID()).toAbsolutePath());
        stack = LocalStack.start(settings, System.out);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aFanOnAPhoneSignsUpSeesTheQueueLiveHoldsAndPays() {
        scenario("fanPaysOnAPhone");
    }

    @Test
    void aDeclinedCardShowsTheFailureAndTheSeatReturns() {
        scenario("declinedCardReturnsTheSeat");
    }

    @Test
    void theSeatPickerHoldsTwoNamedSeatsAndTheTicketsNameThem() {
        scenario("seatPickerNamedSeats");
    }

    @Test
    void onASlowNetworkLateQueueStatusesDoNotResetTheFansPicks() {
        scenario("slowNetworkKeepsTheFansPicks");
    }

    @Test
    void anOperatorSignsInSetsTheQueueAndWatchesLiveFigures() {
        scenario("operatorControlsTheQueue");
    }

    @Test
    void aVisitorTakesAPlaceWithoutAnAccountSignsUpWhileWaitingAndKeepsIt() {
        scenario("queueFirstThenSignUp");
    }

    private static void scenario(String name) {
        Run run = run(List.of("node", BROWSER_TESTS.resolve("pages.mjs").toString(), name), Map.of(
                "FLOODGATE_EDGE_URL", stack.edgeUrl(),
                "FLOODGATE_OPERATOR_USER", settings.operatorUsername(),
                "FLOODGATE_OPERATOR_PASSWORD", settings.operatorPassword(),
                "FLOODGATE_BROWSER_OUT", SCREENSHOTS.toString()), SCENARIO_TIMEOUT);
        assertThat(run.exitCode()).as("browser scenario %s failed:%n%s", name, run.output()).isZero();
    }

    private record Run(int exitCode, String output) {
    }

    /** Runs a command to its end (or kills it and its children at the deadline); echoes and answers its output. */
    private static Run run(List<String> command, Map<String, String> env, Duration timeout) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(BROWSER_TESTS.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        try {
            Files.createDirectories(SCREENSHOTS);
            Process process = builder.start();
            List<String> lines = new ArrayList<>();
            Thread reader = Thread.ofVirtual().start(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        System.out.println(line);
                        synchronized (lines) {
                            lines.add(line);
                        }
                    }
                } catch (IOException e) {
                    // the process went away: what was read is the output
                }
            });
            boolean ended = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!ended) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            reader.join(Duration.ofSeconds(10));
            String output;
            synchronized (lines) {
                output = String.join(System.lineSeparator(), lines);
            }
            return ended ? new Run(process.exitValue(), output)
                    : new Run(-1, output + System.lineSeparator() + "(killed after " + timeout + ")");
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
