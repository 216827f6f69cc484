package dev.floodgate.runtime.observe;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Tag;

import java.util.List;
import java.util.function.ToIntFunction;

/**
 * A service's PostgreSQL pool, named as HikariCP's own Micrometer binding names them ({@code hikaricp_connections_*},
 * label {@code pool}) so that existing dashboards read them. Read from the pool's MXBean: counters in memory.
 * {@code pending} above zero for long means requests wait for a connection (the pool is too small or PostgreSQL slow).
 */
public final class PoolMeters {
    private PoolMeters() {
    }

    public static void register(HikariDataSource pool) {
        String name = pool.getPoolName();
        gauge(pool, name, "hikaricp_connections_active", "connections in use", HikariPoolMXBean::getActiveConnections);
        gauge(pool, name, "hikaricp_connections_idle", "connections open and free", HikariPoolMXBean::getIdleConnections);
        gauge(pool, name, "hikaricp_connections_pending", "requests waiting for a connection",
                HikariPoolMXBean::getThreadsAwaitingConnection);
        Metrics.globalRegistry().remove("hikaricp_connections_max", tags(name));
        Metrics.globalRegistry().getOrCreate(Gauge.builder("hikaricp_connections_max", pool,
                p -> p.getMaximumPoolSize()).description("most connections the pool opens").tags(tags(name)));
    }

    private static void gauge(HikariDataSource pool, String name, String metric, String help,
                              ToIntFunction<HikariPoolMXBean> read) {
        // A service restarted in the same JVM (tests) gets a new pool under the same name: the gauge follows it.
        Metrics.globalRegistry().remove(metric, tags(name));
        Metrics.globalRegistry().getOrCreate(Gauge.builder(metric, pool, p -> {
            HikariPoolMXBean bean = p.isClosed() ? null : p.getHikariPoolMXBean();
            return bean == null ? 0 : read.applyAsInt(bean);
        }).description(help).tags(tags(name)));
    }

    private static List<Tag> tags(String pool) {
        return List.of(Tag.create("pool", pool));
    }
}
