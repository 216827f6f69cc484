package dev.floodgate.edge.token;

import dev.floodgate.runtime.token.Audiences;
import dev.floodgate.runtime.token.JwkTokenVerifier;

import com.zaxxer.hikari.HikariDataSource;
import dev.floodgate.engines.fixture.Engines;
import dev.floodgate.engines.fixture.MutableClock;
import dev.floodgate.engines.fixture.SharedEngines;
import dev.floodgate.runtime.Database;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The signing keys at rest in real PostgreSQL: sealed under a key-encryption key, re-sealed when the KEK rotates,
 * sealed when stored plain before, private parts gone once retired, and rotated on a schedule by exactly one edge.
 */
@ExtendWith(SharedEngines.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SealedSigningKeysTest {
    private static final Duration RETENTION = Duration.ofHours(1);
    private HikariDataSource db;

    private static KeyEncryption kek(int fill) {
        byte[] k = new byte[KeyEncryption.KEK_BYTES];
        java.util.Arrays.fill(k, (byte) fill);
        return KeyEncryption.of(k, List.of());
    }

    private static KeyEncryption kek(int fill, int previousFill) {
        byte[] k = new byte[KeyEncryption.KEK_BYTES];
        byte[] p = new byte[KeyEncryption.KEK_BYTES];
        java.util.Arrays.fill(k, (byte) fill);
        java.util.Arrays.fill(p, (byte) previousFill);
        return KeyEncryption.of(k, List.of(p));
    }

    @BeforeAll
    void migrate(Engines engines) {
        db = Database.pool(Config.just(ConfigSources.create(Map.of("url", engines.jdbcUrl(), "user", engines.user(),
                "password", engines.password(), "pool.max-size", "4"))), "sealed-keys-test");
        Database.migrate(db, "edge");
    }

    @AfterAll
    void close() {
        db.close();
    }

    @BeforeEach
    void noKeys() throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("delete from edge.signing_keys");
        }
    }

    /** kid -> {plain private part present, sealed present, kek id} of every stored key. */
    private Map<String, List<Object>> stored() throws SQLException {
        Map<String, List<Object>> rows = new java.util.LinkedHashMap<>();
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select kid, private_key_pkcs8 is not null, private_key_sealed is not null, "
                     + "coalesce(kek_id, '') from edge.signing_keys order by created_at, kid")) {
            while (rs.next()) {
                rows.put(rs.getString(1), List.of(rs.getBoolean(2), rs.getBoolean(3), rs.getString(4)));
            }
        }
        return rows;
    }

    @Test
    void withAKekTheStoredPrivateKeyIsSealedAndNoPlainCopyIsKept() throws SQLException {
        KeyEncryption sealing = kek(1);
        SigningKeys keys = SigningKeys.loadOrCreate(db, Instant.EPOCH, sealing);
        assertThat(stored()).containsExactly(Map.entry(keys.currentKid(), List.of(false, true, sealing.currentId())));
        // Another edge with the same KEK loads the same key and signs tokens the first one verifies.
        SigningKeys again = SigningKeys.loadOrCreate(db, Instant.EPOCH, sealing);
        assertThat(again.currentKid()).isEqualTo(keys.currentKid());
        MutableClock clock = MutableClock.startingNow();
        String token = new TokenIssuer(again, "iss", Duration.ofMinutes(5), clock).fanToken("fan-1").token();
        assertThat(new JwkTokenVerifier(keys::verificationKeys, "iss", clock).verify(token, Audiences.FAN).subject())
                .isEqualTo("fan-1");
    }

    @Test
    void anEdgeWithoutTheKekCannotLoadTheSealedKeyAndSaysWhichKekItNeeds() {
        KeyEncryption sealing = kek(1);
        SigningKeys.loadOrCreate(db, Instant.EPOCH, sealing);
        assertThatThrownBy(() -> SigningKeys.loadOrCreate(db, Instant.EPOCH, kek(2)))
                .hasMessageContaining(sealing.currentId());
        assertThatThrownBy(() -> SigningKeys.loadOrCreate(db, Instant.EPOCH, KeyEncryption.none()))
                .hasMessageContaining(sealing.currentId());
    }

    @Test
    void aKeyStoredPlainBeforeIsSealedByTheFirstEdgeWithAKek() throws SQLException {
        SigningKeys plain = SigningKeys.loadOrCreate(db, Instant.EPOCH, KeyEncryption.none());
        assertThat(stored().get(plain.currentKid())).isEqualTo(List.of(true, false, ""));
        KeyEncryption sealing = kek(1);
        assertThat(SigningKeys.loadOrCreate(db, Instant.EPOCH, sealing).currentKid()).isEqualTo(plain.currentKid());
        assertThat(stored().get(plain.currentKid())).isEqualTo(List.of(false, true, sealing.currentId()));
    }

    @Test
    void rotatingTheKekReSealsTheKeyWithTheNewOneAndTheOldOneIsNoLongerNeeded() throws SQLException {
        SigningKeys first = SigningKeys.loadOrCreate(db, Instant.EPOCH, kek(1));
        KeyEncryption rotated = kek(2, 1);
        assertThat(SigningKeys.loadOrCreate(db, Instant.EPOCH, rotated).currentKid()).isEqualTo(first.currentKid());
        assertThat(stored().get(first.currentKid())).isEqualTo(List.of(false, true, rotated.currentId()));
        assertThat(SigningKeys.loadOrCreate(db, Instant.EPOCH, kek(2)).currentKid()).isEqualTo(first.currentKid());
    }

    @Test
    void aRetiredKeyKeepsOnlyItsPublicPart() throws SQLException {
        KeyEncryption sealing = kek(1);
        SigningKeys before = SigningKeys.loadOrCreate(db, Instant.EPOCH, sealing);
        SigningKeys.rotate(db, Instant.now(), sealing);
        SigningKeys after = SigningKeys.loadOrCreate(db, Instant.EPOCH, sealing);
        assertThat(after.currentKid()).isNotEqualTo(before.currentKid());
        assertThat(after.kids()).contains(before.currentKid(), after.currentKid());
        assertThat(stored().get(before.currentKid())).isEqualTo(List.of(false, false, ""));
        assertThat(stored().get(after.currentKid())).isEqualTo(List.of(false, true, sealing.currentId()));
    }

    @Test
    void onAScheduleTheKeyRotatesOnceWhenDueWhicheverEdgesCheck() throws SQLException {
        KeyEncryption sealing = kek(1);
        MutableClock clock = MutableClock.startingNow();
        Duration every = Duration.ofDays(7);
        try (KeyRing a = new KeyRing(db, clock, RETENTION, Duration.ofHours(1), sealing, every);
             KeyRing b = new KeyRing(db, clock, RETENTION, Duration.ofHours(1), sealing, every)) {
            String first = a.current().currentKid();
            a.rotateIfDue();
            b.rotateIfDue();
            assertThat(a.current().currentKid()).as("not due yet").isEqualTo(first);
            clock.advance(every.plusMinutes(1));
            a.rotateIfDue();
            b.rotateIfDue();
            assertThat(a.current().currentKid()).isNotEqualTo(first).isEqualTo(b.current().currentKid());
            assertThat(stored()).hasSize(2);
        }
    }
}
