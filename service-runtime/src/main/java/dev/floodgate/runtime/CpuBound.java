package dev.floodgate.runtime;

import dev.floodgate.contracts.error.ApiException;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs CPU-heavy work (Argon2 password hashes: tens of milliseconds of CPU each) on platform threads of its own while
 * the calling virtual thread waits, parked. Run on a virtual thread, such work keeps its carrier for its whole
 * length (the scheduler cannot preempt it) and a few of them take every carrier (one per core): then no other request
 * of the server runs, health checks included. In the 300-fan rush through HAProxy, eight sign-up hashes on each edge
 * held both carriers, health checks timed out after 5 s, and HAProxy took both edges out.
 *
 * <p>At most {@code threads} run at once; callers bound how many wait (a semaphore before {@link #call}).
 */
public final class CpuBound {
    private final ThreadPoolExecutor pool;

    public CpuBound(String name, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("at least one thread is needed");
        }
        pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                Thread.ofPlatform().name(name + "-", 0).daemon(true).factory());
        // Idle threads go: tests start many servers in one JVM.
        pool.allowCoreThreadTimeOut(true);
    }

    /** {@code work}'s result, computed on this pool; its exceptions are rethrown as they are. */
    public <T> T call(Supplier<T> work) {
        Future<T> f = pool.submit(work::get);
        try {
            return f.get();
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        }
    }
}
