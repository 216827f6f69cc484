package dev.floodgate.edge.fan;

import dev.floodgate.contracts.error.ApiException;
import dev.floodgate.contracts.error.ErrorCode;
import dev.floodgate.contracts.http.JsonHttp;
import dev.floodgate.edge.limit.ClientLimits;
import dev.floodgate.edge.token.IssuedToken;
import dev.floodgate.edge.token.TokenGuard;
import dev.floodgate.edge.token.TokenIssuer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Sign-up ({@code POST /api/fans}), sign-in ({@code POST /api/sessions}), renewal ({@code POST
 * /api/sessions/refresh}) and sign-out everywhere ({@code DELETE /api/sessions}).
 */
public final class FanRoutes {
    /** Bodies are three short strings; 2 KiB is plenty. */
    static final int MAX_BODY_BYTES = 2048;
    /** A refresh body is one 43-character token. */
    static final int MAX_REFRESH_BODY_BYTES = 256;

    private final FanStore fans;
    private final Passwords passwords;
    private final TokenIssuer tokens;
    private final SessionStore sessions;
    private final TokenGuard guard;
    private final ClientLimits limits;

    public FanRoutes(FanStore fans, Passwords passwords, TokenIssuer tokens, SessionStore sessions, TokenGuard guard,
                     ClientLimits limits) {
        this.fans = fans;
        this.passwords = passwords;
        this.tokens = tokens;
        this.sessions = sessions;
        this.guard = guard;
        this.limits = limits;
    }

    public void routes(HttpRouting.Builder routing) {
        routing.post("/api/fans", this::signUp);
        routing.post("/api/sessions", this::signIn);
        routing.post("/api/sessions/refresh", this::refresh);
        routing.delete("/api/sessions", this::signOutEverywhere);
    }

    private void signUp(ServerRequest req, ServerResponse res) {
        SignUp body = JsonHttp.read(req, SignUp.class, MAX_BODY_BYTES);
        Fan fan = fans.create(body.email(), passwords.hash(body.password()), body.displayName())
                .orElseThrow(() -> ApiException.of(409, "an account with this email exists", "email")
                        .withCode(ErrorCode.EMAIL_TAKEN));
        JsonHttp.created(res, session(fan.fanId(), sessions.start(fan.fanId())));
    }

    private void signIn(ServerRequest req, ServerResponse res) {
        SignIn body = JsonHttp.read(req, SignIn.class, MAX_BODY_BYTES);
        Fan fan = fans.findByEmail(body.email()).orElse(null);
        if (!passwords.matches(body.password(), fan == null ? null : fan.passwordHash())) {
            throw ApiException.unauthorized("wrong email or password");
        }
        JsonHttp.ok(res, session(fan.fanId(), sessions.start(fan.fanId())));
    }

    /** No password hash: the refresh token is the proof, and a renewal costs one SQL statement and one signature. */
    private void refresh(ServerRequest req, ServerResponse res) {
        limits.address(req);
        Refresh body = JsonHttp.read(req, Refresh.class, MAX_REFRESH_BODY_BYTES);
        Renewal renewal = sessions.renew(body.refreshToken());
        switch (renewal.outcome()) {
            case RENEWED -> JsonHttp.ok(res, session(renewal.fanId(), renewal.next()));
            case REUSED -> throw ApiException.unauthorized(
                    "refresh token already used: this session has been ended everywhere, sign in again");
            case REJECTED -> throw ApiException.unauthorized(
                    "refresh token rejected: unknown, expired or revoked, sign in again");
        }
    }

    /** Revokes every refresh token of the fan; their access tokens run out by themselves (they are short). */
    private void signOutEverywhere(ServerRequest req, ServerResponse res) {
        limits.address(req);
        sessions.revokeAll(guard.fan(req), "sign-out");
        res.status(204).send();
    }

    private Session session(String fanId, RefreshToken refresh) {
        IssuedToken token = tokens.fanToken(fanId);
        return new Session(token.token(), fanId, token.expiresAt(), refresh.secret(), refresh.expiresAt());
    }
}
