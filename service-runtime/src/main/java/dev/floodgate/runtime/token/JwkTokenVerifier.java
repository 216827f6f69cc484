package dev.floodgate.runtime.token;

import io.helidon.security.jwt.Jwt;
import io.helidon.security.jwt.SignedJwt;
import io.helidon.security.jwt.jwk.Jwk;
import io.helidon.security.jwt.jwk.JwkKeys;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Verifies Floodgate's tokens against a set of public keys: the edge's own in-process ({@code KeyRing}), or a JWKS
 * fetched over HTTP ({@link RemoteJwks}: checkout). Checks, in order: size, parse, algorithm ES256 exactly (so
 * {@code none} and HMAC confusion are out), a known {@code kid}, the signature, the issuer, the audience, an expiry in
 * the future, {@code nbf} and {@code iat} not in the future (beyond {@link #CLOCK_SKEW}), a subject. The one verifier
 * of every service: queue-edge and checkout both use it, with {@link CachingTokenVerifier} in front.
 */
public final class JwkTokenVerifier implements TokenVerifier {
    /**
     * ES256 checked with Bouncy Castle's P-256: ~5x less CPU than the JDK's, and a join verifies a token it has never
     * seen (signed by another edge or an identity provider) on its first use. Shared: it only caches keys.
     */
    private static final Es256Signatures SIGNATURES = new Es256Signatures();
    /** The one algorithm Floodgate signs its tokens with. */
    public static final String ALGORITHM = "ES256";
    /** Clocks of the signer and the checker may differ this much for {@code nbf} and {@code iat}. */
    public static final java.time.Duration CLOCK_SKEW = java.time.Duration.ofSeconds(5);
    /** Our tokens are ~500 bytes; anything much larger is not ours and is not parsed. */
    public static final int MAX_TOKEN_CHARS = 4096;

    private final Function<String, Optional<Jwk>> keys;
    private final String issuer;
    private final Clock clock;

    public JwkTokenVerifier(Supplier<JwkKeys> keys, String issuer, Clock clock) {
        this(kid -> keys.get().forKeyId(kid), issuer, clock);
    }

    /** With a key lookup by {@code kid} (which may reload a rotated key set on a miss). */
    public JwkTokenVerifier(Function<String, Optional<Jwk>> keys, String issuer, Clock clock) {
        this.keys = keys;
        this.issuer = issuer;
        this.clock = clock;
    }

    @Override
    public VerifiedToken verify(String token, String audience) {
        try {
            return check(token, audience);
        } catch (TokenRejected | dev.floodgate.contracts.error.ApiException e) {
            // A rejection, or keys that cannot be had (503 from RemoteJwks): as they are.
            throw e;
        } catch (RuntimeException e) {
            // Fail closed: a parser or crypto surprise is a rejection, never a pass.
            throw new TokenRejected("malformed token");
        }
    }

    private VerifiedToken check(String token, String audience) {
        if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_CHARS) {
            throw new TokenRejected("malformed token");
        }
        SignedJwt signed = SignedJwt.parseToken(token);
        Jwt jwt = signed.getJwt();
        if (!ALGORITHM.equals(jwt.algorithm().orElse(null))) {
            throw new TokenRejected("unsupported token algorithm");
        }
        String kid = jwt.keyId().orElseThrow(() -> new TokenRejected("token has no key id"));
        Jwk key = keys.apply(kid).orElseThrow(() -> new TokenRejected("unknown signing key"));
        if (!ALGORITHM.equals(key.algorithm())
                || !SIGNATURES.verify(key, signed.getSignedBytes(), signed.getSignature())) {
            throw new TokenRejected("bad token signature");
        }
        if (!issuer.equals(jwt.issuer().orElse(null))) {
            throw new TokenRejected("token from another issuer");
        }
        List<String> audiences = jwt.audience().orElse(List.of());
        if (!audiences.contains(audience)) {
            throw new TokenRejected("token not meant for this use");
        }
        Instant expiresAt = jwt.expirationTime().orElseThrow(() -> new TokenRejected("token has no expiry"));
        Instant now = clock.instant();
        if (!now.isBefore(expiresAt)) {
            throw TokenRejected.ranOut();
        }
        // Issued or valid only in the future (beyond the clocks' skew): not a token to honour yet.
        if (jwt.notBefore().map(nbf -> now.isBefore(nbf.minus(CLOCK_SKEW))).orElse(false)
                || jwt.issueTime().map(iat -> now.isBefore(iat.minus(CLOCK_SKEW))).orElse(false)) {
            throw new TokenRejected("token not valid yet");
        }
        String subject = jwt.subject().filter(s -> !s.isBlank())
                .orElseThrow(() -> new TokenRejected("token has no subject"));
        Map<String, String> claims = new HashMap<>();
        for (Map.Entry<String, JsonValue> claim : jwt.payloadClaims().entrySet()) {
            Optional.of(claim.getValue()).filter(v -> v instanceof JsonString)
                    .ifPresent(v -> claims.put(claim.getKey(), ((JsonString) v).getString()));
        }
        return new VerifiedToken(subject, audience, expiresAt, claims);
    }
}
