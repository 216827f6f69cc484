package dev.floodgate.ops.simulator.bench;

import dev.floodgate.ops.simulator.Api.ChargeRequest;
import dev.floodgate.ops.simulator.Ledger;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What keeping the SIMULATOR's books on disk costs a charge: {@link Ledger#charge} in memory only and journalled
 * (each answer waits for its line to be forced; concurrent callers share a force), from 1 and from N threads.
 * Replays the file at the end and times it.
 *
 * <p>Arguments: {@code [charges=2000] [threads=32] [folder=target/ledger-bench]}. Run from
 * {@code ops/provider-simulator} after {@code ../../mvnw -q test-compile dependency:build-classpath
 * -Dmdep.outputFile=target/cp.txt}: {@code java -cp target/test-classes:target/classes:$(cat target/cp.txt)
 * dev.floodgate.ops.simulator.bench.LedgerJournalBenchmark 2000 32}.
 */
public final class LedgerJournalBenchmark {
    private LedgerJournalBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int charges = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        Path dir = Path.of(args.length > 2 ? args[2] : "target/ledger-bench").toAbsolutePath();
        Files.createDirectories(dir);
        System.out.printf("charges %d, threads 1 and %d, journal in %s, load average %.1f%n", charges, threads, dir,
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        for (int round = 1; round <= 2; round++) { // the first round warms up the JIT
            for (int t : new int[]{1, threads}) {
                try (Ledger memory = new Ledger(Ledger.DEFAULT_MAX_CHARGES, Ledger.DEFAULT_MAX_PAYMENT_METHODS,
                        Clock.systemUTC())) {
                    report(round, "memory", t, run(memory, charges, t));
                }
                Path file = dir.resolve("ledger-" + round + "-" + t + ".jsonl");
                Files.deleteIfExists(file);
                try (Ledger journalled = Ledger.open(file, Ledger.DEFAULT_MAX_CHARGES,
                        Ledger.DEFAULT_MAX_PAYMENT_METHODS, Clock.systemUTC())) {
                    report(round, "journal", t, run(journalled, charges, t));
                }
                long t0 = System.nanoTime();
                try (Ledger replayed = Ledger.open(file, Ledger.DEFAULT_MAX_CHARGES,
                        Ledger.DEFAULT_MAX_PAYMENT_METHODS, Clock.systemUTC())) {
                    System.out.printf("round %d replay of %d charges (%d bytes): %.0f ms%n", round,
                            replayed.charges().size(), Files.size(file), (System.nanoTime() - t0) / 1e6);
                }
                Files.delete(file);
            }
        }
    }

    private static long run(Ledger ledger, int charges, int threads) throws Exception {
        AtomicInteger next = new AtomicInteger();
        long t0 = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                done.add(pool.submit(() -> {
                    for (int n; (n = next.getAndIncrement()) < charges; ) {
                        String order = "order-" + n;
                        ledger.charge(order, new ChargeRequest(4500L, "EUR", "pm_card_visa", order));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        return (System.nanoTime() - t0) / charges;
    }

    private static void report(int round, String books, int threads, long nanosPerCharge) {
        System.out.printf("round %d %-7s %2d threads: %8.1f µs per charge (wall), %8.0f charges/s%n", round, books,
                threads, nanosPerCharge / 1e3, 1e9 / nanosPerCharge);
    }
}
