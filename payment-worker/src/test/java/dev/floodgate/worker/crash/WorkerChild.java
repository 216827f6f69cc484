package dev.floodgate.worker.crash;

import dev.floodgate.grid.Grid;
import dev.floodgate.grid.GridSettings;
import dev.floodgate.runtime.ServiceConfig;
import dev.floodgate.worker.WorkerServer;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A payment worker in a JVM of its own, for tests that kill it for real: {@code key=value} arguments override
 * {@code payment-worker.yaml}; {@code child.grid-cluster} and {@code child.grid-member} make it a Hazelcast client of
 * the test's member. Prints {@code WORKER READY} once consuming.
 */
public final class WorkerChild {
    private WorkerChild() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> overrides = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            overrides.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        Grid grid = Grid.start(new GridSettings(overrides.remove("child.grid-cluster"), GridSettings.Role.CLIENT,
                List.of(overrides.remove("child.grid-member")), 0, 1, Duration.ofSeconds(1)));
        WorkerServer worker = WorkerServer.start(ServiceConfig.load(WorkerServer.DEFAULTS_RESOURCE, overrides), grid);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!worker.isConsuming() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
        }
        System.out.println("WORKER READY");
        System.out.flush();
        // Lives until killed (or its parent closes stdin).
        while (System.in.read() != -1) {
            // ignore input
        }
        worker.close();
        grid.close();
    }
}
