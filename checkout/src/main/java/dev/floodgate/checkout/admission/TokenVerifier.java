package dev.floodgate.checkout.admission;

import dev.floodgate.contracts.error.ApiException;
import dev.floodgate.contracts.error.ErrorCode;
import io.helidon.http.HeaderNames;
import io.helidon.security.jwt.Jwt;
import io.helidon.security.jwt.SignedJwt;
import io.helidon.security.jwt.Validator;
import dev.floodgate.runtime.token.Es256Signatures;
import io.helidon.security.jwt.jwk.Jwk;
import io.helidon.security.jwt.jwk.JwkKeys;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import io.helidon.webserver.http.ServerRequest;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;

import java.io.StringReader;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Verifies the tokens queue-edge signs, using the public keys it publishes (JWKS). Fails closed: whatever goes wrong
 * while checking a token (no keys, unknown key, bad signature, wrong audience, expired) denies.
 *
 * <p>Tokens that verified are remembered by their exact text and the audiences asked for (bounded: when full it starts
 * over), so a fan polling an order, or retrying a POST, pays for one ECDSA check (~0.5 ms of CPU here), not one per
 * request. A hit still checks the expiry against the clock; failures are never remembered. A token stays accepted
 * until it expires even if its key leaves the JWKS meanwhile (the tokens are short-lived; queue-edge does the same).
 *
 * <p>The signature itself is checked by {@link Es256Signatures} (Bouncy Castle's P-256, ~5x cheaper than the JDK's
 * here): every order carries a token checkout has not seen yet, so this check is a large share of an order's CPU.
 */
public final class TokenVerifier {
    public static final String ADMISSION_AUDIENCE = "floodgate-admission";
    public static final String FAN_AUDIENCE = "floodgate-fan";
    /** The issuer queue-edge writes into every token it signs. */
    public static final String ISSUER = "floodgate-queue-edge";
    private static final int MAX_TOKEN_CHARS = 4096;
    private static final System.Logger LOG = System.getLogger(TokenVerifier.class.getName());

    private final WebClient client;
    private final String jwksUrl;
    private final Clock clock;
    private final Duration minRefreshInterval;
    private volatile JwkKeys keys;
    private volatile long lastFetchMillis = Long.MIN_VALUE / 2;
    private final int maxRemembered;
    private final java.util.Map<String, Jwt> verified = new java.util.concurrent.ConcurrentHashMap<>();
    private final Es256Signatures signatures = new Es256Signatures();

    public TokenVerifier(String jwksUrl, Duration minRefreshInterval, Clock clock) {
        this(jwksUrl, minRefreshInterval, clock, DEFAULT_REMEMBERED);
    }

    /** Default of {@code admission.verified-cache-entries}. */
    public static final int DEFAULT_REMEMBERED = 20_000;
    private static final long SKEW_SECONDS = 5;

    /** @param maxRemembered verified tokens kept (0: none) */
    public TokenVerifier(String jwksUrl, Duration minRefreshInterval, Clock clock, int maxRemembered) {
        if (maxRemembered < 0) {
            throw new IllegalArgumentException("admission.verified-cache-entries must not be negative");
        }
        this.maxRemembered = maxRemembered;
        this.jwksUrl = jwksUrl;
        this.minRefreshInterval = minRefreshInterval;
        this.clock = clock;
        this.client = WebClient.builder().connectTimeout(Duration.ofSeconds(2)).readTimeout(Duration.ofSeconds(3))
                .build();
    }

    /** A valid admission token for {@code eventId}; 401 without one, 403 for another event's. */
    public Caller admission(ServerRequest req, String eventId) {
        Jwt jwt = verify(bearer(req), ADMISSION_AUDIENCE);
        String tokenEvent = jwt.payloadClaim("event").filter(v -> v instanceof JsonString)
                .map(v -> ((JsonString) v).getString()).orElse(null);
        if (!eventId.equals(tokenEvent)) {
            throw ApiException.forbidden("the admission token is for another event");
        }
        return new Caller(subject(jwt), eventId);
    }

    /** A valid fan token or admission token: either proves who the fan is. */
    public Caller fan(ServerRequest req) {
        String token = bearer(req);
        Jwt jwt = verify(token, FAN_AUDIENCE, ADMISSION_AUDIENCE);
        return new Caller(subject(jwt), null);
    }

