package dev.floodgate.runtime.operator;

import dev.floodgate.contracts.error.ApiException;
import dev.floodgate.contracts.http.JsonHttp;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * The filter in front of {@code /api/operator/*}: a session token ({@code Authorization: Bearer}) or, for scripts,
 * HTTP Basic; the operator found is put in the request's context for {@link #require}. Signing in
 * ({@code POST /api/operator/sessions}) is the one call that needs neither. Anything else is a 401 with
 * {@code WWW-Authenticate}.
 */
public final class OperatorAuth implements Handler {
    static final String SIGN_IN_PATH = "/api/operator/sessions";
    /** Scripts may use Basic; the page and anyone who sent a session token are told Bearer only (no browser prompt). */
    private static final String CHALLENGE = "Basic realm=\"floodgate-operator\", charset=\"UTF-8\","
            + " Bearer realm=\"floodgate-operator\"";
    private static final String BEARER_CHALLENGE = "Bearer realm=\"floodgate-operator\", error=\"invalid_token\"";
    private static final int MAX_HEADER_CHARS = 1024;

    private final OperatorAccess access;

    public OperatorAuth(OperatorAccess access) {
        this.access = access;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        if (req.prologue().method() == Method.POST && req.path().path().equals(SIGN_IN_PATH)) {
            res.next();
            return;
        }
        Optional<Operator> who;
        String challenge = bearer(req).isPresent() ? BEARER_CHALLENGE : CHALLENGE;
        try {
            who = authenticate(req);
        } catch (ApiException e) {
            if (e.status() == 401) {
                res.header(HeaderNames.WWW_AUTHENTICATE, challenge);
            }
            JsonHttp.sendError(res, e);
            return;
        }
        if (who.isEmpty()) {
            res.header(HeaderNames.WWW_AUTHENTICATE, challenge);
            // Sign in with POST /api/operator/sessions and send the token as Authorization: Bearer.
            JsonHttp.sendError(res, ApiException.unauthorized("operator credentials required"));
            return;
        }
        req.context().register(who.get());
        res.next();
    }

    private Optional<Operator> authenticate(ServerRequest req) {
        String header = req.headers().first(HeaderNames.AUTHORIZATION).orElse(null);
        if (header == null || header.length() > MAX_HEADER_CHARS) {
            return Optional.empty();
        }
        if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return access.session(header.substring(7).trim());
        }
        if (header.regionMatches(true, 0, "Basic ", 0, 6)) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
            int colon = decoded.indexOf(':');
            return colon < 0 ? Optional.empty()
                    : access.basic(decoded.substring(0, colon), decoded.substring(colon + 1), address(req));
        }
        return Optional.empty();
    }

    /** The bearer token of this request, if it came with one. */
    static Optional<String> bearer(ServerRequest req) {
        return req.headers().first(HeaderNames.AUTHORIZATION)
                .filter(h -> h.length() <= MAX_HEADER_CHARS && h.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(h -> h.substring(7).trim());
    }

    /**
     * Where a sign-in comes from, for the per-address limits: the connection's peer, or behind a trusted proxy the
     * client it reports (without it every operator behind the proxy would share one lock).
     */
    String address(ServerRequest req) {
        return access.settings().proxies().clientOf(req);
    }

    /**
     * The operator making this request if their role covers {@code needed}; 403 with the error body otherwise.
     * Every operator handler starts with it.
     */
    public static Operator require(ServerRequest req, Role needed) {
        Operator who = req.context().get(Operator.class)
                .orElseThrow(() -> ApiException.unauthorized("sign in first"));
        if (!who.role().covers(needed)) {
            throw ApiException.forbidden("this needs the " + needed.wire() + " role; " + who.username() + " is "
                    + who.role().wire());
        }
        return who;
    }
}
