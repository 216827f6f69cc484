package dev.floodgate.edge.token;

import dev.floodgate.runtime.token.TokenVerifier;
import dev.floodgate.runtime.token.VerifiedToken;
import dev.floodgate.runtime.token.TokenRejected;
import dev.floodgate.runtime.token.Audiences;
import dev.floodgate.runtime.token.JwkTokenVerifier;

import dev.floodgate.contracts.http.Json;
import dev.floodgate.engines.fixture.MutableClock;
import io.helidon.security.jwt.Jwt;
import io.helidon.security.jwt.SignedJwt;
import io.helidon.security.jwt.jwk.JwkKeys;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the edge's tokens are, and which tokens its verifier refuses. */
class TokenVerifierTest {
    private static final String ISSUER = "floodgate-queue-edge";
    private static final Base64.Decoder B64 = Base64.getUrlDecoder();
    private static final Base64.Encoder B64E = Base64.getUrlEncoder().withoutPadding();

    private final MutableClock clock = MutableClock.startingNow();
    private final SigningKeys keys = SigningKeys.generate();
    private final TokenIssuer issuer = new TokenIssuer(keys, ISSUER, Duration.ofHours(1), clock);
    private final TokenVerifier verifier = new JwkTokenVerifier(keys::verificationKeys, ISSUER, clock);

    @Test
    void aFanTokenNamesTheFanForTheFanAudience() {
        VerifiedToken token = verifier.verify(issuer.fanToken("fan-1").token(), Audiences.FAN);
        assertThat(token.subject()).isEqualTo("fan-1");
        assertThat(token.expiresAt()).isEqualTo(clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                .plus(Duration.ofHours(1)));
    }

    @Test
    void theSameAdmissionReadAgainGetsTheSameTokenNotANewSignature() {
        Instant expires = clock.instant().plus(Duration.ofMinutes(10));
        String first = issuer.admissionToken("fan-1", "gig", expires).token();
        clock.advance(Duration.ofSeconds(5));
        assertThat(issuer.admissionToken("fan-1", "gig", expires).token()).isEqualTo(first);
        assertThat(issuer.admissionToken("fan-2", "gig", expires).token()).isNotEqualTo(first);
        assertThat(issuer.admissionToken("fan-1", "other-gig", expires).token()).isNotEqualTo(first);
        assertThat(issuer.admissionToken("fan-1", "gig", expires.plusSeconds(60)).token())
                .as("a new admission (another expiry) is a new token").isNotEqualTo(first);
    }

    @Test
    void anAdmissionTokenMadeHereIsKnownToTheVerifiedCacheAtOnceAndANewKeySignsANewOne() {
        var current = new java.util.concurrent.atomic.AtomicReference<>(keys);
        Map<String, VerifiedToken> told = new java.util.concurrent.ConcurrentHashMap<>();
        TokenIssuer issuing = new TokenIssuer(current::get, ISSUER, Duration.ofHours(1), clock, told::put);
        Instant expires = clock.instant().plus(Duration.ofMinutes(10));
        String first = issuing.admissionToken("fan-1", "gig", expires).token();
        VerifiedToken checked = verifier.verify(first, Audiences.ADMISSION);
        VerifiedToken known = told.get(first);
        assertThat(known.subject()).isEqualTo(checked.subject());
        assertThat(known.audience()).isEqualTo(checked.audience());
        assertThat(known.expiresAt()).isEqualTo(checked.expiresAt());
        assertThat(known.claim(Audiences.EVENT_CLAIM)).isEqualTo(checked.claim(Audiences.EVENT_CLAIM)).contains("gig");
        current.set(SigningKeys.generate());
        String afterRotation = issuing.admissionToken("fan-1", "gig", expires).token();
        assertThat(afterRotation).isNotEqualTo(first);
        assertThat(told).containsKey(afterRotation);
    }

