package dev.floodgate.edge.token;

import dev.floodgate.runtime.token.TokenVerifier;
import dev.floodgate.runtime.token.VerifiedToken;
import dev.floodgate.runtime.token.TokenRejected;
import dev.floodgate.runtime.token.Audiences;
import dev.floodgate.runtime.token.JwkTokenVerifier;

import io.helidon.security.jwt.SignedJwt;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Sends each token to the verifier of its issuer: fan tokens ({@link Audiences#FAN}) of a configured external
 * identity provider to that provider's keys, everything else to Floodgate's own verifier. Admission tokens are only
 * ever Floodgate's. The {@code iss} read here is unverified and only picks the verifier; that verifier then checks
 * the issuer again, with the signature.
 */
public final class IssuerRouter implements TokenVerifier, AutoCloseable {
    private final TokenVerifier own;
    private final Map<String, ExternalTokenVerifier> external = new HashMap<>();

    public IssuerRouter(TokenVerifier own, List<ExternalIssuer> issuers, Clock clock) {
        this.own = own;
        for (ExternalIssuer issuer : issuers) {
            external.put(issuer.issuer(), new ExternalTokenVerifier(issuer, clock));
        }
    }

    @Override
    public VerifiedToken verify(String token, String audience) {
        if (external.isEmpty() || !Audiences.FAN.equals(audience) || token == null || token.isEmpty()
                || token.length() > JwkTokenVerifier.MAX_TOKEN_CHARS) {
            return own.verify(token, audience);
        }
        SignedJwt signed;
        try {
            signed = SignedJwt.parseToken(token);
        } catch (RuntimeException e) {
            throw new TokenRejected("malformed token");
        }
        ExternalTokenVerifier provider = signed.getJwt().issuer().map(external::get).orElse(null);
        return provider == null ? own.verify(token, audience) : provider.verify(signed);
    }

    @Override
    public void close() {
        external.values().forEach(ExternalTokenVerifier::close);
    }
}
