package dev.floodgate.edge.token;

import io.helidon.config.Config;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Seals the private part of the edge's signing keys for PostgreSQL: AES-256-GCM under a key-encryption key (KEK)
 * that lives outside the database (a secret: environment variable or file), with the key id as associated data, so
 * a sealed key cannot be moved to another row. A database dump alone then signs nothing.
 *
 * <p>Every KEK has a public id (the first 8 bytes of a SHA-256 over it, in hex), stored beside each sealed key:
 * rotating the KEK means configuring the new one as current and the old one under {@code previous}; each edge re-seals
 * the stored key with the current KEK when it loads it. The KEK itself is never logged or stored; {@link #toString()}
 * names ids only.
 */
public final class KeyEncryption {
    static final int KEK_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int MAX_PREVIOUS = 8;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Kek current;
    private final Map<String, Kek> byId;

    private record Kek(String id, SecretKey key) {
        @Override
        public String toString() {
            return "Kek[" + id + "]";
        }
    }

    /** A sealed private key: which KEK sealed it, and nonce || ciphertext || tag. */
    public record Sealed(String kekId, byte[] blob) {
    }

    private KeyEncryption(Kek current, List<Kek> previous) {
        this.current = current;
        Map<String, Kek> all = new LinkedHashMap<>();
        if (current != null) {
            all.put(current.id(), current);
        }
        previous.forEach(k -> all.putIfAbsent(k.id(), k));
        this.byId = Map.copyOf(all);
    }

    /** No KEK: private keys are stored as they are (the edge warns at start). */
    public static KeyEncryption none() {
        return new KeyEncryption(null, List.of());
    }

    /** Sealing with {@code current} (32 bytes); {@code previous} only open what they sealed before. */
    public static KeyEncryption of(byte[] current, List<byte[]> previous) {
        if (previous.size() > MAX_PREVIOUS) {
            throw new IllegalArgumentException("at most " + MAX_PREVIOUS + " previous key-encryption keys");
        }
        List<Kek> old = new ArrayList<>();
        for (byte[] p : previous) {
            old.add(kek(p));
        }
        return new KeyEncryption(kek(current), old);
    }

    /**
     * From the {@code token} config node: {@code key-encryption-key} (base64 of 32 random bytes, for example from a
     * secret through the environment: {@code TOKEN_KEY_dash_ENCRYPTION_dash_KEY}) or {@code key-encryption-key-file}
     * (a file holding that base64), and {@code previous-key-encryption-keys} (a list of the same, for KEK rotation).
     * Neither key set: {@link #none()}. A malformed value stops the edge; the message never repeats it.
     */
    public static KeyEncryption from(Config token) {
        Optional<String> inline = token.get("key-encryption-key").asString().asOptional().filter(s -> !s.isBlank());
        Optional<String> file = token.get("key-encryption-key-file").asString().asOptional()
                .filter(s -> !s.isBlank());
        if (inline.isPresent() && file.isPresent()) {
            throw new IllegalArgumentException("set token.key-encryption-key or token.key-encryption-key-file, not both");
        }
        List<byte[]> previous = new ArrayList<>();
        for (String p : token.get("previous-key-encryption-keys").asList(String.class).orElse(List.of())) {
            previous.add(decode(p, "token.previous-key-encryption-keys"));
        }
        if (inline.isEmpty() && file.isEmpty()) {
            if (!previous.isEmpty()) {
                throw new IllegalArgumentException("token.previous-key-encryption-keys needs a current "
                        + "token.key-encryption-key");
            }
            return none();
        }
        String value = inline.orElseGet(() -> readFile(Path.of(file.get())));
        return of(decode(value, inline.isPresent() ? "token.key-encryption-key" : "the file of "
                + "token.key-encryption-key-file"), previous);
    }

    /** A new random KEK, base64 (what {@code ./floodgate start} writes into its data folder). */
    public static String newKeyBase64() {
        byte[] key = new byte[KEK_BYTES];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    public boolean enabled() {
        return current != null;
    }

    /** The id of the KEK that seals, or null when none is configured. */
    public String currentId() {
        return current == null ? null : current.id();
    }

    /** Seals {@code privateKey} (PKCS#8 bytes) of key {@code kid} with the current KEK. */
    public Sealed seal(byte[] privateKey, String kid) {
        if (current == null) {
            throw new IllegalStateException("no key-encryption key configured");
        }
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, current.key(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(kid.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(privateKey);
            byte[] blob = Arrays.copyOf(nonce, NONCE_BYTES + sealed.length);
            System.arraycopy(sealed, 0, blob, NONCE_BYTES, sealed.length);
            return new Sealed(current.id(), blob);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot seal a signing key", e);
        }
    }

    /** Opens what {@link #seal} made for key {@code kid}; refuses a KEK this edge does not have, or a tampered blob. */
    public byte[] open(Sealed sealed, String kid) {
        Kek kek = byId.get(sealed.kekId());
        if (kek == null) {
            throw new IllegalStateException("signing key " + kid + " is sealed with key-encryption key "
                    + sealed.kekId() + ", which this edge is not configured with (token.key-encryption-key, "
                    + "token.previous-key-encryption-keys)");
        }
        byte[] blob = sealed.blob();
        if (blob == null || blob.length <= NONCE_BYTES) {
            throw new IllegalStateException("signing key " + kid + ": sealed value malformed");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, kek.key(), new GCMParameterSpec(TAG_BITS, blob, 0, NONCE_BYTES));
            cipher.updateAAD(kid.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(blob, NONCE_BYTES, blob.length - NONCE_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing key " + kid + " does not open with key-encryption key "
                    + sealed.kekId() + " (altered, or sealed for another key id)");
        }
    }

    @Override
    public String toString() {
        return current == null ? "KeyEncryption[none]" : "KeyEncryption[current=" + current.id() + ", known="
                + byId.keySet() + "]";
    }

    private static Kek kek(byte[] key) {
        if (key == null || key.length != KEK_BYTES) {
            throw new IllegalArgumentException("a key-encryption key must be " + KEK_BYTES + " bytes");
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update("floodgate-kek-id".getBytes(StandardCharsets.UTF_8));
            String id = HexFormat.of().formatHex(sha.digest(key), 0, 8);
            return new Kek(id, new SecretKeySpec(key.clone(), "AES"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] decode(String base64, String where) {
        try {
            byte[] key = Base64.getDecoder().decode(base64.strip());
            if (key.length != KEK_BYTES) {
                throw new IllegalArgumentException(where + " must be base64 of " + KEK_BYTES + " bytes (is "
                        + key.length + ")");
            }
            return key;
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(where)) {
                throw e;
            }
            throw new IllegalArgumentException(where + " is not base64");
        }
    }

    private static String readFile(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("token.key-encryption-key-file cannot be read: " + file, e);
        }
    }
}
