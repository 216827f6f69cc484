package dev.floodgate.runtime.operator;

import com.password4j.Argon2Function;
import com.password4j.types.Argon2;
import dev.floodgate.contracts.error.ApiException;
import dev.floodgate.runtime.CpuBound;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Argon2id for operator passwords (OWASP minimum: 19 MiB, 2 passes, 1 lane), only at sign-in and account changes,
 * never per request. At most {@code permits} run at once and at most {@code 8 × permits} wait, each for at most
 * {@code wait}: past that a 503 with Retry-After, so a flood queues nowhere and costs a bounded share of CPU. They run
 * on platform threads of their own ({@link CpuBound}), never on a request's virtual-thread carrier.
 */
final class PasswordHashes {
    private static final Argon2Function ARGON2 = Argon2Function.getInstance(19 * 1024, 2, 1, 32, Argon2.ID);
    /** Checked against when the account is unknown or disabled, so the answer's timing does not tell which. */
    private static final String DUMMY_HASH = ARGON2.hash("not-a-real-password-" + System.nanoTime()).getResult();

    private final Semaphore turns;
    private final int maxWaiting;
    private final AtomicInteger waiting = new AtomicInteger();
    private final Duration wait;
    private final CpuBound cpu;

    PasswordHashes(int permits, Duration wait) {
        this.cpu = new CpuBound("operator-password-hash", permits);
        this.turns = new Semaphore(permits, true);
        this.maxWaiting = permits * 8;
        this.wait = wait;
    }

    String hash(String password) {
        return withTurn(() -> ARGON2.hash(password).getResult());
    }

    /** Whether {@code password} matches {@code storedHash}; a null hash costs the same and is false. */
    boolean matches(String password, String storedHash) {
        return withTurn(() -> ARGON2.check(password, storedHash == null ? DUMMY_HASH : storedHash) && storedHash != null);
    }

    private <T> T withTurn(Supplier<T> work) {
        if (waiting.incrementAndGet() > maxWaiting) {
            waiting.decrementAndGet();
            throw ApiException.unavailable("too many sign-ins at once, try again shortly");
        }
        boolean acquired;
        try {
            acquired = turns.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("interrupted");
        } finally {
            waiting.decrementAndGet();
        }
        if (!acquired) {
            throw ApiException.unavailable("too many sign-ins at once, try again shortly");
        }
        try {
            return cpu.call(work);
        } finally {
            turns.release();
        }
    }
}
