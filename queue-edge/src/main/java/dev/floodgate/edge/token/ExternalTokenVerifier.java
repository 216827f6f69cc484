package dev.floodgate.edge.token;

import dev.floodgate.runtime.token.VerifiedToken;
import dev.floodgate.runtime.token.TokenRejected;
import dev.floodgate.runtime.token.Audiences;
import dev.floodgate.runtime.token.RemoteJwks;

import dev.floodgate.contracts.error.ApiException;
import io.helidon.security.jwt.Jwt;
import io.helidon.security.jwt.SignedJwt;
import dev.floodgate.runtime.token.Es256Signatures;
import io.helidon.security.jwt.jwk.Jwk;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Verifies fan tokens of one external identity provider ({@link ExternalIssuer}) against its JWKS. Checks, in
 * order: size, parse, {@code alg} one of the configured ones (so {@code none} and HMAC are out), a {@code kid} the
 * provider's JWKS has, the key's own algorithm equal to the token's (no RSA/EC/HMAC confusion), the signature, the
 * issuer, the audience, {@code exp} (required) and {@code nbf} with the configured leeway, and the fan id claim.
 * Fails closed: anything unexpected is a {@link TokenRejected}; a provider whose keys cannot be had is a 503.
 *
 * <p>The fan id is {@code name:claim} when that fits {@link ExternalIssuer#MAX_FAN_ID} printable characters, else
 * {@code name#} and a SHA-256 of the claim (so a long subject still names one fan, and fits checkout's limit).
 */
final class ExternalTokenVerifier {
    /**
     * ES256 checked with Bouncy Castle's P-256: ~5x less CPU than the JDK's, and a join verifies a token it has never
     * seen (signed by another edge or an identity provider) on its first use. Shared: it only caches keys.
     */
    private static final Es256Signatures SIGNATURES = new Es256Signatures();
    private static final Pattern PRINTABLE = Pattern.compile("[\\x21-\\x7e]+");

    private final ExternalIssuer config;
    private final RemoteJwks keys;
    private final Clock clock;

    ExternalTokenVerifier(ExternalIssuer config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.keys = new RemoteJwks(config.jwks(), clock);
    }

    ExternalIssuer config() {
        return config;
    }

    /** A verified fan token: subject the namespaced fan id, audience {@link Audiences#FAN}. */
    VerifiedToken verify(SignedJwt signed) {
        try {
            return check(signed);
        } catch (TokenRejected | ApiException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new TokenRejected("malformed token");
        }
    }

    private VerifiedToken check(SignedJwt signed) {
        Jwt jwt = signed.getJwt();
        String alg = jwt.algorithm().orElse("none");
        if (!config.algorithms().contains(alg)) {
            throw new TokenRejected("unsupported token algorithm");
        }
        String kid = jwt.keyId().orElseThrow(() -> new TokenRejected("token has no key id"));
        Jwk key = keys.key(kid).orElseThrow(() -> new TokenRejected("unknown signing key"));
        if (!alg.equals(key.algorithm())
                || !SIGNATURES.verifyAny(key, signed.getSignedBytes(), signed.getSignature())) {
            throw new TokenRejected("bad token signature");
        }
        if (!config.issuer().equals(jwt.issuer().orElse(null))) {
            throw new TokenRejected("token from another issuer");
        }
        List<String> audiences = jwt.audience().orElse(List.of());
        if (!audiences.contains(config.audience())) {
            throw new TokenRejected("token not meant for this use");
        }
        Instant now = clock.instant();
        Instant expiresAt = jwt.expirationTime().orElseThrow(() -> new TokenRejected("token has no expiry"));
        if (!now.isBefore(expiresAt.plus(config.clockSkew()))) {
            throw TokenRejected.ranOut();
        }
        if (jwt.notBefore().map(nbf -> now.isBefore(nbf.minus(config.clockSkew()))).orElse(false)) {
            throw new TokenRejected("token not valid yet");
        }
        JsonValue claim = jwt.payloadClaims().get(config.fanIdClaim());
        if (!(claim instanceof JsonString fan) || fan.getString().isEmpty()) {
            throw new TokenRejected("token has no " + config.fanIdClaim());
        }
        // The cache holds a verified token until expiresAt: include the leeway so it ends when this check would.
        return new VerifiedToken(fanId(config.name(), fan.getString()), Audiences.FAN,
                expiresAt.plus(config.clockSkew()), Map.of("iss", config.issuer()));
    }

    static String fanId(String name, String claim) {
        String plain = name + ":" + claim;
        if (plain.length() <= ExternalIssuer.MAX_FAN_ID && PRINTABLE.matcher(claim).matches()) {
            return plain;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(claim.getBytes(StandardCharsets.UTF_8));
            return name + "#" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    void close() {
        keys.close();
    }
}
