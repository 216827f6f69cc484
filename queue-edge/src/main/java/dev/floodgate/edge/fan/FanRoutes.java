package dev.floodgate.edge.fan;

import dev.floodgate.contracts.error.ApiException;
import dev.floodgate.contracts.http.JsonHttp;
import dev.floodgate.edge.token.IssuedToken;
import dev.floodgate.edge.token.TokenIssuer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** Sign-up ({@code POST /api/fans}) and sign-in ({@code POST /api/sessions}). */
public final class FanRoutes {
    /** Bodies are three short strings; 2 KiB is plenty. */
    static final int MAX_BODY_BYTES = 2048;

    private final FanStore fans;
    private final Passwords passwords;
    private final TokenIssuer tokens;

    public FanRoutes(FanStore fans, Passwords passwords, TokenIssuer tokens) {
        this.fans = fans;
        this.passwords = passwords;
        this.tokens = tokens;
    }

    public void routes(HttpRouting.Builder routing) {
        routing.post("/api/fans", this::signUp);
        routing.post("/api/sessions", this::signIn);
    }

    private void signUp(ServerRequest req, ServerResponse res) {
        SignUp body = JsonHttp.read(req, SignUp.class, MAX_BODY_BYTES);
        Fan fan = fans.create(body.email(), passwords.hash(body.password()), body.displayName())
                .orElseThrow(() -> ApiException.of(409, "an account with this email exists", "email"));
        JsonHttp.created(res, session(fan));
    }

    private void signIn(ServerRequest req, ServerResponse res) {
        SignIn body = JsonHttp.read(req, SignIn.class, MAX_BODY_BYTES);
        Fan fan = fans.findByEmail(body.email()).orElse(null);
        if (!passwords.matches(body.password(), fan == null ? null : fan.passwordHash())) {
            throw ApiException.unauthorized("wrong email or password");
        }
        JsonHttp.ok(res, session(fan));
    }

    private Session session(Fan fan) {
        IssuedToken token = tokens.fanToken(fan.fanId());
        return new Session(token.token(), fan.fanId(), token.expiresAt());
    }
}
