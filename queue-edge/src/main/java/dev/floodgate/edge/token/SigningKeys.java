package dev.floodgate.edge.token;

import dev.floodgate.runtime.Database;
import io.helidon.security.jwt.jwk.Jwk;
import io.helidon.security.jwt.jwk.JwkEC;
import io.helidon.security.jwt.jwk.JwkKeys;

import javax.sql.DataSource;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ES256 keys of the edge: one current key that signs, and the public keys that verify (the JWKS). Shared by all
 * edge instances through PostgreSQL: the first instance to start stores a new pair, every instance loads the stored
 * one.
 */
public final class SigningKeys {
    public static final String ALGORITHM = JwkEC.ALG_ES256;
    private static final String CURRENT = "current";

    private final String currentKid;
    private final JwkEC signingKey;
    private final JwkKeys verificationKeys;
    private final Map<String, Object> jwks;
    private final List<String> kids;

    private SigningKeys(String currentKid, KeyPair current, List<ECPublicKey> publicKeys, List<String> kids) {
        this.currentKid = currentKid;
        this.signingKey = JwkEC.builder().keyId(currentKid).algorithm(ALGORITHM).usage(Jwk.USE_SIGNATURE)
                .privateKey((ECPrivateKey) current.getPrivate()).publicKey((ECPublicKey) current.getPublic()).build();
        JwkKeys.Builder keys = JwkKeys.builder();
        List<Map<String, Object>> published = new ArrayList<>();
        for (int i = 0; i < publicKeys.size(); i++) {
            keys.addKey(JwkEC.builder().keyId(kids.get(i)).algorithm(ALGORITHM).usage(Jwk.USE_SIGNATURE)
                    .publicKey(publicKeys.get(i)).build());
            published.add(publicJwk(kids.get(i), publicKeys.get(i)));
        }
        this.verificationKeys = keys.build();
        this.jwks = Map.of("keys", List.copyOf(published));
        this.kids = List.copyOf(kids);
    }

    /** A fresh key pair held only in memory (tests; a single instance without a database). */
    public static SigningKeys generate() {
        KeyPair pair = newPair();
        String kid = thumbprint((ECPublicKey) pair.getPublic());
        return new SigningKeys(kid, pair, List.of((ECPublicKey) pair.getPublic()), List.of(kid));
    }

    /** Loads the shared keys from the {@code edge} schema, storing a new current key first if there is none. */
    public static SigningKeys loadOrCreate(DataSource dataSource) {
        return loadOrCreate(dataSource, Instant.EPOCH, KeyEncryption.none());
    }

