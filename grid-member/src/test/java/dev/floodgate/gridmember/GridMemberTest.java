package dev.floodgate.gridmember;

import com.hazelcast.config.Config;
import dev.floodgate.grid.Grid;
import dev.floodgate.grid.GridSettings;
import dev.floodgate.grid.catalog.Catalog;
import dev.floodgate.grid.inventory.Inventory;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GridMemberTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void twoMembersFoundByTheirStaticListAnswerReadyWithTheirClusterAndKeepTheServicesMapConfigs() throws Exception {
        int port1 = freePort();
        int port2 = freePort();
        List<String> members = List.of("127.0.0.1:" + port1, "127.0.0.1:" + port2);
        String cluster = "grid-member-test-" + System.nanoTime();
        try (GridMember first = GridMember.start(config(cluster, port1, members));
             GridMember second = GridMember.start(config(cluster, port2, members))) {
            assertThat(first.hazelcast().getCluster().getMembers()).hasSize(2);
            // The dedicated member stores Floodgate's maps exactly as an embedded member would.
            Config used = second.hazelcast().getConfig();
            assertThat(used.getMapConfig(Inventory.MAP).getBackupCount()).isEqualTo(1);
            assertThat(used.getMapConfig(Inventory.MAP).getInMemoryFormat().name()).isEqualTo("OBJECT");
            assertThat(used.getMapConfig(Catalog.MAP).getBackupCount()).isEqualTo(1);

            // Ready once the second member's arrival has been absorbed: partitions migrated, backups in sync.
            HttpResponse<String> ready = pollUntilReady(first.url() + "/observe/health/ready");
            assertThat(ready.body()).contains("\"status\":\"UP\"").contains("\"clusterState\":\"ACTIVE\"")
                    .contains("\"members\":2");
            assertThat(get(second.url() + "/observe/health/live").statusCode()).isEqualTo(200);
            assertThat(get(second.url() + "/observe/metrics").body()).contains("jvm_");

            // A service configured as a client (grid.role: client + grid.members) reaches the data through them.
            try (Grid client = Grid.start(new GridSettings(cluster, GridSettings.Role.CLIENT, members, 0, 1,
                    Duration.ofSeconds(1)))) {
                client.hazelcast().getMap("grid-member-test").put("k", "v");
                assertThat(first.hazelcast().getMap("grid-member-test").get("k")).isEqualTo("v");
            }
        }
    }

    /**
     * Helidon's web server installs a JVM-wide Java deserialization filter ("!*" unless configured); Hazelcast sends an
     * operation's exception back in Java serialization. Without inventory-grid's serial-config.properties the
     * response was dropped and the caller hung until the invocation timed out.
     */
    @Test
    void anExceptionThrownOnTheOtherMemberReachesTheCaller() throws Exception {
        int port1 = freePort();
        int port2 = freePort();
        List<String> members = List.of("127.0.0.1:" + port1, "127.0.0.1:" + port2);
        String cluster = "grid-member-errors-" + System.nanoTime();
        try (GridMember first = GridMember.start(config(cluster, port1, members));
             GridMember second = GridMember.start(config(cluster, port2, members))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!first.hazelcast().getPartitionService().isClusterSafe() && System.nanoTime() < deadline) {
                Thread.sleep(200); // until the second member owns its share of the partitions
            }
            assertThat(first.hazelcast().getPartitionService().isClusterSafe())
                    .as("the two members settled their partitions within 60 s").isTrue();
            var other = second.hazelcast().getCluster().getLocalMember();
            String key = java.util.stream.IntStream.range(0, 1_000).mapToObj(i -> "key-" + i)
                    .filter(k -> other.equals(first.hazelcast().getPartitionService().getPartition(k).getOwner()))
                    .findFirst().orElseThrow();
            var map = first.hazelcast().<String, String>getMap("grid-member-errors");
            var answer = map.submitToKey(key, new Fails()).toCompletableFuture();
            assertThatThrownBy(() -> answer.get(20, java.util.concurrent.TimeUnit.SECONDS))
                    .isInstanceOf(java.util.concurrent.ExecutionException.class)
                    .hasRootCauseInstanceOf(IllegalStateException.class)
                    .rootCause().hasMessageContaining("refused on purpose");
        }
    }

    /** Runs on the key's owner and throws there. */
    record Fails() implements com.hazelcast.map.EntryProcessor<String, String, String> {
        @Override
        public String process(Map.Entry<String, String> entry) {
            throw new IllegalStateException("refused on purpose");
        }
    }

    @Test
    void kubernetesDiscoveryIsHazelcastsDnsLookupOfTheHeadlessService() {
        GridSettings settings = new GridSettings("floodgate", GridSettings.Role.MEMBER, List.of(), 5701, 1,
                Duration.ofSeconds(1), new GridSettings.Network("", "", "floodgate-grid.floodgate.svc.cluster.local",
                5701));
        Config config = Grid.memberConfig(settings);
        var join = config.getNetworkConfig().getJoin();
        assertThat(join.getKubernetesConfig().isEnabled()).isTrue();
        assertThat(join.getKubernetesConfig().getProperty("service-dns"))
                .isEqualTo("floodgate-grid.floodgate.svc.cluster.local");
        assertThat(join.getKubernetesConfig().getProperty("service-port")).isEqualTo("5701");
        assertThat(join.getTcpIpConfig().isEnabled()).isFalse();
        assertThat(join.getMulticastConfig().isEnabled()).isFalse();

        assertThatThrownBy(() -> new GridSettings("floodgate", GridSettings.Role.MEMBER, List.of("10.0.0.1:5701"),
                5701, 1, Duration.ofSeconds(1), settings.network()))
                .hasMessageContaining("either grid.members or grid.kubernetes.service-dns");
    }

    @Test
    void theBindInterfaceAndPublicAddressReachHazelcast() {
        GridSettings settings = GridSettings.from(io.helidon.config.Config.just(ConfigSources.create(Map.of(
                "grid.interface", "10.1.*.*", "grid.public-address", "203.0.113.7:5701"))).get("grid"));
        Config config = Grid.memberConfig(settings);
        assertThat(config.getNetworkConfig().getInterfaces().isEnabled()).isTrue();
        assertThat(config.getNetworkConfig().getInterfaces().getInterfaces()).containsExactly("10.1.*.*");
        assertThat(config.getProperty("hazelcast.socket.bind.any")).isEqualTo("false");
        assertThat(config.getNetworkConfig().getPublicAddress()).isEqualTo("203.0.113.7:5701");
    }

    @Test
    void thePartitionGroupAndZoneReachHazelcast() {
        GridSettings zoned = GridSettings.from(io.helidon.config.Config.just(ConfigSources.create(Map.of(
                "grid.partition-group", "zone", "grid.zone", "eu-west-1b"))).get("grid"));
        assertThat(zoned.network().partitionGroup()).isEqualTo(GridSettings.PartitionGroup.ZONE);
        Config config = Grid.memberConfig(zoned);
        assertThat(config.getPartitionGroupConfig().isEnabled()).isTrue();
        assertThat(config.getPartitionGroupConfig().getGroupType())
                .isEqualTo(com.hazelcast.config.PartitionGroupConfig.MemberGroupType.ZONE_AWARE);
        assertThat(config.getMemberAttributeConfig().getAttribute("hazelcast.partition.group.zone"))
                .isEqualTo("eu-west-1b");

        Config host = Grid.memberConfig(GridSettings.from(io.helidon.config.Config.just(ConfigSources.create(
                Map.of("grid.partition-group", "host"))).get("grid")));
        assertThat(host.getPartitionGroupConfig().isEnabled()).isTrue();
        assertThat(host.getPartitionGroupConfig().getGroupType())
                .isEqualTo(com.hazelcast.config.PartitionGroupConfig.MemberGroupType.HOST_AWARE);

        // The default (and the grid-member.yaml default): Hazelcast's own, any other member.
        Config none = Grid.memberConfig(GridSettings.from(io.helidon.config.Config.just(ConfigSources.create(
                Map.of("grid.port", "5701"))).get("grid")));
        assertThat(none.getPartitionGroupConfig().isEnabled()).isFalse();

        assertThatThrownBy(() -> GridSettings.from(io.helidon.config.Config.just(ConfigSources.create(Map.of(
                "grid.partition-group", "zone"))).get("grid")))
                .hasMessageContaining("grid.zone");
    }

    @Test
    void aClientRoleIsRefused() {
        assertThatThrownBy(() -> GridMember.start(io.helidon.config.Config.just(ConfigSources.create(Map.of(
                "grid.role", "client", "grid.members", "127.0.0.1:5701")))))
                .hasMessageContaining("always a member");
    }

    private static io.helidon.config.Config config(String cluster, int gridPort, List<String> members) {
        Map<String, String> values = new java.util.HashMap<>(Map.of(
                "server.port", "0",
                "grid.cluster-name", cluster,
                "grid.port", Integer.toString(gridPort),
                "grid.interface", "127.0.0.1",
                "grid.graceful-shutdown-max-wait-millis", "30000"));
        for (int i = 0; i < members.size(); i++) {
            values.put("grid.members." + i, members.get(i));
        }
        return io.helidon.config.Config.just(ConfigSources.create(values),
                ConfigSources.classpath(GridMember.DEFAULTS_RESOURCE));
    }

    private static HttpResponse<String> pollUntilReady(String url) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        HttpResponse<String> last = get(url);
        while (last.statusCode() != 200 && System.nanoTime() < deadline) {
            Thread.sleep(200);
            last = get(url);
        }
        assertThat(last.statusCode()).as(last.body()).isEqualTo(200);
        return last;
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A free port below the ephemeral range (32768+), so no outgoing connection can take it before a member binds. */
    private static int freePort() throws IOException {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int tries = 0; tries < 1_000; tries++) {
            try (ServerSocket socket = new ServerSocket(random.nextInt(20_000, 32_768), 1,
                    java.net.InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException taken) {
                // in use: draw another
            }
        }
        throw new IOException("no free port found in 20000-32767");
    }
}
