package dev.floodgate.edge.fan;

import com.password4j.Argon2Function;
import com.password4j.types.Argon2;
import dev.floodgate.contracts.error.ApiException;
import dev.floodgate.runtime.CpuBound;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Argon2id password hashing (OWASP minimum: 19 MiB, 2 passes, 1 lane). Each hash costs memory and tens of
 * milliseconds of CPU, so at most {@code maxConcurrent} run at once; callers that cannot get a turn within the wait
 * get a 429 with Retry-After rather than pile up (virtual threads would otherwise run thousands at once). The hashes
 * run on platform threads of their own ({@link CpuBound}): on the request's virtual thread they held every carrier
 * and starved every other request of the edge, health checks included.
 */
public final class Passwords {
    private static final Argon2Function ARGON2 = Argon2Function.getInstance(19 * 1024, 2, 1, 32, Argon2.ID);
    /** A valid hash of a random password: checked against when the email is unknown, so timing does not tell. */
    private static final String DUMMY_HASH = ARGON2.hash("not-a-real-password-" + System.nanoTime()).getResult();

    private final Semaphore turns;
    private final Duration wait;
    private final CpuBound cpu;

    public Passwords(int maxConcurrent, Duration wait) {
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("at least one concurrent password hash is needed");
        }
        this.turns = new Semaphore(maxConcurrent, true);
        this.wait = wait;
        this.cpu = new CpuBound("fan-password-hash", maxConcurrent);
    }

    /** A self-describing Argon2id hash (PHC string with parameters and salt) for storage. */
    public String hash(String password) {
        return withTurn(() -> ARGON2.hash(password).getResult());
    }

    /** Whether {@code password} matches {@code storedHash}; a null hash (unknown fan) costs the same and is false. */
    public boolean matches(String password, String storedHash) {
        return withTurn(() -> {
            boolean ok = ARGON2.check(password, storedHash == null ? DUMMY_HASH : storedHash);
            return ok && storedHash != null;
        });
    }

    private <T> T withTurn(java.util.function.Supplier<T> work) {
        boolean acquired;
        try {
            acquired = turns.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("interrupted");
        }
        if (!acquired) {
            throw ApiException.tooManyRequests("too many sign-ins at once, try again shortly", 1);
        }
        try {
            return cpu.call(work);
        } finally {
            turns.release();
        }
    }
}
