package dev.floodgate.runtime.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Who the client is behind proxies: only trusted peers speak, and only the right end of their chain counts. */
class TrustedProxiesTest {
    private static final TrustedProxies INGRESS = TrustedProxies.of(List.of("10.0.0.0/8", "fd00::/8"));

    @Test
    void withNoTrustedProxiesTheHeaderIsIgnored() {
        assertThat(TrustedProxies.none().clientAddress("10.1.2.3", List.of("198.51.100.7")))
                .isEqualTo("10.1.2.3");
    }

    @Test
    void behindATrustedProxyTheClientIsTheAddressItAppended() {
        assertThat(INGRESS.clientAddress("10.1.2.3", List.of("198.51.100.7"))).isEqualTo("198.51.100.7");
    }

    @Test
    void aSpoofedLeftMostAddressIsIgnored() {
        assertThat(INGRESS.clientAddress("10.1.2.3", List.of("203.0.113.66, 192.0.2.1, 198.51.100.7")))
                .isEqualTo("198.51.100.7");
    }

    @Test
    void aChainOfTwoTrustedProxiesIsWalkedToTheFirstUntrustedAddress() {
        assertThat(INGRESS.clientAddress("10.0.0.2", List.of("203.0.113.66, 198.51.100.7, 10.9.9.9")))
                .isEqualTo("198.51.100.7");
    }

    @Test
    void severalHeaderLinesAreOneChainInOrder() {
        assertThat(INGRESS.clientAddress("10.0.0.2", List.of("203.0.113.66", "198.51.100.7, 10.9.9.9")))
                .isEqualTo("198.51.100.7");
    }

    @Test
    void anUntrustedPeersHeaderIsIgnored() {
        assertThat(INGRESS.clientAddress("192.0.2.44", List.of("10.1.1.1, 198.51.100.7"))).isEqualTo("192.0.2.44");
    }

    @Test
    void ipv6PeersAndChainsWork() {
        assertThat(INGRESS.clientAddress("fd00::1", List.of("2001:db8::66, 2001:db8:cafe::17")))
                .isEqualTo("2001:db8:cafe:0:0:0:0:17");
        assertThat(INGRESS.clientAddress("2001:db8::1", List.of("198.51.100.7"))).isEqualTo("2001:db8:0:0:0:0:0:1");
        assertThat(INGRESS.clientAddress("fd00::1", List.of("[2001:db8:cafe::17]:4711"))).isEqualTo(
                "2001:db8:cafe:0:0:0:0:17");
    }

    @Test
    void anIpv4MappedIpv6PeerIsMatchedAgainstIpv4Cidrs() {
        assertThat(INGRESS.trusts("::ffff:10.1.2.3")).isTrue();
        assertThat(INGRESS.clientAddress("::ffff:10.1.2.3", List.of("198.51.100.7"))).isEqualTo("198.51.100.7");
    }

    @Test
    void malformedEntriesAreSkippedAndNamesNeverLookedUp() {
        assertThat(INGRESS.clientAddress("10.1.2.3",
                List.of("198.51.100.7, unknown, _hidden, example.com, , 999.1.1.1"))).isEqualTo("198.51.100.7");
        assertThat(INGRESS.clientAddress("10.1.2.3", List.of("198.51.100.7:5151"))).isEqualTo("198.51.100.7");
    }

    @Test
    void whenEveryHopIsTrustedTheFarthestOneIsTheClient() {
        assertThat(INGRESS.clientAddress("10.0.0.2", List.of("10.0.0.9, 10.0.0.5"))).isEqualTo("10.0.0.9");
        assertThat(INGRESS.clientAddress("10.0.0.2", List.of("garbage"))).isEqualTo("10.0.0.2");
    }

    @Test
    void onlyTheRightEndOfAnOversizedHeaderIsRead() {
        String padding = "203.0.113.66, ".repeat(1000);

        assertThat(INGRESS.clientAddress("10.1.2.3", List.of(padding + "198.51.100.7, 10.2.2.2")))
                .isEqualTo("198.51.100.7");
    }

    @Test
    void prefixesMatchOnTheirBitsOnly() {
        TrustedProxies proxies = TrustedProxies.of(List.of("192.168.4.0/22", "2001:db8:8000::/33", "198.51.100.9"));

        assertThat(proxies.trusts("192.168.7.255")).isTrue();
        assertThat(proxies.trusts("192.168.8.0")).isFalse();
        assertThat(proxies.trusts("2001:db8:ffff::1")).isTrue();
        assertThat(proxies.trusts("2001:db8:7fff::1")).isFalse();
        assertThat(proxies.trusts("198.51.100.9")).isTrue();
        assertThat(proxies.trusts("198.51.100.10")).isFalse();
        assertThat(TrustedProxies.of(List.of("0.0.0.0/0")).trusts("8.8.8.8")).isTrue();
        assertThat(TrustedProxies.of(List.of("0.0.0.0/0")).trusts("::1")).as("IPv4 CIDRs hold no IPv6").isFalse();
    }

    @ParameterizedTest(name = "[{index}] '{0}'")
    @ValueSource(strings = {"10.0.0.0/33", "10.0.0/8", "10.0.0.0/", "10.0.0.0/x", "::/129", "proxy.internal/32",
            "256.0.0.0/8", "", "10.0.0.0/8/8"})
    void aBadCidrStopsTheStartNamingIt(String bad) {
        assertThatThrownBy(() -> TrustedProxies.of(List.of("10.0.0.0/8", bad)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("limits.trusted-proxies")
                .hasMessageContaining("'" + bad + "'");
    }
}