    @Test
    void anAdmissionTokenNamesTheEventAndExpiresWhenTold() {
        Instant until = clock.instant().plus(Duration.ofMinutes(10)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        VerifiedToken token = verifier.verify(issuer.admissionToken("fan-1", "concert", until).token(),
                Audiences.ADMISSION);
        assertThat(token.claim(Audiences.EVENT_CLAIM)).contains("concert");
        assertThat(token.expiresAt()).isEqualTo(until);
    }

    @Test
    void thePublishedJwksAloneVerifiesOurTokensWithPlainJdkCrypto() throws Exception {
        String token = issuer.fanToken("fan-1").token();
        Map<?, ?> jwk = (Map<?, ?>) ((List<?>) Json.read(Json.write(keys.jwks()), Map.class).get("keys")).getFirst();
        String[] parts = token.split("\\.");
        Map<?, ?> header = Json.read(B64.decode(parts[0]), Map.class);
        assertThat(header.get("alg")).isEqualTo("ES256");
        assertThat(header.get("kid")).isEqualTo(jwk.get("kid"));
        assertThat(jwk.get("kty")).isEqualTo("EC");
        assertThat(jwk.get("crv")).isEqualTo("P-256");
        assertThat(jwk.containsKey("d")).isFalse();

        AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
        params.init(new ECGenParameterSpec("secp256r1"));
        ECPoint point = new ECPoint(new BigInteger(1, B64.decode((String) jwk.get("x"))),
                new BigInteger(1, B64.decode((String) jwk.get("y"))));
        PublicKey publicKey = KeyFactory.getInstance("EC")
                .generatePublic(new ECPublicKeySpec(point, params.getParameterSpec(ECParameterSpec.class)));
        Signature es256 = Signature.getInstance("SHA256withECDSAinP1363Format");
        es256.initVerify(publicKey);
        es256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(es256.verify(B64.decode(parts[2]))).isTrue();
    }

    @Test
    void helidonReadsThePublishedJwks() {
        JwkKeys fromJson = JwkKeys.create(jakarta.json.Json.createReader(
                new StringReader(Json.writeString(keys.jwks()))).readObject());
        TokenVerifier remote = new JwkTokenVerifier(() -> fromJson, ISSUER, clock);
        assertThat(remote.verify(issuer.fanToken("fan-1").token(), Audiences.FAN).subject()).isEqualTo("fan-1");
    }

    @Test
    void aTokenWithAChangedPayloadIsRejected() {
        String[] parts = issuer.fanToken("fan-1").token().split("\\.");
        String payload = new String(B64.decode(parts[1]), StandardCharsets.UTF_8).replace("fan-1", "fan-2");
        String forged = parts[0] + "." + B64E.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        assertRejected(forged, Audiences.FAN, "bad token signature");
    }

    @Test
    void aTokenSignedByAnotherKeyUnderOurKidIsRejected() {
        SigningKeys attacker = SigningKeys.generate();
        Jwt jwt = Jwt.builder().algorithm("ES256").keyId(keys.currentKid()).issuer(ISSUER).subject("fan-1")
                .addAudience(Audiences.FAN).expirationTime(clock.instant().plusSeconds(60)).build();
        assertRejected(SignedJwt.sign(jwt, attacker.signingKey()).tokenContent(), Audiences.FAN,
                "bad token signature");
    }

    @Test
    void aTokenWithAnUnknownKidIsRejected() {
        SigningKeys other = SigningKeys.generate();
        String token = new TokenIssuer(other, ISSUER, Duration.ofHours(1), clock).fanToken("fan-1").token();
        assertRejected(token, Audiences.FAN, "unknown signing key");
    }

    @Test
    void anUnsignedAlgNoneTokenIsRejected() {
        String header = B64E.encodeToString(("{\"alg\":\"none\",\"kid\":\"" + keys.currentKid() + "\"}")
                .getBytes(StandardCharsets.UTF_8));
        String payload = B64E.encodeToString(("{\"iss\":\"" + ISSUER + "\",\"sub\":\"fan-1\",\"aud\":\"floodgate-fan\","
                + "\"exp\":" + (clock.instant().getEpochSecond() + 600) + "}").getBytes(StandardCharsets.UTF_8));
        assertRejected(header + "." + payload + ".", Audiences.FAN, "unsupported token algorithm");
    }

    @Test
    void anExpiredTokenIsRejected() {
        String token = issuer.fanToken("fan-1").token();
        clock.advance(Duration.ofHours(1));
        assertRejected(token, Audiences.FAN, "token expired");
    }

    @Test
    void aFanTokenIsNotAnAdmission() {
        assertRejected(issuer.fanToken("fan-1").token(), Audiences.ADMISSION, "token not meant for this use");
    }

    @Test
    void anAdmissionIsNotAFanSession() {
        String token = issuer.admissionToken("fan-1", "concert", clock.instant().plusSeconds(60)).token();
        assertRejected(token, Audiences.FAN, "token not meant for this use");
    }

    @Test
    void aTokenFromAnotherIssuerIsRejected() {
        String token = new TokenIssuer(keys, "someone-else", Duration.ofHours(1), clock).fanToken("fan-1").token();
        assertRejected(token, Audiences.FAN, "token from another issuer");
    }

    @Test
    void garbageAndOversizedTokensAreRejectedNotThrown() {
        assertRejected("not-a-token", Audiences.FAN, "malformed token");
        assertRejected("a.b.c", Audiences.FAN, "malformed token");
        assertRejected("", Audiences.FAN, "malformed token");
        assertRejected(null, Audiences.FAN, "malformed token");
        assertRejected("x".repeat(JwkTokenVerifier.MAX_TOKEN_CHARS + 1), Audiences.FAN, "malformed token");
    }

    @Test
    void theKeyIdIsTheRfc7638Thumbprint() {
        assertThat(keys.currentKid()).matches("[A-Za-z0-9_-]{43}");
    }

    @Test
    void aTokenIssuedFurtherAheadThanTheClocksMayDifferIsNotValidYet() {
        MutableClock ahead = new MutableClock(clock.instant().plus(Duration.ofMinutes(2)));
        String token = new TokenIssuer(keys, ISSUER, Duration.ofHours(1), ahead).fanToken("fan-1").token();
        assertRejected(token, Audiences.FAN, "token not valid yet");
    }

    @Test
    void aTokenIssuedASecondAheadIsAcceptedAsClockSkew() {
        MutableClock ahead = new MutableClock(clock.instant().plus(Duration.ofSeconds(1)));
        String token = new TokenIssuer(keys, ISSUER, Duration.ofHours(1), ahead).fanToken("fan-1").token();
        assertThat(verifier.verify(token, Audiences.FAN).subject()).isEqualTo("fan-1");
    }

    private void assertRejected(String token, String audience, String reason) {
        assertThatThrownBy(() -> verifier.verify(token, audience))
                .isInstanceOf(TokenRejected.class)
                .hasMessage(reason);
    }
}
