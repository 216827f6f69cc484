package dev.floodgate.checkout;

import io.helidon.http.HeaderNames;
import io.helidon.security.jwt.Jwt;
import io.helidon.security.jwt.SignedJwt;
import io.helidon.security.jwt.jwk.JwkEC;
import io.helidon.webserver.WebServer;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.UUID;

/**
 * Stands in for queue-edge's token issuing in checkout's own tests: an ES256 key, tokens signed with it, and the
 * public key served as JWKS over real HTTP, exactly the contract checkout relies on.
 */
final class TestIssuer implements AutoCloseable {
    private final String kid = "test-" + UUID.randomUUID();
    private final KeyPair keys = generate();
    private final JwkEC jwk = JwkEC.builder().keyId(kid).algorithm(JwkEC.ALG_ES256)
            .privateKey((ECPrivateKey) keys.getPrivate()).publicKey((ECPublicKey) keys.getPublic()).build();
    private final WebServer server;

    TestIssuer() {
        String jwks = "{\"keys\":[" + publicJwk() + "]}";
        server = WebServer.builder().host("127.0.0.1").port(0)
                .routing(r -> r.get("/.well-known/jwks.json", (req, res) -> {
                    res.header(HeaderNames.CONTENT_TYPE, "application/json");
                    res.send(jwks);
                }))
                .build().start();
    }

    String jwksUrl() {
        return "http://127.0.0.1:" + server.port() + "/.well-known/jwks.json";
    }

    String admission(String fanId, String eventId) {
        return sign(fanId, "floodgate-admission", eventId, Duration.ofMinutes(10));
    }

    String fan(String fanId) {
        return sign(fanId, "floodgate-fan", null, Duration.ofHours(1));
    }

    String expiredAdmission(String fanId, String eventId) {
        return sign(fanId, "floodgate-admission", eventId, Duration.ofMinutes(-10));
    }

    String sign(String fanId, String audience, String eventId, Duration validFor) {
        Instant now = Instant.now();
        Jwt.Builder jwt = Jwt.builder().keyId(kid).algorithm(JwkEC.ALG_ES256).subject(fanId).addAudience(audience)
                .issuer("floodgate-queue-edge").issueTime(now.minusSeconds(60)).expirationTime(now.plus(validFor));
        if (eventId != null) {
            jwt.addPayloadClaim("event", eventId);
        }
        return SignedJwt.sign(jwt.build(), jwk).tokenContent();
    }

    private String publicJwk() {
        ECPublicKey pub = (ECPublicKey) keys.getPublic();
        return "{\"kty\":\"EC\",\"crv\":\"P-256\",\"use\":\"sig\",\"alg\":\"ES256\",\"kid\":\"" + kid + "\",\"x\":\""
                + coordinate(pub.getW().getAffineX()) + "\",\"y\":\"" + coordinate(pub.getW().getAffineY()) + "\"}";
    }

    private static String coordinate(BigInteger value) {
        byte[] raw = value.toByteArray();
        byte[] fixed = new byte[32];
        int copy = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - copy, fixed, 32 - copy, copy);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(fixed);
    }

    private static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop();
    }

    @Override
    public String toString() {
        return "TestIssuer" + Arrays.asList(kid);
    }
}
