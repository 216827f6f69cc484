package dev.floodgate.checkout;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Poll-until with a deadline, for checkout's tests. */
final class Poll {
    private static final Duration INTERVAL = Duration.ofMillis(50);

    private Poll() {
    }

    /** Returns as soon as {@code condition} holds; fails naming {@code what} after {@code deadline}. */
    static void until(Duration deadline, String what, BooleanSupplier condition) {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + deadline.toSeconds() + " s waiting until " + what);
            }
            LockSupport.parkNanos(INTERVAL.toNanos());
        }
    }

    /** The check's answer, or false when it throws (an engine restarting, say): "not yet". */
    static boolean quietly(Callable<Boolean> check) {
        try {
            return check.call();
        } catch (Exception e) {
            return false;
        }
    }
}