    /**
     * As {@link #loadOrCreate(DataSource)}, leaving out keys retired before {@code retiredSince} (every token they
     * signed has expired). The current private key is stored sealed by {@code sealing} when it has a key-encryption
     * key, and a current key stored unsealed or under an older KEK is re-sealed with the current one here.
     */
    public static SigningKeys loadOrCreate(DataSource dataSource, Instant retiredSince, KeyEncryption sealing) {
        try (Connection c = dataSource.getConnection()) {
            KeyPair candidate = newPair();
            try (PreparedStatement insert = c.prepareStatement("""
                    insert into edge.signing_keys (kid, slot, algorithm, private_key_pkcs8, private_key_sealed, kek_id,
                    public_key_x509) values (?, ?, ?, ?, ?, ?, ?) on conflict do nothing""")) {
                bindNewKey(insert, candidate, sealing);
                insert.executeUpdate();
            }
            String currentKid = null;
            KeyPair current = null;
            boolean reseal = false;
            List<ECPublicKey> publicKeys = new ArrayList<>();
            List<String> kids = new ArrayList<>();
            try (PreparedStatement select = c.prepareStatement("""
                    select kid, slot, private_key_pkcs8, public_key_x509, private_key_sealed, kek_id
                    from edge.signing_keys where algorithm = ? and (retired_at is null or retired_at > ?)
                    order by created_at, kid""")) {
                select.setString(1, ALGORITHM);
                select.setTimestamp(2, Timestamp.from(retiredSince));
                try (ResultSet rs = select.executeQuery()) {
                    KeyFactory factory = KeyFactory.getInstance("EC");
                    while (rs.next()) {
                        String kid = rs.getString(1);
                        ECPublicKey pub = (ECPublicKey) factory.generatePublic(new X509EncodedKeySpec(rs.getBytes(4)));
                        kids.add(kid);
                        publicKeys.add(pub);
                        if (CURRENT.equals(rs.getString(2))) {
                            byte[] sealed = rs.getBytes(5);
                            String kekId = rs.getString(6);
                            byte[] pkcs8 = sealed == null ? rs.getBytes(3)
                                    : sealing.open(new KeyEncryption.Sealed(kekId, sealed), kid);
                            currentKid = kid;
                            current = new KeyPair(pub, factory.generatePrivate(new PKCS8EncodedKeySpec(pkcs8)));
                            reseal = sealing.enabled() && !sealing.currentId().equals(kekId);
                        }
                    }
                }
            }
            if (current == null) {
                throw new IllegalStateException("no current signing key stored in edge.signing_keys");
            }
            if (reseal) {
                seal(c, currentKid, current, sealing);
            }
            return new SigningKeys(currentKid, current, publicKeys, kids);
        } catch (SQLException e) {
            if (Database.isUnavailable(e)) {
                throw Database.unavailable(e, "the database is not reachable");
            }
            throw new IllegalStateException("cannot load signing keys", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("stored signing key cannot be read", e);
        }
    }

    /** Stores the current key sealed with the current KEK (no plain copy left); a concurrent re-seal is harmless. */
    private static void seal(Connection c, String kid, KeyPair key, KeyEncryption sealing) throws SQLException {
        KeyEncryption.Sealed sealed = sealing.seal(key.getPrivate().getEncoded(), kid);
        try (PreparedStatement update = c.prepareStatement("""
                update edge.signing_keys set private_key_sealed = ?, kek_id = ?, private_key_pkcs8 = null
                where kid = ? and slot = ?""")) {
            update.setBytes(1, sealed.blob());
            update.setString(2, sealed.kekId());
            update.setString(3, kid);
            update.setString(4, CURRENT);
            update.executeUpdate();
        }
    }

    /** kid, slot, algorithm, private part (plain or sealed, and the KEK id), public part: parameters 1 to 7. */
    private static void bindNewKey(PreparedStatement insert, KeyPair key, KeyEncryption sealing) throws SQLException {
        String kid = thumbprint((ECPublicKey) key.getPublic());
        insert.setString(1, kid);
        insert.setString(2, CURRENT);
        insert.setString(3, ALGORITHM);
        if (sealing.enabled()) {
            KeyEncryption.Sealed sealed = sealing.seal(key.getPrivate().getEncoded(), kid);
            insert.setBytes(4, null);
            insert.setBytes(5, sealed.blob());
            insert.setString(6, sealed.kekId());
        } else {
            insert.setBytes(4, key.getPrivate().getEncoded());
            insert.setBytes(5, null);
            insert.setString(6, null);
        }
        insert.setBytes(7, key.getPublic().getEncoded());
    }

    /**
     * Rotation: a new key becomes current, the current one is retired at {@code now} (it keeps verifying until its
     * tokens expire; its private part is deleted, nothing signs with it any more). Every edge signs with the new key
     * once it reloads.
     */
    public static void rotate(DataSource dataSource, Instant now, KeyEncryption sealing) {
        rotateIfOlderThan(dataSource, now, null, sealing);
    }

    /**
     * Rotates only when the current key was made at or before {@code madeBy} (null: always). Several edges on the
     * same schedule race harmlessly: the retirement is conditional, so exactly one of them rotates.
     *
     * @return whether this call rotated
     */
    public static boolean rotateIfOlderThan(DataSource dataSource, Instant now, Instant madeBy,
                                            KeyEncryption sealing) {
        KeyPair next = newPair();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement retire = c.prepareStatement("""
                    update edge.signing_keys set slot = null, retired_at = ?, private_key_pkcs8 = null,
                    private_key_sealed = null, kek_id = null where slot = ? and (? or created_at <= ?)""");
                 PreparedStatement insert = c.prepareStatement("""
                         insert into edge.signing_keys (kid, slot, algorithm, private_key_pkcs8, private_key_sealed,
                         kek_id, public_key_x509, created_at) values (?, ?, ?, ?, ?, ?, ?, ?)""")) {
                retire.setTimestamp(1, Timestamp.from(now));
                retire.setString(2, CURRENT);
                retire.setBoolean(3, madeBy == null);
                retire.setTimestamp(4, Timestamp.from(madeBy == null ? now : madeBy));
                if (retire.executeUpdate() == 0 && madeBy != null) {
                    c.rollback();
                    return false;
                }
                bindNewKey(insert, next, sealing);
                insert.setTimestamp(8, Timestamp.from(now));
                insert.executeUpdate();
                c.commit();
                return true;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            if (Database.isUnavailable(e)) {
                throw Database.unavailable(e, "the database is not reachable");
            }
            throw new IllegalStateException("cannot rotate signing keys", e);
        }
    }

    /** Key ids of the JWKS, oldest first. */
    public List<String> kids() {
        return kids;
    }

    public String currentKid() {
        return currentKid;
    }

    /** The private key new tokens are signed with. */
    public JwkEC signingKey() {
        return signingKey;
    }

    /** Every public key a token of ours may be signed with. */
    public JwkKeys verificationKeys() {
        return verificationKeys;
    }

    /** The JWK set served at {@code /.well-known/jwks.json} (public parts only). */
    public Map<String, Object> jwks() {
        return jwks;
    }

    private static KeyPair newPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot make P-256 keys", e);
        }
    }

    private static Map<String, Object> publicJwk(String kid, ECPublicKey key) {
        Map<String, Object> jwk = new LinkedHashMap<>();
        jwk.put("kty", "EC");
        jwk.put("crv", "P-256");
        jwk.put("kid", kid);
        jwk.put("use", "sig");
        jwk.put("alg", ALGORITHM);
        jwk.put("x", coordinate(key.getW().getAffineX()));
        jwk.put("y", coordinate(key.getW().getAffineY()));
        return jwk;
    }

    /** RFC 7638 thumbprint: a key id that anyone can recompute from the public key. */
    static String thumbprint(ECPublicKey key) {
        String canonical = "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"" + coordinate(key.getW().getAffineX())
                + "\",\"y\":\"" + coordinate(key.getW().getAffineY()) + "\"}";
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String coordinate(BigInteger value) {
        byte[] raw = value.toByteArray();
        byte[] fixed = new byte[32];
        int copy = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - copy, fixed, 32 - copy, copy);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(fixed);
    }

    @Override
    public String toString() {
        return "SigningKeys[current=" + currentKid + "]";
    }
}
