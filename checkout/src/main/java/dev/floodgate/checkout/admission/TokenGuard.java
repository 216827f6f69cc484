package dev.floodgate.checkout.admission;

import dev.floodgate.contracts.error.ApiException;
import dev.floodgate.contracts.error.ErrorCode;
import dev.floodgate.runtime.token.Audiences;
import dev.floodgate.runtime.token.CachingTokenVerifier;
import dev.floodgate.runtime.token.JwkTokenVerifier;
import dev.floodgate.runtime.token.JwksSource;
import dev.floodgate.runtime.token.RemoteJwks;
import dev.floodgate.runtime.token.TokenRejected;
import dev.floodgate.runtime.token.TokenVerifier;
import dev.floodgate.runtime.token.VerifiedToken;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Who may place and read orders: the tokens queue-edge signs, checked by the one verifier every service uses
 * (service-runtime's {@link JwkTokenVerifier} behind {@link CachingTokenVerifier}) with the edges' public keys fetched
 * from their JWKS ({@link RemoteJwks}). Fails closed: a token that cannot be fully checked is a 401 (code
 * {@code TOKEN_INVALID}, or {@code TOKEN_EXPIRED} for one that ran out); keys that cannot be had are a 503.
 *
 * <p>Verified tokens are remembered (bounded), so a fan polling an order pays for one ECDSA check, not one per
 * request; a hit still checks the expiry against the clock.
 */
public final class TokenGuard implements AutoCloseable {
    /** Default of {@code admission.verified-cache-entries}. */
    public static final int DEFAULT_REMEMBERED = 20_000;
    /** The fan id is a column of checkout's tables. */
    private static final int MAX_SUBJECT_CHARS = 64;

    private final RemoteJwks keys;
    private final TokenVerifier verifier;

    /**
     * @param issuer        the edges' {@code token.issuer}
     * @param minRefetch    least time between two JWKS fetches (a token naming an unknown key refetches at most
     *                      this often)
     * @param maxRemembered verified tokens kept
     */
    public TokenGuard(String jwksUrl, String issuer, Duration minRefetch, Clock clock, int maxRemembered) {
        if (maxRemembered < 1) {
            throw new IllegalArgumentException("admission.verified-cache-entries must be at least 1");
        }
        this.keys = new RemoteJwks(new JwksSource("token issuer (queue-edge's JWKS)", URI.create(jwksUrl), Duration.ofSeconds(3),
                Duration.ofMinutes(5), minRefetch, Duration.ofHours(1)), clock);
        this.verifier = new CachingTokenVerifier(new JwkTokenVerifier(keys::key, issuer, clock), clock,
                maxRemembered);
    }

    /** A valid admission token for {@code eventId}; 401 without one, 403 for another event's. */
    public Caller admission(ServerRequest req, String eventId) {
        VerifiedToken token = verify(bearer(req), Audiences.ADMISSION);
        if (!eventId.equals(token.claim(Audiences.EVENT_CLAIM).orElse(null))) {
            throw ApiException.forbidden("the admission token is for another event");
        }
        return new Caller(subject(token), eventId);
    }

    /** A valid fan token or admission token: either proves who the fan is. */
    public Caller fan(ServerRequest req) {
        String token = bearer(req);
        VerifiedToken verified;
        try {
            verified = verify(token, Audiences.FAN);
        } catch (ApiException notAFanToken) {
            if (notAFanToken.code() != ErrorCode.TOKEN_INVALID) {
                throw notAFanToken;
            }
            verified = verify(token, Audiences.ADMISSION);
        }
        return new Caller(subject(verified), null);
    }

    private VerifiedToken verify(String token, String audience) {
        try {
            return verifier.verify(token, audience);
        } catch (TokenRejected e) {
            throw e.expired()
                    ? ApiException.unauthorized("token expired or not yet valid").withCode(ErrorCode.TOKEN_EXPIRED)
                    : ApiException.unauthorized("token is not valid: " + e.getMessage())
                    .withCode(ErrorCode.TOKEN_INVALID);
        }
    }

    private static String subject(VerifiedToken token) {
        if (token.subject().length() > MAX_SUBJECT_CHARS) {
            throw ApiException.unauthorized("token has no usable subject").withCode(ErrorCode.TOKEN_INVALID);
        }
        return token.subject();
    }

    private static String bearer(ServerRequest req) {
        Optional<String> header = req.headers().first(HeaderNames.AUTHORIZATION);
        if (header.isEmpty() || !header.get().regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw ApiException.unauthorized("a bearer token is required");
        }
        String token = header.get().substring(7).trim();
        if (token.isEmpty() || token.length() > JwkTokenVerifier.MAX_TOKEN_CHARS) {
            throw ApiException.unauthorized("a bearer token is required");
        }
        return token;
    }

    @Override
    public void close() {
        keys.close();
    }
}
