package dev.floodgate.edge.fan;

import dev.floodgate.runtime.Database;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

/**
 * Session families and their refresh tokens in the {@code edge} schema. A refresh token is 32 random bytes,
 * base64url (43 characters); only its SHA-256 is stored. Times come from the edge's clock, not the database's, so
 * every lifetime follows the same clock as the access tokens.
 */
public final class SessionStore {
    /** 256 bits of {@link SecureRandom}: unguessable, so a plain (unsalted) SHA-256 is enough to store it. */
    static final int SECRET_BYTES = 32;
    static final int SECRET_CHARS = 43;
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    private static final int PURGE_BATCH = 10_000;

    /** Spends the presented token and adds the next in one statement: two concurrent uses cannot both match. */
    private static final String ROTATE = """
            with spent as (
                update edge.refresh_tokens t set spent_at = ?
                from edge.session_families f
                where t.token_hash = ? and t.spent_at is null and t.expires_at > ?
                  and f.family_id = t.family_id and f.revoked_at is null and f.expires_at > ?
                returning t.family_id, f.fan_id, least(?::timestamptz, f.expires_at) as next_expires_at
            ), next as (
                insert into edge.refresh_tokens (token_hash, family_id, issued_at, expires_at)
                select ?, family_id, ?, next_expires_at from spent
            )
            select fan_id, next_expires_at from spent""";
    /** Run after a failed rotation, in a new snapshot: it sees a spend that a concurrent winner committed. */
    private static final String REVOKE_ON_REUSE = """
            update edge.session_families f set revoked_at = ?, revoked_reason = 'reuse'
            from edge.refresh_tokens t
            where t.token_hash = ? and t.spent_at is not null and f.family_id = t.family_id
              and f.revoked_at is null and f.expires_at > ?""";

    private final DataSource dataSource;
    private final Clock clock;
    private final Duration refreshTtl;
    private final Duration familyTtl;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param refreshTtl idle lifetime: each token renews only this long after it was issued
     * @param familyTtl  absolute lifetime of a family from its sign-in; renewals never extend it
     */
    public SessionStore(DataSource dataSource, Clock clock, Duration refreshTtl, Duration familyTtl) {
        if (refreshTtl.isZero() || refreshTtl.isNegative() || familyTtl.isZero() || familyTtl.isNegative()) {
            throw new IllegalArgumentException("token.refresh-ttl-millis and token.refresh-family-ttl-millis must be positive");
        }
        this.dataSource = dataSource;
        this.clock = clock;
        this.refreshTtl = refreshTtl;
        this.familyTtl = familyTtl;
    }

