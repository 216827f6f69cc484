package dev.floodgate.grid.bench;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.internal.serialization.SerializationService;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import com.hazelcast.spi.impl.SerializationServiceSupport;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.floodgate.engines.postgres.PostgresServer;
import dev.floodgate.grid.Grid;
import dev.floodgate.grid.GridSettings;
import dev.floodgate.grid.catalog.CategoryInfo;
import dev.floodgate.grid.catalog.EventInfo;
import dev.floodgate.grid.inventory.Inventory;
import dev.floodgate.grid.stripe.StockKey;
import dev.floodgate.grid.stripe.Stripe;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Holds per second on one hot category, side by side in one run: (1) Floodgate's path ({@code Inventory.hold}: the
 * fan's record and the units in one step on the fan's home stripe, lending between stripes when needed) with 1/4/8 stripes, (2) the ceiling: a raw
 * entry-processor decrement of one key, (3) the seed design: one PostgreSQL row update per ticket through HikariCP.
 * Then with 3 members (in this one JVM), and the grid memory a hold costs.
 *
 * <p>Run: {@code java -cp <inventory-grid test classpath> dev.floodgate.grid.bench.HoldBenchmark [seconds] [threads]}
 * (see docs/benchmarks.md for the exact command).
 */
public final class HoldBenchmark {
    private static final Duration TTL = Duration.ofMinutes(30);

    public record Decrement() implements EntryProcessor<String, Integer, Boolean> {
        @Override
        public Boolean process(Map.Entry<String, Integer> entry) {
            int left = entry.getValue() == null ? 0 : entry.getValue();
            if (left <= 0) {
                return false;
            }
            entry.setValue(left - 1);
            return true;
        }
    }

    interface Op {
        boolean run(int thread, long n) throws Exception;
    }

