package dev.floodgate.edge.token;

import dev.floodgate.contracts.error.ApiException;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

/**
 * Turns the bearer token of a request into the fan it speaks for, or a 401 (no/invalid token) or 403 (a valid
 * admission to another event). Every handler that needs a fan goes through here.
 */
public final class TokenGuard {
    private static final String BEARER = "bearer ";

    private final TokenVerifier verifier;

    public TokenGuard(TokenVerifier verifier) {
        this.verifier = verifier;
    }

    /** The fan id of a valid fan token. */
    public String fan(ServerRequest req) {
        return verify(req, Audiences.FAN).subject();
    }

    /** The fan id of a valid admission token for {@code eventId}. */
    public String admission(ServerRequest req, String eventId) {
        return admitted(bearer(req), eventId);
    }

    /** The fan id of either a fan token or an admission token for {@code eventId} (reading one's own holds). */
    public String fanOrAdmission(ServerRequest req, String eventId) {
        String token = bearer(req);
        try {
            return verifier.verify(token, Audiences.FAN).subject();
        } catch (TokenRejected notAFanToken) {
            return admitted(token, eventId);
        }
    }

    private String admitted(String token, String eventId) {
        VerifiedToken verified;
        try {
            verified = verifier.verify(token, Audiences.ADMISSION);
        } catch (TokenRejected e) {
            throw ApiException.unauthorized("admission token rejected: " + e.getMessage());
        }
        if (!eventId.equals(verified.claim(Audiences.EVENT_CLAIM).orElse(null))) {
            throw ApiException.forbidden("this admission token is for another event");
        }
        return verified.subject();
    }

    private VerifiedToken verify(ServerRequest req, String audience) {
        try {
            return verifier.verify(bearer(req), audience);
        } catch (TokenRejected e) {
            throw ApiException.unauthorized("token rejected: " + e.getMessage());
        }
    }

    private static String bearer(ServerRequest req) {
        String header = req.headers().first(HeaderNames.AUTHORIZATION).orElse(null);
        if (header == null || header.length() <= BEARER.length()
                || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw ApiException.unauthorized("a bearer token is required");
        }
        return header.substring(BEARER.length()).trim();
    }
}
