package dev.floodgate.edge.fan;

import com.zaxxer.hikari.HikariDataSource;
import dev.floodgate.contracts.error.ApiException;
import dev.floodgate.engines.fixture.Engines;
import dev.floodgate.engines.fixture.SharedEngines;
import dev.floodgate.runtime.Database;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A pool that is only exhausted (a spike) is told apart from a PostgreSQL that cannot be reached: both are a 503 with
 * Retry-After, but the first says the service is busy, not that the database is down. Real PostgreSQL.
 */
@ExtendWith(SharedEngines.class)
class DatabaseBusyTest {

    private static HikariDataSource pool(String url, String user, String password) {
        return Database.pool(Config.just(ConfigSources.create(Map.of("url", url, "user", user, "password", password,
                "pool.max-size", "1", "pool.connection-timeout-millis", "250"))), "busy-test");
    }

    @Test
    void aPoolWhoseOnlyConnectionIsInUseIsBusyAndAnswers503WithRetryAfter(Engines engines) throws SQLException {
        try (HikariDataSource pool = pool(engines.jdbcUrl(), engines.user(), engines.password());
             Connection taken = pool.getConnection()) {
            assertThat(taken.isValid(1)).isTrue();
            SQLException e = catchThrowableOfType(SQLException.class, pool::getConnection);

            assertThat(Database.isUnavailable(e)).isTrue();
            assertThat(Database.isBusy(e)).isTrue();
            ApiException answer = Database.unavailable(e, "the database is not reachable");
            assertThat(answer.status()).isEqualTo(503);
            assertThat(answer.getMessage()).startsWith("too many requests at once");
            assertThat(answer.retryAfterSeconds()).isEqualTo(1L);
        }
    }

    @Test
    void aPostgresThatCannotBeReachedIsNotBusyButUnreachable(Engines engines) throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (HikariDataSource pool = pool("jdbc:postgresql://127.0.0.1:" + closedPort + "/floodgate",
                engines.user(), engines.password())) {
            SQLException e = catchThrowableOfType(SQLException.class, pool::getConnection);

            assertThat(Database.isUnavailable(e)).isTrue();
            assertThat(Database.isBusy(e)).isFalse();
            ApiException answer = Database.unavailable(e, "the database is not reachable");
            assertThat(answer.getMessage()).isEqualTo("the database is not reachable");
            assertThat(answer.retryAfterSeconds()).isEqualTo(1L);
        }
    }
}
