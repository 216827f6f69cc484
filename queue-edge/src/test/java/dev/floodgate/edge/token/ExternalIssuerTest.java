package dev.floodgate.edge.token;

import dev.floodgate.runtime.ServiceConfig;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What may be configured as a trusted identity provider, and how its fans are named. */
class ExternalIssuerTest {
    private static ExternalIssuer withAlgorithms(Set<String> algorithms) {
        return new ExternalIssuer("acme", "https://id.acme.test/", URI.create("https://id.acme.test/jwks"), "aud",
                "sub", algorithms, Duration.ofSeconds(2), Duration.ofMinutes(5), Duration.ofSeconds(10),
                Duration.ofHours(1), Duration.ofSeconds(30));
    }

    @Test
    void noneAndHmacCannotBeConfigured() {
        for (String alg : List.of("none", "HS256", "HS512")) {
            assertThatThrownBy(() -> withAlgorithms(Set.of("RS256", alg)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("never none or HMAC");
        }
        assertThat(withAlgorithms(Set.of("ES256", "RS512")).algorithms()).containsExactlyInAnyOrder("ES256", "RS512");
    }

    @Test
    void theListIsReadFromConfigWithDefaultsAndIssuersMustBeUnique() {
        Map<String, String> one = new HashMap<>(Map.of(
                "token.external-issuers.0.name", "acme",
                "token.external-issuers.0.issuer", "https://id.acme.test/",
                "token.external-issuers.0.jwks-url", "https://id.acme.test/jwks",
                "token.external-issuers.0.audience", "floodgate"));
        List<ExternalIssuer> issuers = ExternalIssuer.listFrom(
                ServiceConfig.load("queue-edge.yaml", one).get("token.external-issuers"), "floodgate-queue-edge");
        assertThat(issuers).hasSize(1);
        assertThat(issuers.getFirst().fanIdClaim()).isEqualTo("sub");
        assertThat(issuers.getFirst().algorithms()).containsExactlyInAnyOrder("RS256", "ES256");
        assertThat(issuers.getFirst().jwksMinRefetch()).isEqualTo(Duration.ofSeconds(10));

        Map<String, String> ours = new HashMap<>(one);
        ours.put("token.external-issuers.0.issuer", "floodgate-queue-edge");
        assertThatThrownBy(() -> ExternalIssuer.listFrom(
                ServiceConfig.load("queue-edge.yaml", ours).get("token.external-issuers"), "floodgate-queue-edge"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fansAreNamedByTheProviderAndLongOrOddClaimsAreHashedToFitCheckout() {
        assertThat(ExternalTokenVerifier.fanId("acme", "auth0|12345")).isEqualTo("acme:auth0|12345");
        String longClaim = "x".repeat(100);
        String hashed = ExternalTokenVerifier.fanId("acme", longClaim);
        assertThat(hashed).startsWith("acme#").hasSizeLessThanOrEqualTo(ExternalIssuer.MAX_FAN_ID);
        assertThat(ExternalTokenVerifier.fanId("acme", longClaim)).isEqualTo(hashed);
        assertThat(ExternalTokenVerifier.fanId("acme", "x".repeat(99))).isNotEqualTo(hashed);
        assertThat(ExternalTokenVerifier.fanId("acme", "with space")).startsWith("acme#");
    }
}