    private Jwt verify(String token, String... audiences) {
        String key = maxRemembered == 0 ? null : String.join(",", audiences) + ' ' + token;
        if (key != null) {
            Jwt hit = verified.get(key);
            if (hit != null) {
                // Same expiry rule (and skew) as the full check below.
                if (clock.instant().isBefore(hit.expirationTime().orElseThrow().plusSeconds(SKEW_SECONDS))) {
                    return hit;
                }
                verified.remove(key);
                throw ApiException.unauthorized("token expired or not yet valid").withCode(ErrorCode.TOKEN_EXPIRED);
            }
        }
        Jwt jwt = verifyFully(token, audiences);
        if (key != null) {
            if (verified.size() >= maxRemembered) {
                verified.clear();
            }
            verified.put(key, jwt);
        }
        return jwt;
    }

    private Jwt verifyFully(String token, String... audiences) {
        try {
            SignedJwt signed = SignedJwt.parseToken(token);
            Jwt jwt = signed.getJwt();
            String alg = jwt.algorithm().orElse("none");
            if (!alg.equals("ES256")) {
                throw ApiException.unauthorized("token algorithm not accepted");
            }
            String kid = jwt.keyId().orElseThrow(() -> ApiException.unauthorized("token has no key id"));
            JwkKeys current = keysFor(kid);
            Optional<Jwk> jwk = current.forKeyId(kid);
            if (jwk.isEmpty()) {
                throw ApiException.unauthorized("token signed by an unknown key");
            }
            if (!signatures.verify(jwk.get(), signed.getSignedBytes(), signed.getSignature())) {
                throw ApiException.unauthorized("token signature is not valid");
            }
            List<Validator<Jwt>> validators = new ArrayList<>(
                    Jwt.defaultTimeValidators(clock.instant(), (int) SKEW_SECONDS, java.time.temporal.ChronoUnit.SECONDS,
                            false));
            // Every token we accept must expire; the validators check exp, nbf and iat when present.
            if (jwt.expirationTime().isEmpty() || !jwt.validate(validators).isValid()) {
                throw ApiException.unauthorized("token expired or not yet valid").withCode(ErrorCode.TOKEN_EXPIRED);
            }
            if (!jwt.issuer().map(ISSUER::equals).orElse(false)) {
                throw ApiException.unauthorized("token from an unknown issuer");
            }
            List<String> aud = jwt.audience().orElse(List.of());
            if (aud.stream().noneMatch(a -> List.of(audiences).contains(a))) {
                throw ApiException.unauthorized("token is not meant for this service");
            }
            return jwt;
        } catch (ApiException e) {
            throw e.code() == ErrorCode.TOKEN_EXPIRED ? e : e.withCode(ErrorCode.TOKEN_INVALID);
        } catch (RuntimeException e) {
            // Fail closed: a token we cannot fully check is no token.
            throw ApiException.unauthorized("token is not valid").withCode(ErrorCode.TOKEN_INVALID);
        }
    }

    private static String subject(Jwt jwt) {
        return jwt.subject().filter(s -> !s.isBlank() && s.length() <= 64)
                .orElseThrow(() -> ApiException.unauthorized("token has no subject").withCode(ErrorCode.TOKEN_INVALID));
    }

    private static String bearer(ServerRequest req) {
        Optional<String> header = req.headers().first(HeaderNames.AUTHORIZATION);
        if (header.isEmpty() || !header.get().regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw ApiException.unauthorized("a bearer token is required");
        }
        String token = header.get().substring(7).trim();
        if (token.isEmpty() || token.length() > MAX_TOKEN_CHARS) {
            throw ApiException.unauthorized("a bearer token is required");
        }
        return token;
    }

    /**
     * Current keys; refetched when a token names a key we do not know (rotation), at most once per interval.
     * Callers that arrive during a fetch wait for it rather than fail, so the first burst of requests is served.
     */
    private JwkKeys keysFor(String kid) {
        JwkKeys current = keys;
        if (current != null && current.forKeyId(kid).isPresent()) {
            return current;
        }
        synchronized (this) {
            current = keys;
            boolean known = current != null && current.forKeyId(kid).isPresent();
            if (!known && clock.millis() - lastFetchMillis >= minRefreshInterval.toMillis()) {
                lastFetchMillis = clock.millis();
                try {
                    current = fetch();
                    keys = current;
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "cannot fetch JWKS from " + jwksUrl + ": " + e);
                }
            }
        }
        if (current == null) {
            throw ApiException.unavailable("token keys are not available yet");
        }
        return current;
    }

    private JwkKeys fetch() {
        try (HttpClientResponse res = client.get(jwksUrl).request()) {
            if (res.status().code() != 200) {
                throw new IllegalStateException("JWKS answered " + res.status().code());
            }
            JsonObject json = Json.createReader(new StringReader(res.as(String.class))).readObject();
            return JwkKeys.builder().json(json).build();
        }
    }
}
