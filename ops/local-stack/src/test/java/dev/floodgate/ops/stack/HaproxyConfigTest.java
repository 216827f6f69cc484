package dev.floodgate.ops.stack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The local cluster's HAProxy configuration: valid for HAProxy itself, and its health checks tolerate a busy server. */
class HaproxyConfigTest {
    private static final String CONFIG = HaproxyConfig.render(18080, 18082, 18404,
            Map.of("edge-1", 19001, "edge-2", 19002), Map.of("checkout-1", 19011), Map.of("worker-1", 19021));

    @Test
    void aHealthCheckMayTakeFiveSecondsNotTheOneSecondInterval() {
        assertThat(CONFIG).contains("timeout check 5s").contains("default-server inter 1s fall 3 rise 2");
    }

    @Test
    void aServerMarkedDownKeepsItsOpenSessions() {
        assertThat(CONFIG).doesNotContain("shutdown-sessions");
    }

    @Test
    void haproxyAcceptsTheConfiguration(@TempDir Path dir) throws Exception {
        Path haproxy = Path.of("/usr/sbin/haproxy");
        assumeTrue(Files.isExecutable(haproxy), "HAProxy is installed by ./floodgate start --cluster when missing");
        Path file = dir.resolve("haproxy.cfg");
        Files.writeString(file, CONFIG, StandardCharsets.UTF_8);
        Process p = new ProcessBuilder(haproxy.toString(), "-c", "-f", file.toString()).redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
    }
}
