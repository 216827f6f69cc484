package dev.floodgate.engines.postgres;

import dev.floodgate.engines.support.ProcessSupport;
import dev.floodgate.engines.fixture.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * PostgreSQL with TLS required, as a deployment should run it: a client that verifies the server's certificate
 * (sslmode=verify-full with the CA, exactly the JDBC URL a service's {@code db.url} carries) gets an encrypted
 * session; a client without TLS, or trusting another authority, gets nothing.
 */
class PostgresTlsTest {
    @TempDir
    Path tmp;

    @Test
    void withTlsRequiredOnlyVerifiedEncryptedConnectionsGetIn() throws Exception {
        ProcessSupport.chmod(tmp, "rwxr-xr-x"); // as root the server runs as 'postgres', which must enter this folder
        TestCertificates certs = TestCertificates.makeIn(tmp.resolve("certs"));
        try (PostgresServer pg = PostgresServer.builder().dataDir(tmp.resolve("pg")).fastUnsafe(true)
                .tls(new PostgresServer.Tls(certs.serverCertificate(), certs.serverKey(), true)).build().start()) {
            String verified = pg.jdbcUrl() + "?sslmode=verify-full&sslrootcert=" + certs.caCertificate();
            try (Connection c = DriverManager.getConnection(verified, pg.user(), pg.password());
                 Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("select ssl, version from pg_stat_ssl where pid = pg_backend_pid()")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getBoolean(1)).isTrue();
                assertThat(rs.getString(2)).startsWith("TLSv1.");
            }
            assertThatThrownBy(() -> DriverManager.getConnection(pg.jdbcUrl() + "?sslmode=disable", pg.user(),
                    pg.password()).close())
                    .isInstanceOf(SQLException.class).hasMessageContaining("no encryption");
            Path stranger = TestCertificates.otherAuthority(tmp.resolve("other"));
            assertThatThrownBy(() -> DriverManager.getConnection(pg.jdbcUrl() + "?sslmode=verify-full&sslrootcert="
                    + stranger, pg.user(), pg.password()).close())
                    .isInstanceOf(SQLException.class);
        }
    }
}
