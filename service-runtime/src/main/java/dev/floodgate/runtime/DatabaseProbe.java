package dev.floodgate.runtime;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * "Is PostgreSQL there?" for readiness, answered promptly: one probe at a time (a connection from the pool and
 * {@code isValid}) on a virtual thread; a caller waits for it at most {@link #ANSWER_WITHIN_MILLIS}, else gets the last
 * finished probe's answer while it is no older than {@link #STALE_AFTER_MILLIS}. A probe that found the pool only busy
 * (every connection in use, PostgreSQL reachable: {@link Database#isBusy}) answers up.
 */
final class DatabaseProbe {
    /** Well under a load balancer's check timeout (HAProxy's is 5 s in the local cluster). */
    static final long ANSWER_WITHIN_MILLIS = 500;
    /** A probe's answer is reused this long, so checks from several balancers cost one probe. */
    static final long FRESH_FOR_MILLIS = 1_000;
    /** Past this, a probe still running (the pool's wait plus {@code isValid}'s second) makes the answer "down". */
    static final long STALE_AFTER_MILLIS = 10_000;

    record Result(boolean up, Optional<String> detail, long atMillis) {
    }

    private static final Optional<String> NOT_YET = Optional.of("not probed yet");

    private final DataSource dataSource;
    private final LongSupplier clockMillis;
    private final Executor runner;
    private Result last;
    private CompletableFuture<Result> running;

    DatabaseProbe(DataSource dataSource) {
        this(dataSource, System::currentTimeMillis);
    }

    DatabaseProbe(DataSource dataSource, LongSupplier clockMillis) {
        this(dataSource, clockMillis, task -> Thread.ofVirtual().name("db-probe").start(task));
    }

    /** @param runner where a probe runs (a virtual thread of its own; tests may run it in the caller) */
    DatabaseProbe(DataSource dataSource, LongSupplier clockMillis, Executor runner) {
        this.dataSource = dataSource;
        this.clockMillis = clockMillis;
        this.runner = runner;
        // Before the first probe finishes the service is not known to be ready.
        this.last = new Result(false, NOT_YET, clockMillis.getAsLong());
    }

    Result latest() {
        CompletableFuture<Result> probe;
        synchronized (this) {
            long now = clockMillis.getAsLong();
            if (running == null && now - last.atMillis() < FRESH_FOR_MILLIS && !last.detail().equals(NOT_YET)) {
                return last;
            }
            probe = running;
            if (probe == null) {
                probe = CompletableFuture.supplyAsync(this::probe, runner);
                running = probe;
                // A probe already done runs this at once, here (the lock is reentrant), and clears running: hence
                // the local variable (reading running back was a NullPointerException, found by CI).
                probe.whenComplete((r, e) -> finished(r));
            }
        }
        try {
            return probe.get(ANSWER_WITHIN_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            synchronized (this) {
                long age = clockMillis.getAsLong() - last.atMillis();
                return age <= STALE_AFTER_MILLIS
                        ? last : new Result(false, Optional.of("no answer from PostgreSQL"), last.atMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(false, Optional.of("interrupted"), clockMillis.getAsLong());
        } catch (ExecutionException e) {
            return new Result(false, Optional.of(e.getCause().getClass().getSimpleName()), clockMillis.getAsLong());
        }
    }

    private synchronized void finished(Result r) {
        if (r != null) {
            last = r;
        }
        running = null;
    }

    private Result probe() {
        try (Connection c = dataSource.getConnection()) {
            boolean valid = c.isValid(1);
            return new Result(valid, valid ? Optional.empty() : Optional.of("connection not valid"),
                    clockMillis.getAsLong());
        } catch (SQLException e) {
            if (Database.isBusy(e)) {
                return new Result(true, Optional.of("busy: every pooled connection in use"), clockMillis.getAsLong());
            }
            return new Result(false, Optional.of(e.getClass().getSimpleName()), clockMillis.getAsLong());
        } catch (RuntimeException e) {
            return new Result(false, Optional.of(e.getClass().getSimpleName()), clockMillis.getAsLong());
        }
    }
}
