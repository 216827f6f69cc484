package dev.floodgate.distribution;

import dev.floodgate.grid.JvmFlags;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The built distribution folder, run as an operator would: {@code bin/floodgate grid-member} as a real process,
 * configured by environment variables only, its health polled until UP, then stopped with SIGTERM.
 */
class LauncherIT {
    private static final Path DIST = Path.of(System.getProperty("floodgate.dist.dir", "target/floodgate-dist-missing"));
    private static final Path LAUNCHER = DIST.resolve("bin/floodgate");
    private static final Duration START_DEADLINE = Duration.ofSeconds(90);
    private static final Duration STOP_DEADLINE = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void theGridMemberRoleStartsAnswersUpAndLeavesOnSigterm() throws Exception {
        assertThat(LAUNCHER).isExecutable();
        assertThat(DIST.resolve("lib")).isDirectory();
        int httpPort = freePort();
        Path log = Files.createTempFile("grid-member-", ".log");
        ProcessBuilder builder = new ProcessBuilder(LAUNCHER.toString(), "grid-member")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("FLOODGATE_HEAP", "256m");
        env.put("SERVER_PORT", Integer.toString(httpPort));
        env.put("GRID_PORT", Integer.toString(freePort()));
        env.put("GRID_INTERFACE", "127.0.0.1");
        env.put("GRID_CLUSTER_dash_NAME", "launcher-it-" + ProcessHandle.current().pid());
        Process member = builder.start();
        try {
            String ready = "http://127.0.0.1:" + httpPort + "/observe/health/ready";
            HttpResponse<String> health = pollUntilUp(ready, member, log);
            assertThat(health.body()).contains("\"clusterState\":\"ACTIVE\"").contains("\"members\":1");
            assertThat(get("http://127.0.0.1:" + httpPort + "/observe/health/live").statusCode()).isEqualTo(200);
            // The launcher exec'd into java with the JVM flags' one source (lib/jvm-flags.txt, read by JvmFlags too).
            assertThat(DIST.resolve("lib/jvm-flags.txt")).isRegularFile();
            assertThat(member.info().arguments().orElseThrow()).containsAll(JvmFlags.forThisJava());

            member.destroy(); // SIGTERM, as Kubernetes stops a pod
            assertThat(member.waitFor(STOP_DEADLINE.toSeconds(), TimeUnit.SECONDS))
                    .as("stopped within %s; output:%n%s", STOP_DEADLINE, Files.readString(log)).isTrue();
            assertThat(Files.readString(log)).contains("grid member left the cluster");
        } finally {
            if (member.isAlive()) {
                member.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(log);
        }
    }

    @Test
    void anUnknownRoleIsRefusedWithTheListOfRoles() throws Exception {
        Result result = run(List.of(LAUNCHER.toString(), "spaceship"), Map.of());
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.output()).contains("unknown role 'spaceship'").contains("grid-member").contains("stack");
    }

    @Test
    void aJavaOlderThan21IsRefusedClearly() throws Exception {
        Path java17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64");
        assumeTrue(Files.isExecutable(java17.resolve("bin/java")), "no Java 17 at " + java17 + " to try");
        Result result = run(List.of(LAUNCHER.toString(), "grid-member"), Map.of("JAVA_HOME", java17.toString()));
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.output()).contains("is Java 17").contains("needs Java 21 or newer");
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(List<String> command, Map<String, String> env) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), output);
    }

    private static HttpResponse<String> pollUntilUp(String url, Process member, Path log) throws Exception {
        Instant deadline = Instant.now().plus(START_DEADLINE);
        String last = "no answer";
        while (Instant.now().isBefore(deadline)) {
            if (!member.isAlive()) {
                throw new AssertionError("the member exited (" + member.exitValue() + "):\n" + Files.readString(log));
            }
            try {
                HttpResponse<String> response = get(url);
                if (response.statusCode() == 200 && response.body().contains("\"status\":\"UP\"")) {
                    return response;
                }
                last = response.statusCode() + " " + response.body();
            } catch (IOException e) {
                last = e.toString(); // not listening yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError("not UP within " + START_DEADLINE + " (last: " + last + "); output:\n"
                + Files.readString(log));
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
