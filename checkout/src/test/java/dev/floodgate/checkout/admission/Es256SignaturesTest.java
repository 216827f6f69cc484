package dev.floodgate.checkout.admission;

import io.helidon.security.jwt.Jwt;
import io.helidon.security.jwt.SignedJwt;
import io.helidon.security.jwt.jwk.JwkEC;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Es256SignaturesTest {
    private final Es256Signatures signatures = new Es256Signatures();

    private static KeyPair keys(String curve) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec(curve));
        return generator.generateKeyPair();
    }

    private static JwkEC jwk(KeyPair keys, String alg) {
        return JwkEC.builder().keyId("k").algorithm(alg).privateKey((ECPrivateKey) keys.getPrivate())
                .publicKey((ECPublicKey) keys.getPublic()).build();
    }

    private static SignedJwt token(JwkEC key, String subject) {
        return SignedJwt.sign(Jwt.builder().keyId("k").algorithm(key.algorithm()).subject(subject)
                .expirationTime(Instant.now().plusSeconds(60)).build(), key);
    }

    @Test
    void aTokenSignedByTheKeyVerifiesAgainAndAgain() throws Exception {
        JwkEC key = jwk(keys("secp256r1"), JwkEC.ALG_ES256);
        for (int i = 0; i < 20; i++) {
            SignedJwt signed = SignedJwt.parseToken(token(key, "fan-" + i).tokenContent());
            assertTrue(signatures.verify(key, signed.getSignedBytes(), signed.getSignature()));
        }
    }

    @Test
    void anyChangedByteOfTheSignatureOrTheContentIsRefusedAsTheJdkRefusesIt() throws Exception {
        JwkEC key = jwk(keys("secp256r1"), JwkEC.ALG_ES256);
        SignedJwt signed = token(key, "fan");
        Random random = new Random(42);
        for (int i = 0; i < 200; i++) {
            byte[] content = signed.getSignedBytes().clone();
            byte[] signature = signed.getSignature().clone();
            if (i % 2 == 0) {
                signature[random.nextInt(signature.length)] ^= (byte) (1 + random.nextInt(255));
            } else {
                content[random.nextInt(content.length)] ^= (byte) (1 + random.nextInt(255));
            }
            boolean ours = signatures.verify(key, content, signature);
            assertFalse(ours, "altered input " + i + " verified");
            assertEquals(key.verifySignature(content, signature), ours, "differs from the JDK on input " + i);
        }
    }

    @Test
    void aSignatureByAnotherKeyIsRefused() throws Exception {
        JwkEC signer = jwk(keys("secp256r1"), JwkEC.ALG_ES256);
        JwkEC other = jwk(keys("secp256r1"), JwkEC.ALG_ES256);
        SignedJwt signed = token(signer, "fan");
        assertFalse(signatures.verify(other, signed.getSignedBytes(), signed.getSignature()));
    }

    @Test
    void aSignatureOfAnotherLengthOrOfZerosIsRefused() throws Exception {
        JwkEC key = jwk(keys("secp256r1"), JwkEC.ALG_ES256);
        SignedJwt signed = token(key, "fan");
        byte[] sig = signed.getSignature();
        assertFalse(signatures.verify(key, signed.getSignedBytes(), Arrays.copyOf(sig, 63)));
        assertFalse(signatures.verify(key, signed.getSignedBytes(), Arrays.copyOf(sig, 65)));
        assertFalse(signatures.verify(key, signed.getSignedBytes(), new byte[64]));
        assertFalse(signatures.verify(key, signed.getSignedBytes(), null));
    }

    @Test
    void aKeyThatIsNotAnEs256P256KeyIsRefused() throws Exception {
        JwkEC p384 = jwk(keys("secp384r1"), JwkEC.ALG_ES384);
        SignedJwt signed = token(p384, "fan");
        assertFalse(signatures.verify(p384, signed.getSignedBytes(), signed.getSignature()));
        KeyPair p256 = keys("secp256r1");
        JwkEC sigKey = jwk(p256, JwkEC.ALG_ES256);
        JwkEC encryptionOnly = JwkEC.builder().keyId("k").algorithm(JwkEC.ALG_ES256).usage("enc")
                .privateKey((ECPrivateKey) p256.getPrivate()).publicKey((ECPublicKey) p256.getPublic()).build();
        SignedJwt byP256 = token(sigKey, "fan");
        assertFalse(signatures.verify(encryptionOnly, byP256.getSignedBytes(), byP256.getSignature()));
    }
}
