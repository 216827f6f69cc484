package dev.floodgate.edge.token;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers tokens that verified, so a fan polling with the same token pays for one ECDSA check, not one per
 * request. Keyed by the exact token text and audience: a changed byte is another key and goes through the full
 * check. A hit still checks the expiry against the clock. Failures are never cached. Bounded: when full it starts
 * over (at worst, the next requests pay a signature check again).
 */
public final class CachingTokenVerifier implements TokenVerifier {
    private final TokenVerifier delegate;
    private final Clock clock;
    private final int maxEntries;
    private final Map<String, VerifiedToken> verified = new ConcurrentHashMap<>();

    public CachingTokenVerifier(TokenVerifier delegate, Clock clock, int maxEntries) {
        this.delegate = delegate;
        this.clock = clock;
        this.maxEntries = maxEntries;
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
        verified.put(result.audience() + ' ' + token, result);
    }

    @Override
    public VerifiedToken verify(String token, String audience) {
        if (token == null || token.length() > JwkTokenVerifier.MAX_TOKEN_CHARS) {
            return delegate.verify(token, audience);
        }
        String key = audience + ' ' + token;
        VerifiedToken hit = verified.get(key);
        if (hit != null) {
            if (clock.instant().isBefore(hit.expiresAt())) {
                return hit;
            }
            verified.remove(key);
            throw new TokenRejected("token expired");
        }
        VerifiedToken fresh = delegate.verify(token, audience);
        if (verified.size() >= maxEntries) {
            verified.clear();
        }
        verified.put(key, fresh);
        return fresh;
    }
}
