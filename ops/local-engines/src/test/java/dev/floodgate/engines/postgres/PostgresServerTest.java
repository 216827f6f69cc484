package dev.floodgate.engines.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floodgate.engines.support.ProcessSupport;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresServerTest {

    @TempDir
    Path tmp;

    private PostgresServer.Builder server(String name) throws Exception {
        ProcessSupport.chmod(tmp, "rwxr-xr-x"); // as root the server runs as 'postgres', which must enter this folder
        return PostgresServer.builder().dataDir(tmp.resolve(name)).fastUnsafe(true);
    }

    @Test
    void startsAndAcceptsJdbcAsTheConfiguredUser() throws Exception {
        try (PostgresServer pg = server("pg").user("app").password("s3cret'x").database("shop").build().start();
             Connection c = pg.connect();
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_user, current_database()")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("app");
            assertThat(rs.getString(2)).isEqualTo("shop");
            assertThat(pg.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + pg.port() + "/shop");
            System.out.printf("PostgreSQL %s (%s) started in %d ms%n", pg.serverVersion(), pg.binariesOrigin(),
                    pg.lastStartDuration().toMillis());
        }
    }

    @Test
    void restartKeepsDataAndPort() throws Exception {
        try (PostgresServer pg = server("pg").build().start()) {
            int port = pg.port();
            execute(pg, "CREATE TABLE seats (id int PRIMARY KEY); INSERT INTO seats VALUES (1), (2)");

            pg.restart();

            assertThat(pg.port()).isEqualTo(port);
            assertThat(count(pg, "SELECT count(*) FROM seats")).isEqualTo(2);
        }
    }

    @Test
    void aNewServerOnAKilledRunsDataDirRecoversItsData() throws Exception {
        Path dataDir;
        try (PostgresServer first = server("pg").fastUnsafe(false).build().start()) {
            dataDir = first.settings().dataDir();
            execute(first, "CREATE TABLE orders (id int); INSERT INTO orders VALUES (7)");
            // Take the handle before the kill: a process that is already gone has none to take afterwards.
            ProcessHandle postmaster = ProcessHandle.of(first.pid()).orElseThrow();
            ProcessSupport.signal(first.pid(), "KILL"); // leaves postmaster.pid behind, like a crashed run
            ProcessSupport.awaitExit(postmaster, Duration.ofSeconds(10));
        }
        assertThat(dataDir.resolve("postmaster.pid")).exists();

        try (PostgresServer second = server("pg").fastUnsafe(false).build().start()) {
            assertThat(count(second, "SELECT count(*) FROM orders")).isEqualTo(1);
        }
    }

    @Test
    void freshDatabasesAreSeparate() throws Exception {
        try (PostgresServer pg = server("pg").build().start()) {
            PostgresDatabase a = PostgresServer.freshDatabase(pg, PostgresServerTest.class);
            PostgresDatabase b = PostgresServer.freshSchema(pg, PostgresServerTest.class);
            try (Connection c = a.connect(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (id int)");
            }
            try (Connection c = b.connect(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (id int)"); // same name, other place
                ResultSet rs = s.executeQuery("SELECT current_schema()");
                rs.next();
                assertThat(rs.getString(1)).isEqualTo(b.schema());
            }
            assertThat(a.database()).isNotEqualTo(pg.database()).startsWith("postgresservertest_");
        }
    }

    @Test
    void embeddedFallbackBinariesStartAServer() throws Exception {
        try (PostgresServer pg = server("pg-embedded").binaries(PostgresBinaries.Source.EMBEDDED).build().start();
             Connection c = pg.connect();
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW server_version")) {
            rs.next();
            assertThat(pg.binariesOrigin()).startsWith("embedded");
            assertThat(rs.getString(1)).startsWith(pg.serverVersion().split("\\.")[0] + ".");
            System.out.printf("embedded PostgreSQL %s started in %d ms%n", rs.getString(1), pg.lastStartDuration().toMillis());
        }
    }

    private static void execute(PostgresServer pg, String sql) throws SQLException {
        try (Connection c = pg.connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static long count(PostgresServer pg, String sql) throws SQLException {
        try (Connection c = pg.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