    /** A new family for {@code fanId} (a sign-in) and its first refresh token. */
    public RefreshToken start(String fanId) {
        Instant now = clock.instant();
        Instant familyEnd = now.plus(familyTtl);
        RefreshToken token = new RefreshToken(newSecret(), min(now.plus(refreshTtl), familyEnd));
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("""
                     with family as (
                         insert into edge.session_families (family_id, fan_id, created_at, expires_at)
                         values (?, ?, ?, ?) returning family_id
                     )
                     insert into edge.refresh_tokens (token_hash, family_id, issued_at, expires_at)
                     select ?, family_id, ?, ? from family""")) {
            s.setObject(1, UUID.randomUUID());
            s.setObject(2, UUID.fromString(fanId));
            s.setObject(3, at(now));
            s.setObject(4, at(familyEnd));
            s.setBytes(5, sha256(token.secret()));
            s.setObject(6, at(now));
            s.setObject(7, at(token.expiresAt()));
            s.executeUpdate();
            return token;
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /**
     * Spends {@code secret} and issues the next token of its family. A token already spent revokes the whole family
     * (whoever holds its newest token loses it too); of two concurrent uses of one token exactly one renews and the
     * other counts as reuse. A malformed secret is rejected before it is hashed or looked up.
     */
    public Renewal renew(String secret) {
        if (!wellFormed(secret)) {
            return Renewal.REJECTED;
        }
        Instant now = clock.instant();
        byte[] hash = sha256(secret);
        String next = newSecret();
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement s = c.prepareStatement(ROTATE)) {
                s.setObject(1, at(now));
                s.setBytes(2, hash);
                s.setObject(3, at(now));
                s.setObject(4, at(now));
                s.setObject(5, at(now.plus(refreshTtl)));
                s.setBytes(6, sha256(next));
                s.setObject(7, at(now));
                try (ResultSet rs = s.executeQuery()) {
                    if (rs.next()) {
                        return Renewal.renewed(rs.getObject(1, UUID.class).toString(),
                                new RefreshToken(next, rs.getObject(2, OffsetDateTime.class).toInstant()));
                    }
                }
            }
            try (PreparedStatement s = c.prepareStatement(REVOKE_ON_REUSE)) {
                s.setObject(1, at(now));
                s.setBytes(2, hash);
                s.setObject(3, at(now));
                return s.executeUpdate() > 0 ? Renewal.REUSED : Renewal.REJECTED;
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** Revokes every live family of the fan (sign out everywhere); answers how many. Ids not ours have none. */
    public int revokeAll(String fanId, String reason) {
        Optional<UUID> id = ownFanId(fanId);
        if (id.isEmpty()) {
            return 0;
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("""
                     update edge.session_families set revoked_at = ?, revoked_reason = ?
                     where fan_id = ? and revoked_at is null""")) {
            s.setObject(1, at(clock.instant()));
            s.setString(2, reason);
            s.setObject(3, id.get());
            return s.executeUpdate();
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** As {@link #revokeAll}, in the same statement telling whether the fan exists: empty when not. */
    public Optional<Integer> revokeAllOfKnownFan(UUID fanId, String reason) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("""
                     with fan as (select fan_id from edge.fans where fan_id = ?),
                     revoked as (
                         update edge.session_families set revoked_at = ?, revoked_reason = ?
                         where fan_id in (select fan_id from fan) and revoked_at is null
                         returning 1
                     )
                     select (select count(*) from fan), (select count(*) from revoked)""")) {
            s.setObject(1, fanId);
            s.setObject(2, at(clock.instant()));
            s.setString(3, reason);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1) == 0 ? Optional.empty() : Optional.of(rs.getInt(2));
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /**
     * Deletes up to a batch of families past their absolute end, with their tokens (nothing in them can renew any
     * more); answers how many. Each edge may run it: deletes of the same rows are harmless.
     */
    public int purgeEnded() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("""
                     delete from edge.session_families where family_id in (
                         select family_id from edge.session_families where expires_at < ? limit ?)""")) {
            s.setObject(1, at(clock.instant()));
            s.setInt(2, PURGE_BATCH);
            return s.executeUpdate();
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** 43 base64url characters, checked before any hashing or lookup. */
    static boolean wellFormed(String secret) {
        if (secret == null || secret.length() != SECRET_CHARS) {
            return false;
        }
        for (int i = 0; i < SECRET_CHARS; i++) {
            char ch = secret.charAt(i);
            if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-'
                    || ch == '_')) {
                return false;
            }
        }
        return true;
    }

    private String newSecret() {
        byte[] bytes = new byte[SECRET_BYTES];
        random.nextBytes(bytes);
        return BASE64URL.encodeToString(bytes);
    }

    static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static Optional<UUID> ownFanId(String fanId) {
        // Floodgate's fan ids are UUIDs; external identity providers' fans ("acme:...") never have families here.
        if (fanId == null || fanId.length() != 36) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(fanId));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static OffsetDateTime at(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static RuntimeException failure(SQLException e) {
        if (Database.isUnavailable(e)) {
            return Database.unavailable(e, "the database is not reachable, try again shortly");
        }
        return new IllegalStateException("session store failed", e);
    }
}
