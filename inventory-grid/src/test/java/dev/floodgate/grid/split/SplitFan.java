package dev.floodgate.grid.split;

import dev.floodgate.grid.Grid;
import dev.floodgate.grid.GridSettings;
import dev.floodgate.grid.hold.HoldResult;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Fans holding one ticket each, one after another, through one Hazelcast client, as an edge would for them: a fan
 * whose call fails retries the same request (same request id, so never a second hold) for up to
 * {@link #RETRY_FOR}, then gives up. Each outcome is one {@link Attempt}.
 */
final class SplitFan {
    /** How long a fan retries one request before giving up, as a fan's page would. */
    static final Duration RETRY_FOR = Duration.ofSeconds(20);
    static final Duration HOLD_TTL = Duration.ofMinutes(10);

    /** One fan's try: {@code ACK} (acknowledged hold), {@code NO} (a definite refusal) or {@code GAVEUP}. */
    record Attempt(String kind, String fanId, String holdId, String detail, long startMillis, long endMillis,
                   int errors) {
        String line() {
            return String.join(" ", kind, fanId, holdId.isEmpty() ? "-" : holdId, detail, Long.toString(startMillis),
                    Long.toString(endMillis), Integer.toString(errors));
        }

        static Attempt parse(String line) {
            String[] p = line.split(" ");
            return new Attempt(p[0], p[1], p[2].equals("-") ? "" : p[2], p[3], Long.parseLong(p[4]),
                    Long.parseLong(p[5]), Integer.parseInt(p[6]));
        }
    }

    /** A client of the grid at {@code members}, configured exactly as the services' (timeouts included). */
    static Grid client(String cluster, List<String> members) {
        return Grid.start(new GridSettings(cluster, GridSettings.Role.CLIENT, members, 0, 1, Duration.ofHours(1)),
                Grid.DEFAULT_STRIPES, Clock.systemUTC());
    }

    /** Fans {@code prefix}-1, -2, ... each try once (with retries) until {@code running} says stop. */
    static void run(Grid grid, String eventId, String prefix, Duration pause, java.util.function.BooleanSupplier running,
                    Consumer<Attempt> out) {
        for (int n = 1; running.getAsBoolean(); n++) {
            String fan = prefix + "-" + n;
            String request = "r-" + fan;
            long start = System.currentTimeMillis();
            long deadline = System.nanoTime() + RETRY_FOR.toNanos();
            int errors = 0;
            Attempt attempt = null;
            while (attempt == null) {
                try {
                    HoldResult r = grid.inventory().hold(eventId, "ga", fan, request, 1, HOLD_TTL);
                    attempt = r.done()
                            ? new Attempt("ACK", fan, r.hold().holdId(), "DONE", start, System.currentTimeMillis(), errors)
                            : new Attempt("NO", fan, "", r.outcome().name(), start, System.currentTimeMillis(), errors);
                } catch (RuntimeException e) {
                    errors++;
                    if (System.nanoTime() > deadline || !grid.isRunning()) {
                        attempt = new Attempt("GAVEUP", fan, "", e.getClass().getSimpleName(), start,
                                System.currentTimeMillis(), errors);
                    } else {
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200)); // a retry's back-off
                    }
                }
            }
            out.accept(attempt);
            LockSupport.parkNanos(pause.toNanos()); // the next fan's arrival
        }
    }
}
