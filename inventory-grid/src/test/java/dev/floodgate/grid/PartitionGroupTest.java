package dev.floodgate.grid;

import com.hazelcast.config.Config;
import com.hazelcast.config.PartitionGroupConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code grid.partition-group}: the setting lands in the member's Hazelcast config, and with {@code zone} a backup
 * never shares its primary's zone, so with backup count 1 losing every member of one zone at once loses nothing. (With
 * {@code NONE} the same scenario loses entries: some partitions had both copies in zone a.)
 */
class PartitionGroupTest {
    private static GridSettings member(String cluster, List<Integer> ports, int i, GridSettings.PartitionGroup group,
                                       String zone) {
        GridSettings base = Cluster.member(cluster, ports, i);
        return new GridSettings(base.clusterName(), base.role(), base.members(), base.port(), 1, Duration.ofHours(1),
                new GridSettings.Network("", "", "", 0, group, zone));
    }

    @Test
    void theSettingLandsInTheMemberConfig() {
        List<Integer> ports = List.of(5701);
        Config zone = Grid.memberConfig(member("c", ports, 0, GridSettings.PartitionGroup.ZONE, "zone-a"));
        assertThat(zone.getPartitionGroupConfig().isEnabled()).isTrue();
        assertThat(zone.getPartitionGroupConfig().getGroupType())
                .isEqualTo(PartitionGroupConfig.MemberGroupType.ZONE_AWARE);
        assertThat(zone.getMemberAttributeConfig().getAttribute("hazelcast.partition.group.zone")).isEqualTo("zone-a");
        Config host = Grid.memberConfig(member("c", ports, 0, GridSettings.PartitionGroup.HOST, ""));
        assertThat(host.getPartitionGroupConfig().getGroupType())
                .isEqualTo(PartitionGroupConfig.MemberGroupType.HOST_AWARE);
        assertThat(Grid.memberConfig(Cluster.member("c", ports, 0)).getPartitionGroupConfig().isEnabled()).isFalse();
        assertThatThrownBy(() -> member("c", ports, 0, GridSettings.PartitionGroup.ZONE, " "))
                .hasMessageContaining("grid.zone");
        // A client stores nothing: no zone needed.
        new GridSettings("c", GridSettings.Role.CLIENT, List.of("127.0.0.1:5701"), 0, 1, Duration.ofSeconds(1),
                new GridSettings.Network("", "", "", 0, GridSettings.PartitionGroup.ZONE, ""));
    }

    @Test
    void losingAWholeZoneAtOnceLosesNothing() {
        String cluster = Cluster.name("zones");
        List<Integer> ports = Cluster.freePorts(3);
        String[] zones = {"zone-a", "zone-a", "zone-b"};
        List<HazelcastInstance> members = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                members.add(Hazelcast.newHazelcastInstance(Grid.memberConfig(
                        member(cluster, ports, i, GridSettings.PartitionGroup.ZONE, zones[i]))));
            }
            HazelcastInstance b = members.get(2);
            Cluster.await("3 members", Duration.ofSeconds(60), () -> b.getCluster().getMembers().size() == 3);
            IMap<Integer, Integer> map = b.getMap("zone-test");
            for (int k = 0; k < 2_000; k++) {
                map.put(k, k);
            }
            Cluster.await("backups in place", Duration.ofSeconds(60), () -> b.getPartitionService().isClusterSafe());

            // Zone a goes, both members at once and abruptly (no graceful hand-over).
            members.get(0).getLifecycleService().terminate();
            members.get(1).getLifecycleService().terminate();

            Cluster.await("zone b alone", Duration.ofSeconds(60), () -> b.getCluster().getMembers().size() == 1);
            assertThat(map.size()).isEqualTo(2_000);
            for (int k = 0; k < 2_000; k++) {
                assertThat(map.get(k)).isEqualTo(k);
            }
        } finally {
            members.forEach(m -> m.getLifecycleService().terminate());
        }
    }
}
