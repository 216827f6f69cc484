package dev.floodgate.edge.support;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.floodgate.edge.EdgeServer;
import dev.floodgate.grid.Grid;
import dev.floodgate.grid.GridSettings;

import java.time.Clock;
import java.util.UUID;

/**
 * One real embedded Hazelcast member for the whole test JVM (starting one costs seconds), configured as the edge
 * configures its own. Test classes keep apart by using their own event ids.
 */
public final class TestGrid {
    public static final GridSettings SETTINGS = GridSettings.embedded("edge-test-" + UUID.randomUUID());
    private static HazelcastInstance member;

    private TestGrid() {
    }

    public static synchronized HazelcastInstance member() {
        if (member == null) {
            member = Hazelcast.newHazelcastInstance(dev.floodgate.grid.Grid.memberConfig(SETTINGS));
            Runtime.getRuntime().addShutdownHook(new Thread(member::shutdown, "test-grid-stop"));
        }
        return member;
    }

    /** A grid handle on the shared member with its own clock; close it to stop its expiry sweeper. */
    public static Grid grid(Clock clock) {
        return Grid.shared(member(), SETTINGS, Grid.DEFAULT_STRIPES, clock);
    }

    public static String uniqueEventId(String hint) {
        return hint + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
