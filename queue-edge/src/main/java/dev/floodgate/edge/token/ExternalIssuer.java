package dev.floodgate.edge.token;

import dev.floodgate.runtime.token.RemoteJwks;

import dev.floodgate.contracts.http.Ids;
import dev.floodgate.runtime.ServiceConfig;
import io.helidon.config.Config;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * An identity provider whose fan tokens this deployment trusts (config {@code token.external-issuers}, a list).
 * Its tokens may join, watch and leave queues like Floodgate's own fan tokens; admission tokens stay Floodgate's.
 *
 * @param name            a slug naming the provider in fan ids: its fans are {@code name:claim} (Floodgate's own fan
 *                        ids are UUIDs, which have no colon, so the two can never collide)
 * @param issuer          the exact {@code iss} its tokens carry
 * @param jwksUrl         where its public keys are (http or https)
 * @param audience        an {@code aud} its tokens must carry (meant for this deployment)
 * @param fanIdClaim      the string claim naming the fan ({@code sub} by default)
 * @param algorithms      accepted {@code alg}s, a subset of {@link #SUPPORTED} (never {@code none} or HMAC)
 * @param jwksTimeout     longest a JWKS fetch may take (connect plus answer)
 * @param jwksRefresh     keys older than this are refetched on the next use (the old ones serve meanwhile)
 * @param jwksMinRefetch  least time between two fetches: unknown {@code kid}s refetch at most this often
 * @param jwksMaxStale    keys not refreshed for this long are no longer used (fail closed while the provider is down)
 * @param clockSkew       leeway on {@code exp} and {@code nbf}
 */
public record ExternalIssuer(String name, String issuer, URI jwksUrl, String audience, String fanIdClaim,
                             Set<String> algorithms, Duration jwksTimeout, Duration jwksRefresh,
                             Duration jwksMinRefetch, Duration jwksMaxStale, Duration clockSkew) {
    /** Signature algorithms an external token may use: RSA PKCS#1 v1.5 and ECDSA. */
    public static final Set<String> SUPPORTED = Set.of("RS256", "RS384", "RS512", "ES256", "ES384", "ES512");
    /** Longest fan id (checkout keeps subjects of up to 64 characters). */
    public static final int MAX_FAN_ID = 64;

    public ExternalIssuer {
        if (!Ids.isSlug(name) || name.length() > 20) {
            throw new IllegalArgumentException("external issuer name must be a slug of up to 20 characters: " + name);
        }
        if (issuer == null || issuer.isBlank()) {
            throw new IllegalArgumentException("external issuer " + name + ": issuer is required");
        }
        if (jwksUrl == null || !("https".equals(jwksUrl.getScheme()) || "http".equals(jwksUrl.getScheme()))
                || jwksUrl.getHost() == null) {
            throw new IllegalArgumentException("external issuer " + name + ": jwks-url must be an http(s) URL");
        }
        if (audience == null || audience.isBlank()) {
            throw new IllegalArgumentException("external issuer " + name + ": audience is required");
        }
        if (fanIdClaim == null || fanIdClaim.isBlank()) {
            throw new IllegalArgumentException("external issuer " + name + ": fan-id-claim is required");
        }
        algorithms = Set.copyOf(algorithms);
        if (algorithms.isEmpty() || !SUPPORTED.containsAll(algorithms)) {
            throw new IllegalArgumentException("external issuer " + name + ": algorithms must be some of "
                    + SUPPORTED + " (never none or HMAC), not " + algorithms);
        }
        for (Duration d : List.of(jwksTimeout, jwksRefresh, jwksMinRefetch, jwksMaxStale)) {
            if (d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException("external issuer " + name + ": JWKS times must be positive");
            }
        }
        if (clockSkew.isNegative() || clockSkew.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException("external issuer " + name + ": clock-skew-millis must be 0..300000");
        }
    }

    /** The list under {@code token.external-issuers} (absent: none); names and issuers must be unique. */
    public static List<ExternalIssuer> listFrom(Config node, String ownIssuer) {
        List<ExternalIssuer> out = new ArrayList<>();
        if (!node.exists()) {
            return out;
        }
        Set<String> names = new HashSet<>();
        Set<String> issuers = new HashSet<>(Set.of(ownIssuer));
        for (Config c : node.asNodeList().orElse(List.of())) {
            Set<String> algs = new LinkedHashSet<>(c.get("algorithms").asList(String.class)
                    .orElse(List.of("RS256", "ES256")));
            ExternalIssuer issuer = new ExternalIssuer(
                    c.get("name").asString().orElse(null),
                    c.get("issuer").asString().orElse(null),
                    c.get("jwks-url").asString().map(URI::create).orElse(null),
                    c.get("audience").asString().orElse(null),
                    c.get("fan-id-claim").asString().orElse("sub"),
                    algs,
                    ServiceConfig.millis(c.get("jwks-timeout-millis"), 2_000),
                    ServiceConfig.millis(c.get("jwks-refresh-millis"), 300_000),
                    ServiceConfig.millis(c.get("jwks-min-refetch-millis"), 10_000),
                    ServiceConfig.millis(c.get("jwks-max-stale-millis"), 3_600_000),
                    ServiceConfig.millis(c.get("clock-skew-millis"), 30_000));
            if (!names.add(issuer.name())) {
                throw new IllegalArgumentException("two external issuers are named " + issuer.name());
            }
            if (!issuers.add(issuer.issuer())) {
                throw new IllegalArgumentException("issuer " + issuer.issuer() + " is configured twice (or is "
                        + "token.issuer)");
            }
            out.add(issuer);
        }
        return out;
    }

    /** Where {@link dev.floodgate.runtime.token.RemoteJwks} fetches this provider's keys. */
    public dev.floodgate.runtime.token.JwksSource jwks() {
        return new dev.floodgate.runtime.token.JwksSource("identity provider '" + name + "'", jwksUrl, jwksTimeout,
                jwksRefresh, jwksMinRefetch, jwksMaxStale);
    }
}
