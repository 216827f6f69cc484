package dev.floodgate.loadtests;

import io.gatling.app.Gatling$;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole drop, small, in every build: {@link FullDropSimulation} with {@value #FANS} fans for {@value #TICKETS}
 * tickets, run by Gatling in this JVM against the local stack started as its own process, exactly as
 * {@code ./floodgate start} runs it (the stack's class path is the one the build wrote for that command).
 *
 * <p>The simulation's own assertions decide: no failed request (so no 5xx), every ticket sold, 0 oversold and the
 * counters adding up, every order final, the payment audit ok, every fan ending ADMITTED or SOLD_OUT, and waiting fans
 * learning SOLD_OUT within 30 s. Its latency bounds (join and status p99) are lifted here: a shared 2-core CI machine
 * is no place to time anything; `./floodgate load full-drop` measures them (docs/benchmarks.md).
 */
class SmallFullDropTest {
    static final int FANS = 400;
    static final int TICKETS = 20;
    private static final Duration STACK_START = Duration.ofMinutes(4);
    private static final Duration STACK_STOP = Duration.ofSeconds(60);
    private static final Path BASE = Path.of("").toAbsolutePath();
    private static final Path STACK = BASE.resolveSibling("ops").resolve("local-stack").resolve("target");

    @Test
    void aSmallDropSellsEveryTicketOnceAndEveryFanEndsAdmittedOrSoldOut() throws Exception {
        Path classpathFile = STACK.resolve("local-stack.classpath");
        assertThat(classpathFile).as("the local stack's class path, written by the build of ops/local-stack "
                + "(run the whole build: ./floodgate test)").isRegularFile();
        StackClasses stackClasses = new StackClasses(classpathFile);
        Set<Integer> taken = new HashSet<>();
        int edge = stackClasses.freePort(taken);
        int checkout = stackClasses.freePort(taken);
        int worker = stackClasses.freePort(taken);
        int simulator = stackClasses.freePort(taken);
        int idp = stackClasses.freePort(taken);
        Path logs = BASE.resolve("target").resolve("small-full-drop");
        Path data = logs.resolve("data");
        deleteTree(data);
        Files.createDirectories(logs);

        Map<String, String> env = new LinkedHashMap<>();
        env.put("STACK_EDGE_dash_PORT", Integer.toString(edge));
        env.put("STACK_CHECKOUT_dash_PORT", Integer.toString(checkout));
        env.put("STACK_WORKER_dash_PORT", Integer.toString(worker));
        env.put("STACK_SIMULATOR_dash_PORT", Integer.toString(simulator));
        env.put("STACK_DEMO_dash_EVENT", "false");
        env.put("TOKEN_EXTERNAL_dash_ISSUERS_0_NAME", "loadidp");
        env.put("TOKEN_EXTERNAL_dash_ISSUERS_0_ISSUER", "https://load-idp.floodgate.test/");
        env.put("TOKEN_EXTERNAL_dash_ISSUERS_0_AUDIENCE", "floodgate-load");
        env.put("TOKEN_EXTERNAL_dash_ISSUERS_0_JWKS_dash_URL", "http://127.0.0.1:" + idp + "/jwks.json");
        Process stack = startStack(classpathFile, stackClasses.jvmFlags(), data, env, logs.resolve("stack.log"));
        try {
            for (int port : List.of(simulator, edge, checkout, worker)) {
                awaitHealthy(stack, port, logs.resolve("stack.log"));
            }
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put("floodgate.edgeUrl", "http://127.0.0.1:" + edge);
            settings.put("floodgate.checkoutUrl", "http://127.0.0.1:" + checkout);
            settings.put("floodgate.workerUrl", "http://127.0.0.1:" + worker);
            settings.put("floodgate.providerUrl", "http://127.0.0.1:" + simulator);
            settings.put("floodgate.idp.port", Integer.toString(idp));
            settings.put("floodgate.fans", Integer.toString(FANS));
            settings.put("floodgate.capacity", Integer.toString(TICKETS));
            settings.put("floodgate.arrivalSeconds", "20");
            settings.put("floodgate.openAfterSeconds", "5");
            settings.put("floodgate.holdTtlSeconds", "15");
            settings.put("floodgate.thinkMinMillis", "300");
            settings.put("floodgate.thinkMaxMillis", "1500");
            settings.put("floodgate.abandonPercent", "20");
            settings.put("floodgate.anonymousShare", "10");
            settings.put("floodgate.signUpAfterMinMillis", "500");
            settings.put("floodgate.signUpAfterMaxMillis", "3000");
            settings.put("floodgate.maxWaitSeconds", "240");
            settings.put("floodgate.soldOutRetryMinMillis", "2000");
            settings.put("floodgate.soldOutRetryMaxMillis", "5000");
            settings.put("floodgate.joinP99Millis", "600000");
            settings.put("floodgate.statusP99Millis", "600000");
            settings.forEach(System::setProperty);
            // CI shows a failed test's message, not the run's output: keep the simulation's summary and the failed
            // assertions for it.
            try (Summary summary = Summary.capture()) {
                int exit = Gatling$.MODULE$.fromArgs(new String[] {
                        "-s", FullDropSimulation.class.getName(),
                        "-rf", BASE.resolve("target").resolve("gatling").toString()});
                assertThat(exit).as("Gatling's exit code (0: every assertion held; its report is under target/gatling, "
                        + "the stack's log at " + logs.resolve("stack.log") + "); the run said:%n%s",
                        summary.text()).isZero();
            }
        } finally {
            stop(stack);
        }
    }

    /** The stack's JVM as {@code ./floodgate start} runs it (same flags), its output to {@code log}. */
    private static Process startStack(Path classpathFile, List<String> jvmFlags, Path data, Map<String, String> env,
                                      Path log)
            throws IOException {
        String classpath = STACK.resolve("classes") + ":" + Files.readString(classpathFile).strip();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-Xmx1g"));
        // What Hazelcast asks for (the same file ./floodgate start and the distribution's launcher read).
        command.addAll(jvmFlags);
        command.addAll(List.of("-Dfloodgate.data-dir=" + data, "-cp", classpath, "dev.floodgate.ops.stack.LocalStack"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile()).directory(BASE.getParent().toFile());
        builder.environment().putAll(env);
        return builder.start();
    }

    private static void awaitHealthy(Process stack, int port, Path log) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/health"))
                .timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + STACK_START.toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(stack.isAlive()).as("the stack stopped while starting; its log: " + log).isTrue();
            try {
                if (client.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            stack.waitFor(500, TimeUnit.MILLISECONDS);
        }
        throw new AssertionError("port " + port + " of the stack was not healthy within " + STACK_START + "; log: " + log);
    }

    private static void stop(Process stack) throws InterruptedException {
        stack.destroy();
        if (!stack.waitFor(STACK_STOP.toSeconds(), TimeUnit.SECONDS)) {
            stack.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /**
     * The stack's own helpers, from its class path (this module depends on none of Floodgate's: {@code ./floodgate
     * load} builds it alone, and the stack's libraries stay off Gatling's class path): the JVM flags' one source
     * (inventory-grid's JvmFlags) and ops/local-engines' ProcessSupport.freePort.
     */
    private static final class StackClasses {
        private final ClassLoader loader;

        StackClasses(Path classpathFile) throws IOException {
            List<URL> urls = new ArrayList<>();
            urls.add(STACK.resolve("classes").toUri().toURL());
            for (String entry : Files.readString(classpathFile).strip().split(":")) {
                urls.add(Path.of(entry).toUri().toURL());
            }
            loader = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
        }

        @SuppressWarnings("unchecked")
        List<String> jvmFlags() throws ReflectiveOperationException {
            return (List<String>) call("dev.floodgate.grid.JvmFlags", "forThisJava");
        }

        /** A free port below the ephemeral range (32768+), none of those already {@code taken}. */
        int freePort(Set<Integer> taken) throws ReflectiveOperationException {
            for (int attempt = 0; attempt < 100; attempt++) {
                int port = (int) call("dev.floodgate.engines.support.ProcessSupport", "freePort");
                if (taken.add(port)) {
                    return port;
                }
            }
            throw new IllegalStateException("no free port that this run has not taken yet");
        }

        private Object call(String className, String method) throws ReflectiveOperationException {
            return Class.forName(className, true, loader).getMethod(method).invoke(null);
        }
    }

    /**
     * Tees {@code System.out} while open, keeping the simulation's own lines ("floodgate: ...") and Gatling's failed
     * assertions ("... : false (actual : ...)"), each cut at {@value #LINE_MAX} characters, at most {@value #LINES_MAX}.
     */
    private static final class Summary extends OutputStream implements AutoCloseable {
        private static final int LINE_MAX = 800;
        private static final int LINES_MAX = 40;
        private final PrintStream original = System.out;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private final List<String> kept = new ArrayList<>();

        static Summary capture() {
            Summary summary = new Summary();
            System.setOut(new PrintStream(summary, true, UTF_8));
            return summary;
        }

        @Override
        public synchronized void write(int b) {
            original.write(b);
            scan(b);
        }

        @Override
        public synchronized void write(byte[] bytes, int offset, int length) {
            original.write(bytes, offset, length);
            for (int i = offset; i < offset + length; i++) {
                scan(bytes[i]);
            }
        }

        private void scan(int b) {
            if (b == '\n') {
                keep(line.toString(UTF_8));
                line.reset();
            } else if (line.size() < LINE_MAX) {
                line.write(b);
            }
        }

        private void keep(String text) {
            if (kept.size() < LINES_MAX && (text.startsWith("floodgate:") || text.contains(": false (actual"))) {
                kept.add(text.stripTrailing());
            }
        }

        synchronized String text() {
            return String.join(System.lineSeparator(), kept);
        }

        @Override
        public void close() {
            System.out.flush();
            System.setOut(original);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
