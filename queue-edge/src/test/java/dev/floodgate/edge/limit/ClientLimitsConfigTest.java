package dev.floodgate.edge.limit;

import dev.floodgate.runtime.http.TrustedProxies;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How {@code limits.trusted-proxies} is read. */
class ClientLimitsConfigTest {
    private static Config limits(Map<String, String> values) {
        return Config.just(ConfigSources.create(values)).get("limits");
    }

    @Test
    void absentTrustsNobody() {
        assertThat(ClientLimits.trustedProxies(limits(Map.of("limits.max-tracked-clients", "10"))).isEmpty())
                .isTrue();
    }

    @Test
    void aListAndOneCommaSeparatedValueAreTheSame() {
        TrustedProxies list = ClientLimits.trustedProxies(limits(Map.of(
                "limits.trusted-proxies.0", "10.0.0.0/8", "limits.trusted-proxies.1", "fd00::/8")));
        TrustedProxies value = ClientLimits.trustedProxies(limits(Map.of(
                "limits.trusted-proxies", " 10.0.0.0/8 , fd00::/8")));

        assertThat(list.trusts("10.2.3.4")).isTrue();
        assertThat(list.trusts("fd00::9")).isTrue();
        assertThat(value.trusts("10.2.3.4")).isTrue();
        assertThat(value.trusts("fd00::9")).isTrue();
        assertThat(value.trusts("192.0.2.1")).isFalse();
    }

    @Test
    void theFormerTrustAnyForwardedForSwitchStopsTheStart() {
        assertThatThrownBy(() -> ClientLimits.trustedProxies(limits(Map.of("limits.trust-forwarded-for", "true"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("limits.trusted-proxies");
    }
}
