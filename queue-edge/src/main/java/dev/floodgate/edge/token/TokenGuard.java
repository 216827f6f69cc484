package dev.floodgate.edge.token;

import dev.floodgate.runtime.token.TokenVerifier;
import dev.floodgate.runtime.token.VerifiedToken;
import dev.floodgate.runtime.token.TokenRejected;
import dev.floodgate.runtime.token.Audiences;

import dev.floodgate.contracts.error.ApiException;
import dev.floodgate.contracts.error.ErrorCode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

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

    /** Who a queue request speaks for: a fan (signed in) or an anonymous place of this event. */
    public record QueueCaller(String id, boolean place) {
    }

    /**
     * The fan of a fan token, or the place of a place token for {@code eventId} (401 for anything else, 403 for a
     * place of another event). The token's audience is peeked at (unverified) only to choose which check to run;
     * that check is the whole verification.
     */
    public QueueCaller fanOrPlace(ServerRequest req, String eventId) {
        String token = bearer(req);
        if (Audiences.PLACE.equals(peekAudience(token))) {
            return new QueueCaller(place(token, eventId), true);
        }
        try {
            return new QueueCaller(verifier.verify(token, Audiences.FAN).subject(), false);
        } catch (TokenRejected e) {
            throw rejected("token rejected: ", e);
        }
    }

    /** Whether the request carries any Authorization header (an anonymous join carries none). */
    public static boolean hasAuthorization(ServerRequest req) {
        return req.headers().contains(HeaderNames.AUTHORIZATION);
    }

    /** The place id of a valid place token for {@code eventId}. */
    public String place(String token, String eventId) {
        return forEvent(token, Audiences.PLACE, "place", eventId);
    }

    /** The {@code aud} of a JWT's payload without checking anything (null when unreadable). */
    static String peekAudience(String token) {
        int first = token.indexOf('.');
        int second = first < 0 ? -1 : token.indexOf('.', first + 1);
        if (second < 0 || second - first > 4096) {
            return null;
        }
        try {
            String payload = new String(Base64.getUrlDecoder().decode(token.substring(first + 1, second)),
                    StandardCharsets.UTF_8);
            return payload.contains("\"" + Audiences.PLACE + "\"") ? Audiences.PLACE : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private String admitted(String token, String eventId) {
        return forEvent(token, Audiences.ADMISSION, "admission", eventId);
    }

    /** The subject of a valid {@code audience} token for {@code eventId}: 401 when invalid, 403 for another event. */
    private String forEvent(String token, String audience, String kind, String eventId) {
        VerifiedToken verified;
        try {
            verified = verifier.verify(token, audience);
        } catch (TokenRejected e) {
            throw Audiences.PLACE.equals(audience)
                    ? ApiException.unauthorized(kind + " token rejected: " + e.getMessage())
                            .withCode(ErrorCode.PLACE_TOKEN_INVALID)
                    : rejected(kind + " token rejected: ", e);
        }
        if (!eventId.equals(verified.claim(Audiences.EVENT_CLAIM).orElse(null))) {
            throw ApiException.forbidden("this " + kind + " token is for another event");
        }
        return verified.subject();
    }

    private VerifiedToken verify(ServerRequest req, String audience) {
        try {
            return verifier.verify(bearer(req), audience);
        } catch (TokenRejected e) {
            throw rejected("token rejected: ", e);
        }
    }

    /** 401 with TOKEN_EXPIRED (renew it) or TOKEN_INVALID (sign in, or ask for a new one). */
    private static ApiException rejected(String prefix, TokenRejected e) {
        return ApiException.unauthorized(prefix + e.getMessage())
                .withCode(e.expired() ? ErrorCode.TOKEN_EXPIRED : ErrorCode.TOKEN_INVALID);
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
