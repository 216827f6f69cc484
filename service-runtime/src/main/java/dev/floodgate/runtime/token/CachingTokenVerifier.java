package dev.floodgate.runtime.token;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers tokens that verified, so a fan polling with the same token pays for one ECDSA check, not one per
 * request. Keyed by the exact token text (a hit must be for the audience asked): a changed byte is another key and
 * goes through the full check. A hit still checks the expiry against the clock. Failures are never cached. Bounded: when full it starts
 * over (at worst, the next requests pay a signature check again).
 */
public final class CachingTokenVerifier implements TokenVerifier {
    private final TokenVerifier delegate;
    private final Clock clock;
    private final int maxEntries;
    private final Map<String, VerifiedToken> verified;

    public CachingTokenVerifier(TokenVerifier delegate, Clock clock, int maxEntries) {
        this.delegate = delegate;
        this.clock = clock;
        this.maxEntries = maxEntries;
        this.verified = new ConcurrentHashMap<>(Math.max(16, Math.min(maxEntries, 1 << 18)));
    }

    /**
     * Records a token this edge has just signed (it is genuine: it needs no signature check here). Only call it with
     * tokens made by this process.
     */
    public void remember(String token, VerifiedToken result) {
        if (token == null || token.length() > JwkTokenVerifier.MAX_TOKEN_CHARS) {
            return;
        }
        if (verified.size() >= maxEntries) {
            verified.clear();
        }
        verified.put(token, result);
    }

    @Override
    public VerifiedToken verify(String token, String audience) {
        if (token == null || token.length() > JwkTokenVerifier.MAX_TOKEN_CHARS) {
            return delegate.verify(token, audience);
        }
        // Keyed by the token alone (no per-request key string); a token verified for one audience is checked in full
        // for another (our tokens carry one audience, so that check fails).
        VerifiedToken hit = verified.get(token);
        if (hit != null && hit.audience().equals(audience)) {
            if (clock.instant().isBefore(hit.expiresAt())) {
                return hit;
            }
            verified.remove(token, hit);
            throw TokenRejected.ranOut();
        }
        VerifiedToken fresh = delegate.verify(token, audience);
        if (verified.size() >= maxEntries) {
            verified.clear();
        }
        verified.put(token, fresh);
        return fresh;
    }
}
