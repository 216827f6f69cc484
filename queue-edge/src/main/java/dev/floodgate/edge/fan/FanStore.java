package dev.floodgate.edge.fan;

import dev.floodgate.runtime.Database;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;

/** Fans in the {@code edge} schema of PostgreSQL. */
public final class FanStore {
    private static final String UNIQUE_VIOLATION = "23505";

    private final DataSource dataSource;

    public FanStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Stores a new fan; answers empty when the email is taken. */
    public Optional<Fan> create(String email, String passwordHash, String displayName) {
        Fan fan = new Fan(UUID.randomUUID().toString(), email, passwordHash, displayName);
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement(
                     "insert into edge.fans (fan_id, email, password_hash, display_name) values (?, ?, ?, ?)")) {
            s.setObject(1, UUID.fromString(fan.fanId()));
            s.setString(2, email);
            s.setString(3, passwordHash);
            s.setString(4, displayName);
            s.executeUpdate();
            return Optional.of(fan);
        } catch (SQLException e) {
            if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                return Optional.empty();
            }
            throw failure(e);
        }
    }

    public Optional<Fan> findByEmail(String email) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement(
                     "select fan_id, email, password_hash, display_name from edge.fans where email = ?")) {
            s.setString(1, email);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Fan(rs.getObject(1, UUID.class).toString(), rs.getString(2), rs.getString(3),
                        rs.getString(4)));
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private static RuntimeException failure(SQLException e) {
        if (Database.isUnavailable(e)) {
            return Database.unavailable(e, "the database is not reachable, try again shortly");
        }
        return new IllegalStateException("fan store failed", e);
    }
}
