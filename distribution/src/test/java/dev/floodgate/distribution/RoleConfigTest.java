package dev.floodgate.distribution;

import dev.floodgate.edge.limit.ClientLimits;
import dev.floodgate.runtime.http.TrustedProxies;
import dev.floodgate.grid.GridSettings;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.config.spi.ConfigSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each role's shipped config files (the distribution's conf/ and the Kubernetes ConfigMaps) read over that role's
 * defaults, as the launcher and the pods read them, into valid grid settings; and the documented numbered overrides
 * (GRID_MEMBERS_0=...) merge with every role's defaults.
 */
class RoleConfigTest {
    private static final Path REPO = Path.of(System.getProperty("floodgate.repo.dir",
            Path.of("").toAbsolutePath().getParent().toString()));

    @ParameterizedTest
    @CsvSource({"grid-member, grid-member.yaml", "edge, queue-edge.yaml", "checkout, checkout.yaml",
            "worker, payment-worker.yaml", "stack, local-stack.yaml"})
    void numberedMemberOverridesMergeWithEveryRolesDefaults(String role, String defaults) {
        Config config = Config.just(ConfigSources.create(Map.of("grid.members.0", "10.0.0.1:5701",
                "grid.members.1", "10.0.0.2:5701")), ConfigSources.classpath(defaults).build());
        assertThat(config.get("grid.members").asList(String.class).get()).as(role)
                .containsExactly("10.0.0.1:5701", "10.0.0.2:5701");
    }

    @ParameterizedTest
    @CsvSource({"grid-member, grid-member.yaml", "edge, queue-edge.yaml", "checkout, checkout.yaml",
            "worker, payment-worker.yaml"})
    void theDistributionsConfFilesReadOverTheDefaults(String role, String defaults) {
        Config config = over(REPO.resolve("distribution/src/main/dist/conf/" + role + ".yaml"), defaults, Map.of());
        GridSettings grid = GridSettings.from(config.get("grid"));
        assertThat(grid.role()).isEqualTo(GridSettings.Role.MEMBER);
        assertThat(config.get("server.host").asString().get()).isEqualTo("127.0.0.1");
    }

    @ParameterizedTest
    @CsvSource({"edge, queue-edge.yaml", "checkout, checkout.yaml", "worker, payment-worker.yaml"})
    void theKubernetesServicesAreClientsOfTheGridMembers(String role, String defaults) {
        Config config = over(REPO.resolve("ops/deploy/k8s/config/" + role + ".yaml"), defaults, Map.of());
        GridSettings grid = GridSettings.from(config.get("grid"));
        assertThat(grid.role()).isEqualTo(GridSettings.Role.CLIENT);
        assertThat(grid.members()).containsExactly("floodgate-grid:5701");
        assertThat(config.get("server.host").asString().get()).isEqualTo("0.0.0.0");
        assertThat(config.get("db.pool.max-size").asInt().get()).isEqualTo(10);
    }

    @org.junit.jupiter.api.Test
    void theKubernetesEdgeTrustsOnlyTheIngressPodsWithXForwardedFor() {
        Config config = over(REPO.resolve("ops/deploy/k8s/config/edge.yaml"), "queue-edge.yaml", Map.of());
        TrustedProxies proxies = ClientLimits.trustedProxies(config.get("limits"));
        assertThat(proxies.trusts("10.12.0.7")).isTrue();
        assertThat(proxies.trusts("203.0.113.9")).isFalse();
    }

    @org.junit.jupiter.api.Test
    void theEdgesDefaultsTrustNoProxy() {
        Config config = over(REPO.resolve("distribution/src/main/dist/conf/edge.yaml"), "queue-edge.yaml", Map.of());
        assertThat(ClientLimits.trustedProxies(config.get("limits")).isEmpty()).isTrue();
    }

    @org.junit.jupiter.api.Test
    void theKubernetesGridMembersDiscoverEachOtherByDns() {
        // The StatefulSet sets the DNS name from the pod's namespace (GRID_KUBERNETES_SERVICE_dash_DNS).
        Config config = over(REPO.resolve("ops/deploy/k8s/config/grid-member.yaml"), "grid-member.yaml",
                Map.of("grid.kubernetes.service-dns", "floodgate-grid.floodgate.svc.cluster.local"));
        GridSettings grid = GridSettings.from(config.get("grid"));
        assertThat(grid.network().kubernetes()).isTrue();
        assertThat(grid.network().kubernetesServicePort()).isEqualTo(5701);
        assertThat(grid.members()).isEmpty();
        assertThat(grid.port()).isEqualTo(5701);
    }

    private static Config over(Path file, String defaults, Map<String, String> env) {
        assertThat(file).isRegularFile();
        assertThat(Files.isReadable(file)).isTrue();
        ConfigSource[] sources = {ConfigSources.create(env).build(), ConfigSources.file(file).build(),
                ConfigSources.classpath(defaults).build()};
        return Config.just(sources);
    }
}