    private HoldBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        System.out.printf("HoldBenchmark: %d s per figure after a 2 s warm-up, %d caller threads, %d cores, %s%n",
                seconds, threads, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        List<String> rows = new ArrayList<>();

        // --- PostgreSQL: the seed design ---------------------------------------------------------------------
        Path pgDir = Files.createTempDirectory("holdbench-pg-");
        Files.setPosixFilePermissions(pgDir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        PostgresServer pg = PostgresServer.builder().dataDir(pgDir.resolve("data")).build();
        pg.start();
        try {
            HikariConfig hc = new HikariConfig();
            hc.setJdbcUrl(pg.jdbcUrl());
            hc.setUsername(pg.user());
            hc.setPassword(pg.password());
            hc.setMaximumPoolSize(threads);
            try (HikariDataSource ds = new HikariDataSource(hc)) {
                try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                    s.execute("drop table if exists bench_stock");
                    s.execute("create table bench_stock (event_id text, category_id text, available int not null,"
                            + " primary key (event_id, category_id))");
                    s.execute("insert into bench_stock values ('hot', 'ga', 100000000)");
                }
                double pgRate = measure(seconds, threads, (t, n) -> {
                    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                            "update bench_stock set available = available - 1"
                                    + " where event_id = 'hot' and category_id = 'ga' and available > 0")) {
                        return ps.executeUpdate() == 1;
                    }
                });
                rows.add(row("PostgreSQL row update per ticket (HikariCP, synchronous commit)", 1, "-", pgRate));
            }
        } finally {
            pg.stop();
        }

        // --- the grid, 1 member then 3 -----------------------------------------------------------------------
        for (int memberCount : new int[]{1, 3}) {
            List<Grid> members = startMembers(memberCount);
            try {
                HazelcastInstance hz = members.getFirst().hazelcast();
                IMap<String, Integer> raw = hz.getMap("bench-raw");
                raw.put("hot", Integer.MAX_VALUE);
                double ceiling = measure(seconds, threads, (t, n) -> raw.executeOnKey("hot", new Decrement()));
                rows.add(row("raw single-key entry-processor decrement (ceiling)", memberCount, "1", ceiling));
                for (int stripes : new int[]{1, 4, 8}) {
                    String ev = "bench-" + stripes + "-" + UUID.randomUUID().toString().substring(0, 6);
                    EventInfo event = new EventInfo(ev, "Bench", 0, 4, TTL.toMillis(),
                            List.of(new CategoryInfo("ga", "General", CategoryInfo.MAX_CAPACITY, 4500, "EUR",
                                    stripes)));
                    members.getFirst().catalog().add(event);
                    members.getFirst().inventory().stock(event);
                    String run = UUID.randomUUID().toString().substring(0, 6);
                    double rate = measure(seconds, threads, (t, n) -> members.get(t % memberCount).inventory()
                            .hold(ev, "ga", "fan-" + run + "-" + t + "-" + n, "r", 1, TTL).done());
                    rows.add(row("Floodgate hold (record and units in one step)", memberCount, String.valueOf(stripes), rate));
                    hz.getMap(Inventory.MAP).clear(); // keep memory flat between runs
                }
            } finally {
                members.forEach(Grid::close);
            }
        }

        System.out.println();
        System.out.println("| path | members | stripes | holds/s |");
        System.out.println("|---|---|---|---|");
        rows.forEach(System.out::println);
        memoryPerHold();
    }

    private static void memoryPerHold() throws Exception {
        List<Grid> members = startMembers(1);
        try {
            Grid grid = members.getFirst();
            HazelcastInstance hz = grid.hazelcast();
            String ev = "mem-" + UUID.randomUUID().toString().substring(0, 6);
            EventInfo event = new EventInfo(ev, "Mem", 0, 4, TTL.toMillis(),
                    List.of(new CategoryInfo("ga", "General", 100_000, 4500, "EUR", 8)));
            grid.catalog().add(event);
            grid.inventory().stock(event);
            IMap<StockKey, Stripe> stock = hz.getMap(Inventory.MAP);
            SerializationService ss = ((SerializationServiceSupport) hz).getSerializationService();
            long stripesBefore = serializedSize(ss, stock);
            int n = 10_000;
            for (int i = 0; i < n; i++) {
                grid.inventory().hold(ev, "ga", "fan-" + UUID.randomUUID(), "r-" + i, 1, TTL);
            }
            long stripesAfter = serializedSize(ss, stock);
            System.out.printf("%nGrid memory per hold (serialized Compact size of the stored stripes, %d holds of one"
                            + " unit, fresh fans; the hold and the fan's record together): %.1f bytes/hold, x2 with"
                            + " backup-count 1%n", n, (stripesAfter - stripesBefore) / (double) n);
            System.out.printf("  (IMap.getLocalMapStats().getOwnedEntryMemoryCost(): stock %d bytes; OBJECT"
                            + " in-memory format, so Hazelcast does not size the values)%n",
                    stock.getLocalMapStats().getOwnedEntryMemoryCost());
        } finally {
            members.forEach(Grid::close);
        }
    }

    private static <K, V> long serializedSize(SerializationService ss, IMap<K, V> map) {
        long total = 0;
        for (Map.Entry<K, V> e : map.entrySet()) {
            total += ss.toData(e.getKey()).totalSize() + ss.toData(e.getValue()).totalSize();
        }
        return total;
    }

    private static List<Grid> startMembers(int count) throws IOException {
        String cluster = "holdbench-" + UUID.randomUUID();
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            try (ServerSocket s = new ServerSocket(0)) {
                ports.add(s.getLocalPort());
            }
        }
        List<String> addresses = ports.stream().map(p -> "127.0.0.1:" + p).toList();
        List<Grid> members = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            members.add(Grid.start(new GridSettings(cluster, GridSettings.Role.MEMBER, addresses, ports.get(i), 1,
                    Duration.ofSeconds(5)), Grid.DEFAULT_STRIPES, Clock.systemUTC()));
        }
        while (members.getFirst().hazelcast().getCluster().getMembers().size() < count) {
            Thread.onSpinWait();
        }
        return members;
    }

    private static double measure(int seconds, int threads, Op op) throws Exception {
        run(2, threads, op); // warm-up
        return run(seconds, threads, op);
    }

    private static double run(int seconds, int threads, Op op) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong done = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> futures = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
                long n = 0;
                while (!stop.get()) {
                    if (op.run(thread, n++)) {
                        done.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        Thread.sleep(seconds * 1000L); // a benchmark's measuring window, not a test wait
        stop.set(true);
        for (Future<?> f : futures) {
            f.get();
        }
        long elapsed = System.nanoTime() - t0;
        pool.shutdown();
        return done.get() / (elapsed / 1e9);
    }

    private static String row(String path, int members, String stripes, double rate) {
        String r = String.format("| %s | %d | %s | %,.0f |", path, members, stripes, rate);
        System.out.println(r);
        return r;
    }
}
