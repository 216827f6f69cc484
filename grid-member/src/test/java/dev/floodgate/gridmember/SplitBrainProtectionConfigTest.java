package dev.floodgate.gridmember;

import com.hazelcast.config.Config;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.SplitBrainProtectionConfig;
import com.hazelcast.spi.merge.DiscardMergePolicy;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionOn;
import dev.floodgate.grid.Grid;
import dev.floodgate.grid.GridSettings;
import dev.floodgate.grid.inventory.Inventory;
import dev.floodgate.grid.queue.QueueState;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code grid.split-brain-protection.min-cluster-size} reaches the members' Hazelcast config (no cluster started). */
class SplitBrainProtectionConfigTest {
    private static final List<String> PROTECTED = List.of(Inventory.MAP, QueueState.MAP, QueueState.SPOTS_MAP,
            QueueState.TOOK_MAP);

    @Test
    void aMinimumClusterSizeProtectsTheStockAndQueueMapsAndTheyMergeByDiscardingTheMinority() {
        GridSettings settings = GridSettings.from(io.helidon.config.Config.just(ConfigSources.create(Map.of(
                "grid.split-brain-protection.min-cluster-size", "2"))).get("grid"));
        assertThat(settings.splitBrainMinClusterSize()).isEqualTo(2);
        Config config = Grid.memberConfig(settings);

        SplitBrainProtectionConfig protection = config.getSplitBrainProtectionConfig(Grid.SPLIT_BRAIN_PROTECTION);
        assertThat(protection.isEnabled()).isTrue();
        assertThat(protection.getMinimumClusterSize()).isEqualTo(2);
        assertThat(protection.getProtectOn()).isEqualTo(SplitBrainProtectionOn.READ_WRITE);
        for (String map : PROTECTED) {
            MapConfig mapConfig = config.findMapConfig(map.replace("*", "demo"));
            assertThat(mapConfig.getSplitBrainProtectionName()).as(map).isEqualTo(Grid.SPLIT_BRAIN_PROTECTION);
            assertThat(mapConfig.getMergePolicyConfig().getPolicy()).as(map)
                    .isEqualTo(DiscardMergePolicy.class.getName());
        }
        // What the services' maps were before stays: format and backups.
        assertThat(config.findMapConfig(Inventory.MAP).getBackupCount()).isEqualTo(1);
    }

    @Test
    void offByDefaultForTheLoneEmbeddedMember() {
        Config config = Grid.memberConfig(GridSettings.embedded("floodgate"));
        assertThat(config.getSplitBrainProtectionConfigs()).isEmpty();
        assertThat(config.findMapConfig(Inventory.MAP).getSplitBrainProtectionName()).isNull();
        assertThat(GridSettings.from(io.helidon.config.Config.just(ConfigSources.create(Map.of()))
                .get("grid")).splitBrainMinClusterSize()).isZero();
        assertThatThrownBy(() -> new GridSettings("floodgate", GridSettings.Role.MEMBER, List.of(), 0, 1,
                Duration.ofSeconds(1), GridSettings.Network.DEFAULTS, -1))
                .hasMessageContaining("min-cluster-size");
    }
}
