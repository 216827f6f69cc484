package dev.floodgate.grid;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hazelcast open source admits any process that knows the cluster name and reaches the port, so the name is kept
 * like a secret: not in the settings' text, not in the grid's log lines.
 */
class ClusterNameTest {
    private static final String SECRET_NAME = "cluster-name-" + Long.toHexString(System.nanoTime()) + "-secret";

    @Test
    void theSettingsNeverPrintTheClusterName() {
        GridSettings settings = new GridSettings(SECRET_NAME, GridSettings.Role.MEMBER, List.of(), 0, 1,
                Duration.ofSeconds(1));
        assertThat(settings.toString()).doesNotContain(SECRET_NAME).contains("MEMBER");
    }

    @Test
    void theLogLinesOfAMemberAndItsClientDoNotCarryTheClusterName() {
        List<String> lines = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                lines.add(String.valueOf(r.getMessage()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger hazelcast = Logger.getLogger("com.hazelcast");
        hazelcast.addHandler(capture);
        HazelcastInstance member = Hazelcast.newHazelcastInstance(Grid.memberConfig(
                GridSettings.embedded(SECRET_NAME)));
        try {
            member.getMap("probe").put("k", "v");
            var client = com.hazelcast.client.HazelcastClient.newHazelcastClient(Grid.clientConfig(new GridSettings(
                    SECRET_NAME, GridSettings.Role.CLIENT, List.of(member.getCluster().getLocalMember().getAddress()
                    .getHost() + ":" + member.getCluster().getLocalMember().getAddress().getPort()), 0, 1,
                    Duration.ofSeconds(1))));
            assertThat(client.getMap("probe").get("k")).isEqualTo("v");
            client.shutdown();
            assertThat(lines).as("Hazelcast logged while starting").isNotEmpty();
            assertThat(lines).noneMatch(line -> line.contains(SECRET_NAME));
        } finally {
            member.shutdown();
            hazelcast.removeHandler(capture);
        }
    }
}
