package dev.floodgate.edge.operator;

import com.password4j.Argon2Function;
import com.password4j.types.Argon2;
import dev.floodgate.contracts.error.ApiException;
import dev.floodgate.contracts.http.JsonHttp;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.Semaphore;

/**
 * HTTP Basic for the operator API. The configured password is kept only as an Argon2id hash made at start; each
 * request's password is hashed with the same salt and compared in constant time, as is the user name (so neither
 * comparison leaks where it differs). Anything but valid Basic credentials, a fan's bearer token included, is a 401
 * with {@code WWW-Authenticate}.
 */
public final class OperatorAuth implements Handler {
    static final String CHALLENGE = "Basic realm=\"floodgate-operator\", charset=\"UTF-8\"";
    private static final Argon2Function ARGON2 = Argon2Function.getInstance(19 * 1024, 2, 1, 32, Argon2.ID);
    private static final int MAX_HEADER_CHARS = 1024;

    private final byte[] username;
    private final byte[] salt;
    private final byte[] passwordHash;
    /** Operators are few; a flood of wrong guesses must not eat the edge's memory with parallel Argon2 runs. */
    private final Semaphore turns = new Semaphore(2, true);

    public OperatorAuth(String username, String password) {
        if (username == null || username.isBlank() || password == null || password.length() < 12) {
            throw new IllegalArgumentException("operator.username and operator.password (12+ characters) are required");
        }
        this.username = username.getBytes(StandardCharsets.UTF_8);
        this.salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        this.passwordHash = hash(password);
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        if (authenticated(req.headers().first(HeaderNames.AUTHORIZATION).orElse(null))) {
            res.next();
            return;
        }
        res.header(HeaderNames.WWW_AUTHENTICATE, CHALLENGE);
        JsonHttp.sendError(res, ApiException.unauthorized("operator credentials required"));
    }

    boolean authenticated(String header) {
        if (header == null || header.length() > MAX_HEADER_CHARS || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return false;
        }
        boolean userOk = MessageDigest.isEqual(username, decoded.substring(0, colon).getBytes(StandardCharsets.UTF_8));
        boolean passwordOk = MessageDigest.isEqual(passwordHash, hashWithTurn(decoded.substring(colon + 1)));
        return userOk & passwordOk;
    }

    private byte[] hashWithTurn(String password) {
        try {
            turns.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("interrupted");
        }
        try {
            return hash(password);
        } finally {
            turns.release();
        }
    }

    private byte[] hash(String password) {
        return ARGON2.hash(password.getBytes(StandardCharsets.UTF_8), salt).getBytes();
    }
}
