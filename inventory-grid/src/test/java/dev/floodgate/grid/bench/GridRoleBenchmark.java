package dev.floodgate.grid.bench;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.floodgate.grid.Grid;
import dev.floodgate.grid.GridSettings;
import dev.floodgate.grid.JvmFlags;
import dev.floodgate.grid.MemberMain;
import dev.floodgate.grid.catalog.CategoryInfo;
import dev.floodgate.grid.catalog.EventInfo;
import dev.floodgate.grid.hold.HoldResult;
import dev.floodgate.grid.inventory.Inventory;
import dev.floodgate.grid.stripe.StockCounters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * A hold through each way a service can reach the grid, side by side in one sitting, on the same data layout (one
 * event, one hot general-admission category of 100,000 units with the production striping, 8 stripes) and the same
 * caller threads:
 *
 * <ol>
 *   <li><b>embedded</b>: this JVM is the only member (today's all-in-one stack);</li>
 *   <li><b>client</b>: 3 members in 3 other JVMs ({@link MemberMain}), this JVM a Hazelcast client (smart routing:
 *       each operation goes straight to its partition's owner);</li>
 *   <li><b>lite member</b>: the same 3 members, this JVM joins them as a lite member (no data, but a member: it
 *       knows the partition table and talks the member protocol);</li>
 *   <li><b>embedded, 1 of 3</b>: this JVM a full member with 2 others in other JVMs (two thirds of the holds remote,
 *       backups on another member).</li>
 * </ol>
 *
 * <p>A "hold" here is a real cycle: {@code Inventory.hold} of one unit for a new fan (timed on its own: the
 * latencies) then {@code Inventory.release} of it, so stock never runs out; a call that throws is retried with the
 * same request (idempotent). Per mode: cycles per second at 16 threads and at 1 thread, hold latency percentiles from
 * every individual timing, CPU per cycle of this JVM ({@code getProcessCpuTime}) and of the member JVMs
 * ({@code /proc/<pid>/stat} utime+stime) over the timed window, and each process's RSS. At the end of each mode the
 * category is audited: {@code available + held + sold = capacity} with nothing held, else the benchmark fails.
 *
 * <p>Then, with the lite member: a ballast of long-lived holds, one member SIGKILLed under load, and the time until
 * the survivors notice and until {@code PartitionService.isClusterSafe()} (every partition has its backup again);
 * every ballast hold must still be there.
 *
 * <p>Not part of the normal build: {@code -Dbench=true -Dtest=GridRoleBenchmark} (see docs/benchmarks.md). Knobs:
 * {@code -Dbench.seconds} (timed window per figure, 10), {@code -Dbench.warmup} (seconds, 5),
 * {@code -Dbench.threads} (16), {@code -Dbench.ballast} (holds kept during the kill, 50,000),
 * {@code -Dbench.rounds} (rounds of the modes with member JVMs, 2), {@code -Dbench.member-heap} (512m), {@code -Dbench.modes} (comma list of embedded,client,lite,member3,kill).
 */
@EnabledIfSystemProperty(named = "bench", matches = "true")
class GridRoleBenchmark {
    private static final Duration TTL = Duration.ofMinutes(30);
    private static final int CAPACITY = 100_000;
    private static final long CLK_TCK = 100; // getconf CLK_TCK on Linux x86-64
    private static final int SECONDS = Integer.getInteger("bench.seconds", 10);
    private static final int WARMUP = Integer.getInteger("bench.warmup", 5);
    private static final int THREADS = Integer.getInteger("bench.threads", 16);
    private static final int BALLAST = Integer.getInteger("bench.ballast", 50_000);
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 2);
    private static final String MEMBER_HEAP = System.getProperty("bench.member-heap", "512m");
    private static final List<String> MODES = List.of(System.getProperty("bench.modes",
            "embedded,client,lite,member3,kill").split(","));

    private final List<String> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    /** One timed window's figures. */
    record Window(int threads, long cycles, long failures, double seconds, long[] holdNanos, long selfCpuNanos,
                  long membersCpuNanos) {
        double rate() {
            return cycles / seconds;
        }

        long pct(double p) {
            if (holdNanos.length == 0) {
                return 0;
            }
            int i = (int) Math.min(holdNanos.length - 1, Math.ceil(p / 100.0 * holdNanos.length) - 1);
            return holdNanos[Math.max(0, i)];
        }
    }

    @Test
    void aHoldThroughEachRole() throws Exception {
        String started = Instant.now().toString();
        String loadStart = loadAverage();
        System.out.printf("GridRoleBenchmark %s: %d s per figure after %d s warm-up, %d threads then 1, %d cores, %s,"
                        + " load average %s%n", started, SECONDS, WARMUP, THREADS,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), loadStart);

        if (MODES.contains("embedded")) {
            try (Grid alone = Grid.start(new GridSettings("bench-" + UUID.randomUUID(), GridSettings.Role.MEMBER,
                    List.of(), 0, 1, Duration.ofSeconds(1)), Grid.DEFAULT_STRIPES, Clock.systemUTC())) {
                measureMode("embedded (only member)", alone, List.of());
            }
        }

        if (MODES.contains("client") || MODES.contains("lite") || MODES.contains("kill")) {
            String cluster = "bench-" + UUID.randomUUID();
            List<Integer> ports = freePorts(4);
            List<Integer> memberPorts = ports.subList(0, 3);
            List<Process> members = startMembers(cluster, memberPorts, List.of(0, 1, 2));
            GridSettings clientSettings = new GridSettings(cluster, GridSettings.Role.CLIENT,
                    addresses(memberPorts), 0, 1, Duration.ofSeconds(1));
            if (!Grid.clientConfig(clientSettings).getNetworkConfig().isSmartRouting()) {
                throw new AssertionError("the client is expected to route smartly");
            }
            GridSettings liteSettings = new GridSettings(cluster, GridSettings.Role.MEMBER,
                    addresses(memberPorts), ports.get(3), 1, Duration.ofSeconds(1));
            Config liteConfig = Grid.memberConfig(liteSettings).setLiteMember(true);
            HazelcastInstance hz = Hazelcast.newHazelcastInstance(liteConfig);
            try (Grid client = Grid.start(clientSettings, Grid.DEFAULT_STRIPES, Clock.systemUTC());
                 Grid lite = Grid.shared(hz, liteSettings, Grid.DEFAULT_STRIPES, Clock.systemUTC())) {
                awaitMembers(hz, 4);
                awaitMembers(client.hazelcast(), 4);
                // Two rounds, alternating, so that neither way profits alone from the member JVMs' JIT warming up.
                for (int round = 1; round <= ROUNDS; round++) {
                    if (MODES.contains("client")) {
                        measureMode("client (3 member JVMs, smart routing), round " + round, client, members);
                    }
                    if (MODES.contains("lite")) {
                        measureMode("lite member (3 member JVMs), round " + round, lite, members);
                    }
                }
                if (MODES.contains("kill")) {
                    killOneMember(lite, members);
                }
            } finally {
                hz.shutdown();
                stop(members);
            }
        }

        if (MODES.contains("member3")) {
            String cluster = "bench-" + UUID.randomUUID();
            List<Integer> ports = freePorts(3);
            List<Process> others = startMembers(cluster, ports, List.of(1, 2));
            try (Grid member = Grid.start(new GridSettings(cluster, GridSettings.Role.MEMBER, addresses(ports),
                    ports.getFirst(), 1, Duration.ofSeconds(1)), Grid.DEFAULT_STRIPES, Clock.systemUTC())) {
                awaitMembers(member.hazelcast(), 3);
                awaitSafe(member.hazelcast(), Duration.ofSeconds(60));
                for (int round = 1; round <= ROUNDS; round++) {
                    measureMode("embedded, 1 of 3 members (2 member JVMs), round " + round, member, others);
                }
            } finally {
                stop(others);
            }
        }

        String loadEnd = loadAverage();
        StringBuilder out = new StringBuilder();
        out.append(String.format("GridRoleBenchmark, started %s, %d s per figure after %d s warm-up, %d cores, Java %s;"
                        + " load average at the start %s, at the end %s%n%n", started, SECONDS, WARMUP,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), loadStart, loadEnd));
        out.append("| mode | threads | holds/s | hold p50 ms | p99 ms | p99.9 ms | max ms | CPU/hold this JVM µs"
                + " | CPU/hold members µs | CPU/hold total µs | RSS this JVM MiB | RSS per member MiB | failed calls |\n");
        out.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        rows.forEach(r -> out.append(r).append('\n'));
        out.append('\n');
        notes.forEach(n -> out.append(n).append('\n'));
        System.out.println();
        System.out.println(out);
        Files.writeString(Path.of("target/grid-role-bench.md"), out.toString());
    }

    // --- one mode ------------------------------------------------------------------------------------------------

    private void measureMode(String mode, Grid grid, List<Process> members) throws Exception {
        String ev = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        EventInfo event = new EventInfo(ev, "Bench", 0, 4, TTL.toMillis(),
                List.of(new CategoryInfo("ga", "General", CAPACITY, 4500, "EUR", 0))); // 0: production striping
        grid.catalog().add(event);
        grid.inventory().stock(event);
        int stripes = grid.catalog().find(ev).orElseThrow().categories().getFirst().stripes();
        String load = loadAverage();
        for (int threads : new int[]{THREADS, 1}) {
            run(grid, ev, threads, WARMUP, members); // warm-up, not counted
            Window w = run(grid, ev, threads, SECONDS, members);
            rows.add(String.format("| %s | %d | %,.0f | %.2f | %.2f | %.2f | %.1f | %.0f | %.0f | %.0f | %d | %s | %d |",
                    mode, threads, w.rate(), ms(w.pct(50)), ms(w.pct(99)), ms(w.pct(99.9)), ms(w.pct(100)),
                    w.selfCpuNanos() / 1e3 / w.cycles(), w.membersCpuNanos() / 1e3 / w.cycles(),
                    (w.selfCpuNanos() + w.membersCpuNanos()) / 1e3 / w.cycles(), rssMiB(ProcessHandle.current().pid()),
                    members.isEmpty() ? "-" : members.stream().map(p -> String.valueOf(rssMiB(p.pid())))
                            .collect(Collectors.joining(" / ")), w.failures()));
            System.out.println(rows.getLast());
        }
        StockCounters after = grid.inventory().audit(ev, "ga"); // throws if available + held + sold != capacity
        if (after.held() != 0 || after.available() != CAPACITY || after.sold() != 0) {
            throw new AssertionError(mode + ": every hold was released, yet the category reads " + after);
        }
        notes.add(String.format("- %s: %d stripes; audit after the runs %s (ok); load average before this mode %s",
                mode, stripes, after, load));
    }

    private static Window run(Grid grid, String ev, int threads, int seconds, List<Process> members) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong cycles = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        String run = UUID.randomUUID().toString().substring(0, 8);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<long[]>> futures = new ArrayList<>();
        long cpu0 = selfCpu();
        long members0 = membersCpu(members);
        long t0 = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
                long[] timings = new long[1 << 16];
                int count = 0;
                for (long n = 0; !stop.get(); n++) {
                    String fan = "fan-" + run + "-" + thread + "-" + n;
                    long s = System.nanoTime();
                    HoldResult held = retrying(failures, () -> grid.inventory().hold(ev, "ga", fan, "r", 1, TTL));
                    long took = System.nanoTime() - s;
                    if (!held.done()) {
                        throw new AssertionError("hold refused: " + held.outcome());
                    }
                    HoldResult released = retrying(failures,
                            () -> grid.inventory().release(ev, held.hold().holdId(), fan));
                    if (!released.done() && released.outcome() != HoldResult.Outcome.NOT_FOUND) {
                        throw new AssertionError("release refused: " + released.outcome());
                    }
                    if (count == timings.length) {
                        timings = Arrays.copyOf(timings, count * 2);
                    }
                    timings[count++] = took;
                    cycles.incrementAndGet();
                }
                return Arrays.copyOf(timings, count);
            }));
        }
        Thread.sleep(seconds * 1000L); // the measuring window, not a test wait
        stop.set(true);
        List<long[]> all = new ArrayList<>();
        for (Future<long[]> f : futures) {
            all.add(f.get());
        }
        long elapsed = System.nanoTime() - t0;
        long cpu = selfCpu() - cpu0;
        long membersCpu = membersCpu(members) - members0;
        pool.shutdown();
        long[] timings = all.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        return new Window(threads, cycles.get(), failures.get(), elapsed / 1e9, timings, cpu, membersCpu);
    }

    /** A fan's retry of the same request (same request id, so the same hold) until the grid answers. */
    private static HoldResult retrying(AtomicLong failures, Supplier<HoldResult> call) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                return call.get();
            } catch (RuntimeException e) {
                failures.incrementAndGet();
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
        }
    }

    // --- losing one member ---------------------------------------------------------------------------------------

    private void killOneMember(Grid lite, List<Process> members) throws Exception {
        HazelcastInstance hz = lite.hazelcast();
        // Ballast: long-lived holds, as in a drop where most tickets are held or in checkout. A tenth more capacity
        // than holds: the last units of a category taken by 16 racing threads can answer NOT_ENOUGH_STOCK after 8
        // borrow rounds (a rough edge of the striping, inventory-grid/README.md), which is not what this measures.
        int ballastCapacity = BALLAST + BALLAST / 10;
        String ballastEv = "ballast-" + UUID.randomUUID().toString().substring(0, 8);
        EventInfo ballast = new EventInfo(ballastEv, "Ballast", 0, 4, TTL.toMillis(),
                List.of(new CategoryInfo("ga", "General", ballastCapacity, 4500, "EUR", 0)));
        lite.catalog().add(ballast);
        lite.inventory().stock(ballast);
        AtomicLong fill = new AtomicLong();
        AtomicLong fillFailures = new AtomicLong();
        long f0 = System.nanoTime();
        ExecutorService fillers = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            fs.add(fillers.submit(() -> {
                for (long n; (n = fill.getAndIncrement()) < BALLAST; ) {
                    String fan = "ballast-fan-" + n;
                    HoldResult r = retrying(fillFailures, () -> lite.inventory().hold(ballastEv, "ga", fan, "r", 1,
                            TTL));
                    if (!r.done()) {
                        throw new AssertionError("ballast hold refused: " + r.outcome());
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : fs) {
            f.get();
        }
        fillers.shutdown();
        double fillSeconds = (System.nanoTime() - f0) / 1e9;
        long[] rssBefore = members.stream().mapToLong(p -> rssMiB(p.pid())).toArray();

        // Load through the lite member while one member dies.
        String ev = "kill-" + UUID.randomUUID().toString().substring(0, 8);
        EventInfo event = new EventInfo(ev, "Kill", 0, 4, TTL.toMillis(),
                List.of(new CategoryInfo("ga", "General", CAPACITY, 4500, "EUR", 0)));
        lite.catalog().add(event);
        lite.inventory().stock(event);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong failures = new AtomicLong();
        AtomicLong cycles = new AtomicLong();
        AtomicLong worst = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> load = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            load.add(pool.submit(() -> {
                for (long n = 0; !stop.get(); n++) {
                    String fan = "kfan-" + thread + "-" + n;
                    long s = System.nanoTime();
                    HoldResult held = retrying(failures, () -> lite.inventory().hold(ev, "ga", fan, "r", 1, TTL));
                    worst.accumulateAndGet(System.nanoTime() - s, Math::max);
                    if (held.done()) {
                        retrying(failures, () -> lite.inventory().release(ev, held.hold().holdId(), fan));
                    }
                    cycles.incrementAndGet();
                }
                return null;
            }));
        }
        Thread.sleep(3_000); // under load before the kill
        long before = cycles.get();
        long k0 = System.nanoTime();
        Process victim = members.get(2);
        Runtime.getRuntime().exec(new String[]{"kill", "-9", String.valueOf(victim.pid())}).waitFor();
        victim.waitFor(30, TimeUnit.SECONDS);
        awaitCondition(Duration.ofSeconds(120), () -> hz.getCluster().getMembers().size() == 3); // 2 data + lite
        double detected = (System.nanoTime() - k0) / 1e6;
        awaitSafe(hz, Duration.ofSeconds(300));
        double safe = (System.nanoTime() - k0) / 1e6;
        long during = cycles.get() - before;
        Thread.sleep(2_000);
        stop.set(true);
        for (Future<?> f : load) {
            f.get();
        }
        pool.shutdown();

        StockCounters b = lite.inventory().audit(ballastEv, "ga");
        if (b.held() != BALLAST || b.available() != ballastCapacity - BALLAST) {
            throw new AssertionError("ballast holds lost with one member: " + b);
        }
        StockCounters k = lite.inventory().audit(ev, "ga");
        if (k.held() != 0 || k.available() != CAPACITY) {
            throw new AssertionError("load category after the kill: " + k);
        }
        List<Process> alive = members.subList(0, 2);
        notes.add(String.format("- member loss (lite member driving %d threads, kill -9 of 1 of 3 member JVMs with %,d"
                        + " live holds of ballast in %,d stripes + the load's category; ballast filled in %.1f s, member"
                        + " RSS before %s MiB): the survivors saw 2 members after %.0f ms, the cluster was safe again"
                        + " (every partition with its backup, isClusterSafe) after %.0f ms; %,d cycles completed"
                        + " between kill and safe, %d calls threw and were retried, slowest hold %.0f ms; audit"
                        + " afterwards: ballast %s, load %s (nothing lost); member RSS after %s MiB",
                THREADS, BALLAST, lite.catalog().find(ballastEv).orElseThrow().categories().getFirst().stripes(),
                fillSeconds, Arrays.toString(rssBefore), detected, safe, during, failures.get(), worst.get() / 1e6, b,
                k, alive.stream().map(p -> String.valueOf(rssMiB(p.pid()))).collect(Collectors.joining(", "))));
        System.out.println(notes.getLast());
    }

    // --- processes, CPU, memory ----------------------------------------------------------------------------------

    private static List<Process> startMembers(String cluster, List<Integer> ports, List<Integer> indexes)
            throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> started = new ArrayList<>();
        for (int i : indexes) {
            List<String> command = new ArrayList<>(List.of(java, "-Xmx" + MEMBER_HEAP, "-XX:+UseSerialGC",
                    "-XX:+ExitOnOutOfMemoryError"));
            command.addAll(JvmFlags.forThisJava());
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), MemberMain.class.getName(), cluster,
                    ports.stream().map(String::valueOf).collect(Collectors.joining(",")), String.valueOf(i)));
            File log = new File("target/grid-role-bench-member-" + i + ".log");
            started.add(new ProcessBuilder(command).redirectError(log).start());
        }
        for (Process p : started) {
            awaitReady(p);
        }
        return started;
    }

    private static void awaitReady(Process p) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        ExecutorService reader = Executors.newSingleThreadExecutor();
        try {
            String line = reader.submit(() -> {
                String l;
                while ((l = out.readLine()) != null) {
                    if (l.startsWith("READY")) {
                        return l;
                    }
                }
                return null;
            }).get(180, TimeUnit.SECONDS);
            if (line == null) {
                throw new AssertionError("member did not start, see target/grid-role-bench-member-*.log");
            }
        } finally {
            reader.shutdownNow();
        }
    }

    private static void stop(List<Process> members) throws InterruptedException {
        for (Process p : members) {
            p.destroyForcibly();
        }
        for (Process p : members) {
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static void awaitMembers(HazelcastInstance hz, int n) {
        awaitCondition(Duration.ofSeconds(120), () -> hz.getCluster().getMembers().size() == n);
    }

    private static void awaitSafe(HazelcastInstance hz, Duration timeout) {
        awaitCondition(timeout, () -> hz.getPartitionService().isClusterSafe());
    }

    private static void awaitCondition(Duration timeout, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
        }
    }

    private static long selfCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** utime + stime of the member JVMs, in nanoseconds. */
    private static long membersCpu(List<Process> members) {
        long total = 0;
        for (Process p : members) {
            try {
                String stat = Files.readString(Path.of("/proc/" + p.pid() + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                total += (Long.parseLong(f[11]) + Long.parseLong(f[12])) * (1_000_000_000L / CLK_TCK);
            } catch (IOException gone) {
                // a killed member: its CPU is no longer counted
            }
        }
        return total;
    }

    private static long rssMiB(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException gone) {
            return -1;
        }
        return -1;
    }

    private static String loadAverage() throws IOException {
        String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return f[0] + " " + f[1] + " " + f[2];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static List<Integer> freePorts(int n) {
        List<Integer> ports = new ArrayList<>();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (ports.size() < n) {
            int port = random.nextInt(20_000, 32_768); // below the ephemeral range, as the tests' Cluster does
            if (ports.contains(port)) {
                continue;
            }
            try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                ports.add(probe.getLocalPort());
            } catch (IOException taken) {
                // draw another
            }
        }
        return ports;
    }

    private static List<String> addresses(List<Integer> ports) {
        return ports.stream().map(p -> "127.0.0.1:" + p).toList();
    }
}
