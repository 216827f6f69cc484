package dev.floodgate.runtime;

import com.zaxxer.hikari.HikariDataSource;
import dev.floodgate.engines.fixture.Engines;
import dev.floodgate.engines.fixture.SharedEngines;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Readiness from {@link DatabaseProbe}, on real PostgreSQL: prompt, and "busy" is not "down". */
@ExtendWith(SharedEngines.class)
class DatabaseProbeTest {
    private static HikariDataSource pool(String url, String user, String password, int size, long waitMillis) {
        return Database.pool(Config.just(ConfigSources.create(Map.of("url", url, "user", user, "password", password,
                "pool.max-size", String.valueOf(size), "pool.connection-timeout-millis", String.valueOf(waitMillis)))),
                "probe-test");
    }

    /** Asks until the probe has finished once (the first call may only start it). */
    private static DatabaseProbe.Result firstAnswer(DatabaseProbe probe) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        DatabaseProbe.Result r = probe.latest();
        while (r.detail().equals(java.util.Optional.of("not probed yet")) && System.nanoTime() < deadline) {
            r = probe.latest();
        }
        return r;
    }

    @Test
    void aReachableDatabaseIsUp(Engines engines) {
        try (HikariDataSource ds = pool(engines.jdbcUrl(), engines.user(), engines.password(), 2, 5_000)) {
            assertThat(firstAnswer(new DatabaseProbe(ds)).up()).isTrue();
        }
    }

    @Test
    void aPoolWithEveryConnectionTakenAnswersUpWithoutWaitingForTheFreePoolConnection(Engines engines)
            throws Exception {
        AtomicLong clock = new AtomicLong(1_000_000);
        try (HikariDataSource ds = pool(engines.jdbcUrl(), engines.user(), engines.password(), 2, 30_000)) {
            DatabaseProbe probe = new DatabaseProbe(ds, clock::get);
            assertThat(firstAnswer(probe).up()).isTrue();
            try (Connection a = ds.getConnection(); Connection b = ds.getConnection()) {
                clock.addAndGet(DatabaseProbe.FRESH_FOR_MILLIS + 1);
                long started = System.nanoTime();
                DatabaseProbe.Result r = probe.latest();
                long tookMillis = (System.nanoTime() - started) / 1_000_000;
                assertThat(r.up()).isTrue();
                // The probe itself waits up to the pool's 30 s; the answer must not.
                assertThat(tookMillis).isLessThan(DatabaseProbe.ANSWER_WITHIN_MILLIS + 5_000);
                clock.addAndGet(DatabaseProbe.STALE_AFTER_MILLIS + 1);
                assertThat(probe.latest().up()).as("a probe stuck past the stale limit is no proof of life").isFalse();
            }
        }
    }

    @Test
    void aProbeThatFinishesBeforeItsCallerLooksIsStillTheAnswer(Engines engines) {
        // Run in the caller: the probe is done before latest() registers for its end (a loaded machine can preempt
        // the caller just there; CI did, and the health check threw).
        try (HikariDataSource ds = pool(engines.jdbcUrl(), engines.user(), engines.password(), 2, 5_000)) {
            DatabaseProbe probe = new DatabaseProbe(ds, System::currentTimeMillis, Runnable::run);
            assertThat(probe.latest().up()).isTrue();
        }
    }

    @Test
    void aPoolThatCannotReachPostgresIsDown(Engines engines) {
        // Port 1 on loopback: nothing listens, connections are refused.
        try (HikariDataSource ds = pool("jdbc:postgresql://127.0.0.1:1/floodgate", engines.user(), engines.password(),
                1, 1_000)) {
            DatabaseProbe.Result r = firstAnswer(new DatabaseProbe(ds));
            assertThat(r.up()).isFalse();
            assertThat(r.detail()).isNotEqualTo(java.util.Optional.of("not probed yet"));
        }
    }
}
