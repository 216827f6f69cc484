package dev.floodgate.worker.operator;

import dev.floodgate.contracts.error.ApiException;
import dev.floodgate.contracts.http.JsonHttp;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * HTTP Basic for the worker's operator endpoints ({@code operator.username} / {@code operator.password}, as on
 * queue-edge). Only SHA-256 digests of the expected credentials are kept; both parts are compared in constant time.
 * These endpoints are few and cheap to guard, so a fast digest is enough (queue-edge's Argon2 guards a public API).
 */
public final class OperatorAuth implements Handler {
    private static final String CHALLENGE = "Basic realm=\"floodgate-operator\", charset=\"UTF-8\"";
    private final byte[] user;
    private final byte[] password;

    public OperatorAuth(String username, String password) {
        if (username == null || username.isBlank() || password == null || password.length() < 12) {
            throw new IllegalArgumentException("operator.username and operator.password (12+ characters) are required");
        }
        this.user = sha256(username);
        this.password = sha256(password);
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        String header = req.headers().first(HeaderNames.AUTHORIZATION).orElse(null);
        if (header != null && header.length() <= 1024 && header.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()),
                        StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                if (colon > 0 && MessageDigest.isEqual(user, sha256(decoded.substring(0, colon)))
                        & MessageDigest.isEqual(password, sha256(decoded.substring(colon + 1)))) {
                    res.next();
                    return;
                }
            } catch (IllegalArgumentException e) {
                // not Base64: refused below
            }
        }
        res.header(HeaderNames.WWW_AUTHENTICATE, CHALLENGE);
        JsonHttp.sendError(res, ApiException.unauthorized("operator credentials required"));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
