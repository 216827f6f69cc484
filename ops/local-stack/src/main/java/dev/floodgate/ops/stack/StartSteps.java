package dev.floodgate.ops.stack;

import java.io.PrintStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/** How the local stack and the local cluster show their start: each step as it begins, then the time it took. */
final class StartSteps {
    private final PrintStream out;
    private final Executor parallel;

    /** @param parallel where {@link #timed} runs its steps */
    StartSteps(PrintStream out, Executor parallel) {
        this.out = out;
        this.parallel = parallel;
    }

    /** Runs {@code action} here, printing "starting {@code what}..." and then "{@code what} ready (n.n s)". */
    <T> T step(String what, Supplier<T> action) {
        long t0 = System.nanoTime();
        out.printf("floodgate: starting %s...%n", what);
        T result = action.get();
        out.printf("floodgate:   %s ready (%.1f s)%n", what, (System.nanoTime() - t0) / 1e9);
        return result;
    }

    /** As {@link #step}, in parallel with what follows. */
    <T> CompletableFuture<T> timed(String what, Supplier<T> action) {
        return CompletableFuture.supplyAsync(() -> step(what, action), parallel);
    }
}
