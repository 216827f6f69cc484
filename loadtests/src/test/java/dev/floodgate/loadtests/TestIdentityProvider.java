package dev.floodgate.loadtests;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.Executors;

/**
 * A test identity provider inside the Gatling JVM: an ES256 (P-256) key made at start, its JWKS served over plain HTTP
 * on 127.0.0.1 by the JDK's {@code com.sun.net.httpserver}, and fan tokens signed with the JDK. The edge trusts it as
 * an external issuer ({@code token.external-issuers}, which {@code ./floodgate load} configures), so fans arrive
 * signed in without the Argon2 sign-up that dominates the cost of a spike of new accounts: a real drop's fans mostly
 * come with a session they made days before, at their identity provider.
 *
 * <p>The edge fetches the JWKS lazily, on the first token it sees, and keeps it for {@code jwks-refresh-millis}; the
 * server must therefore be up before the first fan arrives and stay up for the whole run (a refetch that fails leaves
 * the edge on its cached keys until {@code jwks-max-stale-millis}).
 */
final class TestIdentityProvider implements AutoCloseable {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final KeyPair keys;
    private final String kid;
    private final String headerB64;
    private final String issuer;
    private final String audience;
    private final Duration tokenLifetime;
    private final HttpServer server;
    private final ThreadLocal<Signature> signers;

    /** Starts serving {@code /jwks.json} on {@code host:port} (port 0: any free one). */
    TestIdentityProvider(String host, int port, String issuer, String audience, Duration tokenLifetime) {
        this.issuer = issuer;
        this.audience = audience;
        this.tokenLifetime = tokenLifetime;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            keys = generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no P-256 key generator in this JDK", e);
        }
        ECPublicKey pub = (ECPublicKey) keys.getPublic();
        String x = B64.encodeToString(unsigned32(pub.getW().getAffineX()));
        String y = B64.encodeToString(unsigned32(pub.getW().getAffineY()));
        kid = thumbprint(x, y);
        headerB64 = b64("{\"alg\":\"ES256\",\"typ\":\"JWT\",\"kid\":\"" + kid + "\"}");
        byte[] jwks = ("{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"" + kid + "\",\"use\":\"sig\","
                + "\"alg\":\"ES256\",\"x\":\"" + x + "\",\"y\":\"" + y + "\"}]}").getBytes(StandardCharsets.UTF_8);
        // JWS wants the raw r||s signature (64 bytes), which this JDK name produces directly.
        signers = ThreadLocal.withInitial(() -> {
            try {
                Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
                s.initSign(keys.getPrivate());
                return s;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(host), port), 50);
        } catch (IOException e) {
            throw new UncheckedIOException("the test identity provider cannot listen on " + host + ":" + port, e);
        }
        server.createContext("/jwks.json", exchange -> {
            try (exchange) {
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, jwks.length);
                exchange.getResponseBody().write(jwks);
            }
        });
        // Virtual threads: a JWKS answer never waits behind another one, even while the injector is busy.
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    String jwksUrl() {
        return "http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort() + "/jwks.json";
    }

    String kid() {
        return kid;
    }

    /** A fan token for {@code subject}: iss, aud, sub, iat, exp, signed ES256 with this provider's key. */
    String tokenFor(String subject) {
        long now = Instant.now().getEpochSecond();
        String payload = b64("{\"iss\":\"" + issuer + "\",\"aud\":\"" + audience + "\",\"sub\":\"" + subject
                + "\",\"iat\":" + now + ",\"exp\":" + (now + tokenLifetime.toSeconds()) + "}");
        String signingInput = headerB64 + "." + payload;
        try {
            Signature signer = signers.get();
            signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + B64.encodeToString(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing a test token failed", e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private static String b64(String json) {
        return B64.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    /** A P-256 coordinate as the 32 big-endian bytes JWK wants (BigInteger adds a sign byte or drops leading zeros). */
    private static byte[] unsigned32(BigInteger value) {
        byte[] raw = value.toByteArray();
        byte[] out = new byte[32];
        int copy = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - copy, out, 32 - copy, copy);
        return out;
    }

    /** RFC 7638 thumbprint of the EC key: SHA-256 of the required members in lexicographic order. */
    private static String thumbprint(String x, String y) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(
                    ("{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"" + x + "\",\"y\":\"" + y + "\"}")
                            .getBytes(StandardCharsets.UTF_8));
            return B64.encodeToString(Arrays.copyOf(digest, digest.length));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
