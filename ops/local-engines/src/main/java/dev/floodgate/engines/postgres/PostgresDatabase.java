package dev.floodgate.engines.postgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * A place to put tables: a database, or a schema inside one ({@code schema} non-null; the URL then sets
 * {@code currentSchema}, so unqualified names land there).
 */
public record PostgresDatabase(String database, String schema, String jdbcUrl, String user, String password) {

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, user, password);
    }
}
