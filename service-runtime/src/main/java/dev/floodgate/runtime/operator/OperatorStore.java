package dev.floodgate.runtime.operator;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The SQL on schema {@code operators}: accounts, sessions (by token hash) and the audit trail. */
final class OperatorStore {
    static final String SCHEMA = "operators";
    static final int MAX_ACCOUNTS_LISTED = 500;

    /** An account as stored; the hash never leaves this package. */
    record Account(long id, String username, Role role, String passwordHash, boolean disabled) {
        Operator operator() {
            return new Operator(id, username, role);
        }

        AccountView view() {
            return new AccountView(username, role.wire(), disabled);
        }
    }

    private final DataSource dataSource;

    OperatorStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    boolean anyAccount() throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM operators.operator_accounts)");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /** Inserts the first admin only while there is no account at all; false when someone (another service) won. */
    boolean insertFirstAdmin(String username, String hash, Instant now) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("""
                     INSERT INTO operators.operator_accounts (username, role, password_hash, created_at, changed_at)
                     SELECT ?, 'admin', ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM operators.operator_accounts)
                     ON CONFLICT (username) DO NOTHING""")) {
            ps.setString(1, username);
            ps.setString(2, hash);
            ps.setTimestamp(3, Timestamp.from(now));
            ps.setTimestamp(4, Timestamp.from(now));
            return ps.executeUpdate() == 1;
        }
    }

    Optional<Account> find(String username) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id, username, role, password_hash, disabled"
                     + " FROM operators.operator_accounts WHERE username = ?")) {
            ps.setString(1, username);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(account(rs)) : Optional.empty();
            }
        }
    }

    List<Account> list() throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id, username, role, password_hash, disabled"
                     + " FROM operators.operator_accounts ORDER BY username LIMIT " + MAX_ACCOUNTS_LISTED);
             ResultSet rs = ps.executeQuery()) {
            List<Account> out = new ArrayList<>();
            while (rs.next()) {
                out.add(account(rs));
            }
            return out;
        }
    }

    /** False when the name is taken. */
    boolean create(String username, Role role, String hash, Instant now) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("""
                     INSERT INTO operators.operator_accounts (username, role, password_hash, created_at, changed_at)
                     VALUES (?, ?, ?, ?, ?) ON CONFLICT (username) DO NOTHING""")) {
            ps.setString(1, username);
            ps.setString(2, role.wire());
            ps.setString(3, hash);
            ps.setTimestamp(4, Timestamp.from(now));
            ps.setTimestamp(5, Timestamp.from(now));
            return ps.executeUpdate() == 1;
        }
    }

    /**
     * Sets what is non-null; a disabled account or a new password also ends the account's sessions. Refused (empty)
     * when it would leave no enabled admin. One transaction, the account row locked, so two admins demoting each
     * other cannot both win.
     */
    Optional<Account> change(long accountId, Role role, Boolean disabled, String hash, Instant now)
            throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                // Lock every admin row: the last-admin check must see the others as they are.
                try (PreparedStatement lock = c.prepareStatement("SELECT id FROM operators.operator_accounts"
                        + " WHERE role = 'admin' OR id = ? ORDER BY id FOR UPDATE")) {
                    lock.setLong(1, accountId);
                    lock.executeQuery().close();
                }
                try (PreparedStatement ps = c.prepareStatement("""
                        UPDATE operators.operator_accounts SET role = coalesce(?, role),
                            disabled = coalesce(?, disabled), password_hash = coalesce(?, password_hash), changed_at = ?
                        WHERE id = ?""")) {
                    ps.setString(1, role == null ? null : role.wire());
                    if (disabled == null) {
                        ps.setNull(2, Types.BOOLEAN);
                    } else {
                        ps.setBoolean(2, disabled);
                    }
                    ps.setString(3, hash);
                    ps.setTimestamp(4, Timestamp.from(now));
                    ps.setLong(5, accountId);
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM operators.operator_accounts"
                        + " WHERE role = 'admin' AND NOT disabled");
                     ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) == 0) {
                        c.rollback();
                        return Optional.empty();
                    }
                }
                if (Boolean.TRUE.equals(disabled) || hash != null) {
                    try (PreparedStatement ps = c.prepareStatement(
                            "DELETE FROM operators.operator_sessions WHERE account_id = ?")) {
                        ps.setLong(1, accountId);
                        ps.executeUpdate();
                    }
                }
                Account after;
                try (PreparedStatement ps = c.prepareStatement("SELECT id, username, role, password_hash, disabled"
                        + " FROM operators.operator_accounts WHERE id = ?")) {
                    ps.setLong(1, accountId);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        after = account(rs);
                    }
                }
                c.commit();
                return Optional.of(after);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    void createSession(byte[] tokenSha256, long accountId, Instant now, Instant expiresAt) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            // Ended sessions go when new ones come: no sweeper thread, and the table stays as small as the team.
            try (PreparedStatement purge = c.prepareStatement(
                    "DELETE FROM operators.operator_sessions WHERE expires_at <= ?")) {
                purge.setTimestamp(1, Timestamp.from(now));
                purge.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO operators.operator_sessions"
                    + " (token_sha256, account_id, created_at, expires_at, last_seen_at) VALUES (?, ?, ?, ?, ?)")) {
                ps.setBytes(1, tokenSha256);
                ps.setLong(2, accountId);
                ps.setTimestamp(3, Timestamp.from(now));
                ps.setTimestamp(4, Timestamp.from(expiresAt));
                ps.setTimestamp(5, Timestamp.from(now));
                ps.executeUpdate();
            }
        }
    }

    /** The session's operator if it is neither expired nor idle and its account is enabled; marks it seen. */
    Optional<Operator> touchSession(byte[] tokenSha256, Instant now, Instant idleCutoff) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("""
                     UPDATE operators.operator_sessions s SET last_seen_at = ?
                     FROM operators.operator_accounts a
                     WHERE s.token_sha256 = ? AND a.id = s.account_id AND s.expires_at > ? AND s.last_seen_at > ?
                       AND NOT a.disabled
                     RETURNING a.id, a.username, a.role""")) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setBytes(2, tokenSha256);
            ps.setTimestamp(3, Timestamp.from(now));
            ps.setTimestamp(4, Timestamp.from(idleCutoff));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Operator(rs.getLong(1), rs.getString(2),
                        Role.valueOf(rs.getString(3).toUpperCase(java.util.Locale.ROOT)))) : Optional.empty();
            }
        }
    }

    void deleteSession(byte[] tokenSha256) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM operators.operator_sessions WHERE token_sha256 = ?")) {
            ps.setBytes(1, tokenSha256);
            ps.executeUpdate();
        }
    }

    void audit(Instant at, String operator, String service, String action, String target, String beforeJson,
               String afterJson) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO operators.operator_audit"
                     + " (at, operator, service, action, target, before, after)"
                     + " VALUES (?, ?, ?, ?, ?, ?::jsonb, ?::jsonb)")) {
            ps.setTimestamp(1, Timestamp.from(at));
            ps.setString(2, operator);
            ps.setString(3, service);
            ps.setString(4, action);
            ps.setString(5, target);
            ps.setString(6, beforeJson);
            ps.setString(7, afterJson);
            ps.executeUpdate();
        }
    }

    /** Newest first, ids below {@code beforeId} (null: from the newest). */
    List<AuditEntry> auditPage(Long beforeId, int limit) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id, at, operator, service, action, target,"
                     + " before::text, after::text FROM operators.operator_audit WHERE id < ? ORDER BY id DESC LIMIT ?")) {
            ps.setLong(1, beforeId == null ? Long.MAX_VALUE : beforeId);
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                List<AuditEntry> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(new AuditEntry(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getString(3),
                            rs.getString(4), rs.getString(5), rs.getString(6), json(rs.getString(7)),
                            json(rs.getString(8))));
                }
                return out;
            }
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode json(String text) {
        if (text == null) {
            return null;
        }
        try {
            return dev.floodgate.contracts.http.Json.MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("operator_audit holds invalid JSON", e);
        }
    }

    private static Account account(ResultSet rs) throws SQLException {
        return new Account(rs.getLong(1), rs.getString(2),
                Role.valueOf(rs.getString(3).toUpperCase(java.util.Locale.ROOT)), rs.getString(4), rs.getBoolean(5));
    }
}
