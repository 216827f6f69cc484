package dev.floodgate.edge.token;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Sealing the signing keys' private parts: what opens them, what refuses, and what the config accepts. */
class KeyEncryptionTest {
    private static final byte[] PRIVATE = "not really a PKCS#8 key, but bytes all the same".getBytes(StandardCharsets.UTF_8);

    private static byte[] kek(int fill) {
        byte[] k = new byte[KeyEncryption.KEK_BYTES];
        java.util.Arrays.fill(k, (byte) fill);
        return k;
    }

    private static Config token(Map<String, String> values) {
        return Config.just(ConfigSources.create(values)).get("token");
    }

    @Test
    void aSealedKeyOpensWithItsKekForItsKeyIdAndHoldsNoPlainCopy() {
        KeyEncryption sealing = KeyEncryption.of(kek(1), List.of());
        KeyEncryption.Sealed sealed = sealing.seal(PRIVATE, "kid-1");
        assertThat(sealed.kekId()).isEqualTo(sealing.currentId()).hasSize(16);
        assertThat(new String(sealed.blob(), StandardCharsets.ISO_8859_1))
                .doesNotContain(new String(PRIVATE, StandardCharsets.ISO_8859_1));
        assertThat(sealing.open(sealed, "kid-1")).isEqualTo(PRIVATE);
        assertThat(sealing.seal(PRIVATE, "kid-1").blob()).as("a fresh nonce each time").isNotEqualTo(sealed.blob());
    }

    @Test
    void aSealedKeyMovedToAnotherKeyIdOrAlteredDoesNotOpen() {
        KeyEncryption sealing = KeyEncryption.of(kek(1), List.of());
        KeyEncryption.Sealed sealed = sealing.seal(PRIVATE, "kid-1");
        assertThatThrownBy(() -> sealing.open(sealed, "kid-2")).hasMessageContaining("does not open");
        byte[] altered = sealed.blob().clone();
        altered[altered.length - 1] ^= 1;
        assertThatThrownBy(() -> sealing.open(new KeyEncryption.Sealed(sealed.kekId(), altered), "kid-1"))
                .hasMessageContaining("does not open");
    }

    @Test
    void afterAKekRotationThePreviousKekStillOpensWhatItSealed() {
        KeyEncryption.Sealed old = KeyEncryption.of(kek(1), List.of()).seal(PRIVATE, "kid-1");
        KeyEncryption rotated = KeyEncryption.of(kek(2), List.of(kek(1)));
        assertThat(rotated.currentId()).isNotEqualTo(old.kekId());
        assertThat(rotated.open(old, "kid-1")).isEqualTo(PRIVATE);
        assertThat(rotated.seal(PRIVATE, "kid-1").kekId()).isEqualTo(rotated.currentId());
    }

    @Test
    void aKeySealedWithAnUnknownKekIsRefusedNamingTheKekIdNeverAKey() {
        KeyEncryption.Sealed sealed = KeyEncryption.of(kek(1), List.of()).seal(PRIVATE, "kid-1");
        KeyEncryption other = KeyEncryption.of(kek(3), List.of());
        assertThatThrownBy(() -> other.open(sealed, "kid-1"))
                .hasMessageContaining(sealed.kekId())
                .hasMessageNotContaining(Base64.getEncoder().encodeToString(kek(1)));
        assertThat(other.toString()).doesNotContain(Base64.getEncoder().encodeToString(kek(3)));
    }

    @Test
    void theConfigTakesTheKekInlineOrFromAFileAndNeitherMeansNone() throws Exception {
        String b64 = Base64.getEncoder().encodeToString(kek(5));
        assertThat(KeyEncryption.from(token(Map.of("token.key-encryption-key", b64))).currentId())
                .isEqualTo(KeyEncryption.of(kek(5), List.of()).currentId());
        java.nio.file.Path file = java.nio.file.Files.createTempFile("kek", ".txt");
        java.nio.file.Files.writeString(file, b64 + "\n");
        assertThat(KeyEncryption.from(token(Map.of("token.key-encryption-key-file", file.toString()))).currentId())
                .isEqualTo(KeyEncryption.of(kek(5), List.of()).currentId());
        assertThat(KeyEncryption.from(token(Map.of("token.issuer", "x"))).enabled()).isFalse();
    }

    @Test
    void aMalformedKekStopsTheEdgeWithoutRepeatingTheValue() {
        String shortKey = Base64.getEncoder().encodeToString(new byte[16]);
        assertThatThrownBy(() -> KeyEncryption.from(token(Map.of("token.key-encryption-key", shortKey))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("32 bytes").hasMessageNotContaining(shortKey);
        assertThatThrownBy(() -> KeyEncryption.from(token(Map.of("token.key-encryption-key", "not base64 at all!"))))
                .hasMessageContaining("not base64").hasMessageNotContaining("at all");
        String b64 = Base64.getEncoder().encodeToString(kek(5));
        assertThatThrownBy(() -> KeyEncryption.from(token(Map.of("token.key-encryption-key", b64,
                "token.key-encryption-key-file", "/nonexistent")))).hasMessageContaining("not both");
    }
}
