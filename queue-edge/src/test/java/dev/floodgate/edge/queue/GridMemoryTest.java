package dev.floodgate.edge.queue;

import com.hazelcast.core.HazelcastInstance;
import dev.floodgate.engines.fixture.MutableClock;
import dev.floodgate.edge.support.TestGrid;
import dev.floodgate.grid.queue.QueueState;
import dev.floodgate.grid.queue.QueueStatus;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Grid bytes per waiting fan, as Hazelcast itself counts them (owned entry memory cost of the event's spot map and
 * of the state entry), with fan ids as the edge makes them (UUIDs). Backups double it on a cluster with one backup.
 */
class GridMemoryTest {
    static final int FANS = 20_000;

    @Test
    void aWaitingFanCostsAtMost200BytesInTheGrid() {
        HazelcastInstance hz = TestGrid.member();
        WaitingRoom room = new WaitingRoom(hz, MutableClock.startingNow(), Duration.ofMinutes(10), new QueueMetrics());
        String eventId = TestGrid.uniqueEventId("memory");
        room.create(eventId, 60, 10);
        long stateBefore = hz.getMap(QueueState.MAP).getLocalMapStats().getOwnedEntryMemoryCost();
        for (int i = 0; i < FANS; i++) {
            room.join(eventId, UUID.randomUUID().toString());
        }
        room.move(eventId, QueueStatus.OPEN);
        long spots = hz.getMap(QueueState.spotsMap(eventId)).getLocalMapStats().getOwnedEntryMemoryCost();
        long state = hz.getMap(QueueState.MAP).getLocalMapStats().getOwnedEntryMemoryCost() - stateBefore;
        double perFan = (spots + Math.max(0, state)) / (double) FANS;
        System.out.printf("grid bytes per waiting fan: %.1f (spot map %d B for %d fans, state entry %d B)%n",
                perFan, spots, FANS, state);
        assertThat(perFan).isLessThanOrEqualTo(200);
    }
}
