package dev.floodgate.edge.token;

import dev.floodgate.contracts.http.Json;
import dev.floodgate.edge.support.Http;
import dev.floodgate.edge.support.RunningEdge;
import dev.floodgate.edge.support.TestGrid;
import dev.floodgate.engines.fixture.Engines;
import dev.floodgate.engines.fixture.MutableClock;
import dev.floodgate.engines.fixture.SharedEngines;
import dev.floodgate.grid.queue.QueueState;
import io.helidon.security.jwt.Jwt;
import io.helidon.security.jwt.SignedJwt;
import io.helidon.security.jwt.jwk.Jwk;
import io.helidon.security.jwt.jwk.JwkEC;
import io.helidon.security.jwt.jwk.JwkRSA;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A deployment that trusts an external identity provider: a real HTTP server in the test plays the provider and
 * serves the JWKS of keys made here (RS256 and ES256); its fans join, watch and leave queues; every forged, misused
 * or unverifiable token is refused with the error body. A second configured provider is down throughout.
 */
@ExtendWith(SharedEngines.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExternalIdentityProviderTest {
    private static final String ISSUER = "https://id.acme.test/";
    private static final String AUDIENCE = "floodgate-tickets";
    private static final String DOWN_ISSUER = "https://id.down.test/";
    private static final Duration MIN_REFETCH = Duration.ofSeconds(10);
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final MutableClock clock = MutableClock.startingNow();
    private final List<Map<String, Object>> published = new CopyOnWriteArrayList<>();
    private final AtomicInteger jwksFetches = new AtomicInteger();
    private WebServer idp;
    private RunningEdge edge;
    private Signer rsa;
    private Signer ec;

    /** A key of the provider: signs its tokens; its public part is in the JWKS once published. */
    private record Signer(String kid, Jwk privateJwk, Map<String, Object> publicJwk, KeyPair pair) {
    }

    @BeforeAll
    void start(Engines engines) throws Exception {
        rsa = rsaKey("rsa-1");
        ec = ecKey("ec-1");
        published.add(rsa.publicJwk);
        published.add(ec.publicJwk);
        idp = WebServer.builder().host("127.0.0.1").port(0).routing(r -> r.get("/jwks", (req, res) -> {
            jwksFetches.incrementAndGet();
            res.header("Content-Type", "application/json");
            res.send(Json.writeString(Map.of("keys", List.copyOf(published))));
        })).build().start();
        Map<String, String> config = new HashMap<>();
        config.putAll(provider(0, "acme", ISSUER, "http://127.0.0.1:" + idp.port() + "/jwks"));
        config.putAll(provider(1, "downco", DOWN_ISSUER, "http://127.0.0.1:" + closedPort() + "/jwks"));
        edge = new RunningEdge(engines, config, clock);
    }

    private static Map<String, String> provider(int i, String name, String issuer, String url) {
        String p = "token.external-issuers." + i + ".";
        return Map.of(p + "name", name, p + "issuer", issuer, p + "jwks-url", url, p + "audience", AUDIENCE,
                p + "algorithms.0", "RS256", p + "algorithms.1", "ES256",
                p + "jwks-timeout-millis", "1000", p + "jwks-min-refetch-millis", Long.toString(MIN_REFETCH.toMillis()),
                p + "clock-skew-millis", "0");
    }

    @AfterAll
    void stop() {
        edge.close();
        idp.stop();
    }

    // ---- what is accepted ----

    @Test
    void aProvidersRs256TokenJoinsWatchesAndLeavesAsAFanNamedByTheProvider() {
        String eventId = openEvent();
        String auth = Http.bearer(token(rsa, claims("alice")));
        Http.Response joined = edge.http.post(queue(eventId), null, auth);
        assertThat(joined.status()).as(joined.body()).isEqualTo(201);
        assertThat(spots(eventId).containsKey("acme:alice")).isTrue();
        assertThat(edge.http.get(queue(eventId), auth).json().path("ticket").asLong())
                .isEqualTo(joined.json().path("ticket").asLong());
        assertThat(edge.http.post(queue(eventId) + "/stream-ticket", null, auth).status()).isEqualTo(200);
        assertThat(edge.http.delete(queue(eventId), auth).status()).isEqualTo(204);
        assertThat(spots(eventId).containsKey("acme:alice")).isFalse();
    }

    @Test
    void aProvidersEs256TokenIsAcceptedToo() {
        String eventId = openEvent();
        Http.Response joined = edge.http.post(queue(eventId), null, Http.bearer(token(ec, claims("bob"))));
        assertThat(joined.status()).as(joined.body()).isEqualTo(201);
        assertThat(spots(eventId).containsKey("acme:bob")).isTrue();
    }

    @Test
    void anExternalFanNeverCollidesWithALocalFanOfTheSameId() {
        String eventId = openEvent();
        RunningEdge.SignedUp local = edge.signUp();
        assertThat(edge.http.post(queue(eventId), null, local.auth()).status()).isEqualTo(201);
        Http.Response external = edge.http.post(queue(eventId), null,
                Http.bearer(token(rsa, claims(local.fanId()))));
        assertThat(external.status()).as("a new fan, not the local one").isEqualTo(201);
        assertThat(spots(eventId).keySet()).containsExactlyInAnyOrder(local.fanId(), "acme:" + local.fanId());
    }

    @Test
    void anAdmittedExternalFanGetsFloodgatesAdmissionTokenButTheProvidersTokenIsNoAdmission() {
        String eventId = openEvent();
        String auth = Http.bearer(token(rsa, claims("carol")));
        edge.http.post(queue(eventId), null, auth);
        Http.Response status = edge.http.get(queue(eventId), auth);
        assertThat(status.json().path("state").asText()).isEqualTo("ADMITTED");
        String admission = status.json().path("admissionToken").asText();
        Map<String, Object> hold = Map.of("categoryId", "floor", "quantity", 1, "requestId", "r-1");
        assertThat(edge.http.post("/api/events/" + eventId + "/holds", hold, Http.bearer(admission)).status())
                .isEqualTo(201);
        Map<String, Object> asAdmission = claims("carol");
        asAdmission.put("aud", "floodgate-admission");
        asAdmission.put("event", eventId);
        Http.Response forged = edge.http.post("/api/events/" + eventId + "/holds",
                Map.of("categoryId", "floor", "quantity", 1, "requestId", "r-2"),
                Http.bearer(token(rsa, asAdmission)));
        assertThat(forged.status()).isEqualTo(401);
        assertThat(forged.error()).startsWith("admission token rejected");
    }

    @Test
    void aKeyTheProviderRotatesInIsFetchedWhenATokenNamesIt() throws Exception {
        String eventId = openEvent();
        clock.advance(MIN_REFETCH.plusSeconds(1));
        Signer rotated = rsaKey("rsa-2");
        published.add(rotated.publicJwk);
        Http.Response joined = edge.http.post(queue(eventId), null, Http.bearer(token(rotated, claims("dave"))));
        assertThat(joined.status()).as(joined.body()).isEqualTo(201);
    }

    // ---- what is refused ----

    @Test
    void aTokenOfAnotherIssuerIsRefused() {
        Map<String, Object> claims = claims("eve");
        claims.put("iss", "https://evil.test/");
        assertRefused(token(rsa, claims), 401);
    }

    @Test
    void aTokenForAnotherAudienceIsRefused() {
        Map<String, Object> claims = claims("eve");
        claims.put("aud", "someone-else");
        assertRefused(token(rsa, claims), 401, "token rejected: token not meant for this use");
    }

    @Test
    void anExpiredTokenIsRefused() {
        Map<String, Object> claims = claims("eve");
        claims.put("exp", clock.instant().minusSeconds(1).getEpochSecond());
        assertRefused(token(rsa, claims), 401, "token rejected: token expired");
    }

    @Test
    void aTokenWithoutExpiryIsRefused() {
        Map<String, Object> claims = claims("eve");
        claims.remove("exp");
        assertRefused(token(rsa, claims), 401, "token rejected: token has no expiry");
    }

    @Test
    void anUnknownKidIsRefusedAfterOneRefetchAndAFloodOfThemFetchesNoMore() throws Exception {
        clock.advance(MIN_REFETCH.plusSeconds(1));
        Signer stranger = rsaKey("never-published");
        int before = jwksFetches.get();
        assertRefused(token(stranger, claims("eve")), 401, "token rejected: unknown signing key");
        assertThat(jwksFetches.get()).as("refetched once for the unknown kid").isEqualTo(before + 1);
        for (int i = 0; i < 20; i++) {
            Signer bogus = new Signer("bogus-" + i, stranger.privateJwk, stranger.publicJwk, stranger.pair);
            assertRefused(token(bogus, claims("eve")), 401, "token rejected: unknown signing key");
        }
        assertThat(jwksFetches.get()).as("no more fetches within the refetch gap").isEqualTo(before + 1);
    }

    @Test
    void algNoneIsRefused() {
        Map<String, Object> header = Map.of("alg", "none", "kid", rsa.kid, "typ", "JWT");
        assertRefused(compact(header, claims("eve"), new byte[0]), 401, "token rejected: unsupported token algorithm");
    }

    @Test
    void hs256SignedWithTheProvidersPublicKeyIsRefused() throws Exception {
        Map<String, Object> header = Map.of("alg", "HS256", "kid", rsa.kid, "typ", "JWT");
        String signingInput = part(header) + "." + part(claims("eve"));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(rsa.pair.getPublic().getEncoded(), "HmacSHA256"));
        byte[] signature = mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
        assertRefused(signingInput + "." + B64.encodeToString(signature), 401,
                "token rejected: unsupported token algorithm");
    }

    @Test
    void aTokenSignedByAnotherKeyUnderAPublishedKidIsRefused() throws Exception {
        Signer impostor = rsaKey(rsa.kid);
        assertRefused(token(impostor, claims("eve")), 401, "token rejected: bad token signature");
    }

    @Test
    void aTokenOfAProviderThatCannotBeReachedIsRefusedWith503() {
        Map<String, Object> claims = claims("frank");
        claims.put("iss", DOWN_ISSUER);
        Http.Response res = edge.http.post(queue(openEvent()), null, Http.bearer(token(rsa, claims)));
        assertThat(res.status()).isEqualTo(503);
        assertThat(res.error()).contains("identity provider 'downco' cannot be reached");
        // Still refused (and not refetched: fail closed, the provider is asked at most once per gap).
        assertThat(edge.http.post(queue(openEvent()), null, Http.bearer(token(rsa, claims))).status())
                .isEqualTo(503);
    }

    // ---- helpers ----

    private void assertRefused(String token, int status, String... message) {
        String eventId = openEvent();
        Http.Response res = edge.http.post(queue(eventId), null, Http.bearer(token));
        assertThat(res.status()).as(res.body()).isEqualTo(status);
        assertThat(res.error()).isNotBlank();
        if (message.length > 0) {
            assertThat(res.error()).isEqualTo(message[0]);
        }
        assertThat(edge.http.get(queue(eventId), Http.bearer(token)).status()).isEqualTo(status);
        assertThat(spots(eventId).size()).isZero();
    }

    private String openEvent() {
        String eventId = TestGrid.uniqueEventId("idp");
        edge.createEvent(eventId, 100, 4, 600, 10);
        edge.queueAction(eventId, "open");
        return eventId;
    }

    private static String queue(String eventId) {
        return "/api/events/" + eventId + "/queue";
    }

    private com.hazelcast.map.IMap<String, Integer> spots(String eventId) {
        return edge.grid.hazelcast().getMap(QueueState.spotsMap(eventId));
    }

    private Map<String, Object> claims(String subject) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", ISSUER);
        claims.put("sub", subject);
        claims.put("aud", AUDIENCE);
        claims.put("iat", now.getEpochSecond());
        claims.put("exp", now.plus(Duration.ofMinutes(30)).getEpochSecond());
        return claims;
    }

    /** A token the provider's key really signs (through Helidon's JWT signing). */
    private static String token(Signer signer, Map<String, Object> claims) {
        Jwt.Builder jwt = Jwt.builder().algorithm(signer.privateJwk.algorithm()).keyId(signer.kid).type("JWT");
        for (Map.Entry<String, Object> c : claims.entrySet()) {
            switch (c.getKey()) {
                case "iss" -> jwt.issuer((String) c.getValue());
                case "sub" -> jwt.subject((String) c.getValue());
                case "aud" -> jwt.addAudience((String) c.getValue());
                case "iat" -> jwt.issueTime(Instant.ofEpochSecond((Long) c.getValue()));
                case "exp" -> jwt.expirationTime(Instant.ofEpochSecond((Long) c.getValue()));
                default -> jwt.addPayloadClaim(c.getKey(), c.getValue());
            }
        }
        return SignedJwt.sign(jwt.build(), signer.privateJwk).tokenContent();
    }

    private static String compact(Map<String, Object> header, Map<String, Object> claims, byte[] signature) {
        return part(header) + "." + part(claims) + "." + B64.encodeToString(signature);
    }

    private static String part(Map<String, Object> json) {
        return B64.encodeToString(Json.writeString(json).getBytes(StandardCharsets.UTF_8));
    }

    private static Signer rsaKey(String kid) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        RSAPublicKey pub = (RSAPublicKey) pair.getPublic();
        Jwk jwk = JwkRSA.builder().publicKey(pub).privateKey((RSAPrivateKey) pair.getPrivate())
                .keyId(kid).algorithm(JwkRSA.ALG_RS256).usage(Jwk.USE_SIGNATURE).build();
        Map<String, Object> published = new LinkedHashMap<>();
        published.put("kty", "RSA");
        published.put("kid", kid);
        published.put("use", "sig");
        published.put("alg", "RS256");
        published.put("n", unsigned(pub.getModulus(), 256));
        published.put("e", unsigned(pub.getPublicExponent(), 0));
        return new Signer(kid, jwk, published, pair);
    }

    private static Signer ecKey(String kid) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        ECPublicKey pub = (ECPublicKey) pair.getPublic();
        Jwk jwk = JwkEC.builder().publicKey(pub).privateKey((ECPrivateKey) pair.getPrivate())
                .keyId(kid).algorithm(JwkEC.ALG_ES256).usage(Jwk.USE_SIGNATURE).build();
        Map<String, Object> published = new LinkedHashMap<>();
        published.put("kty", "EC");
        published.put("crv", "P-256");
        published.put("kid", kid);
        published.put("use", "sig");
        published.put("alg", "ES256");
        published.put("x", unsigned(pub.getW().getAffineX(), 32));
        published.put("y", unsigned(pub.getW().getAffineY(), 32));
        return new Signer(kid, jwk, published, pair);
    }

    /** Base64url of the big-endian unsigned value, left-padded to {@code length} bytes (0: minimal). */
    private static String unsigned(BigInteger value, int length) {
        byte[] raw = value.toByteArray();
        int start = raw.length > 1 && raw[0] == 0 ? 1 : 0;
        int size = Math.max(length, raw.length - start);
        byte[] out = new byte[size];
        System.arraycopy(raw, start, out, size - (raw.length - start), raw.length - start);
        return B64.encodeToString(out);
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
