package dev.floodgate.grid;

import dev.floodgate.engines.fixture.MutableClock;
import dev.floodgate.grid.catalog.CategoryInfo;
import dev.floodgate.grid.catalog.EventInfo;
import dev.floodgate.grid.inventory.GridSerializers;
import dev.floodgate.grid.queue.QueueProcessors;
import dev.floodgate.grid.queue.QueueState;
import dev.floodgate.grid.queue.QueueStatus;
import dev.floodgate.grid.stripe.StockCounters;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Two members of one cluster in this JVM: holds taken through one survive the sudden death of the other. */
class TwoMemberTest {
    @Test
    void holdsSurviveTheSuddenLossOfOneMember() {
        String cluster = "two-members-" + UUID.randomUUID();
        List<Integer> ports = Cluster.freePorts(2);
        MutableClock clock = new MutableClock(Instant.ofEpochMilli(1_800_000_000_000L));
        try (Grid a = Grid.start(Cluster.member(cluster, ports, 0), Grid.DEFAULT_STRIPES, clock);
             Grid b = Grid.start(Cluster.member(cluster, ports, 1), Grid.DEFAULT_STRIPES, clock)) {
            assertThat(a.hazelcast().getCluster().getMembers()).hasSize(2);
            // Every partition with its backup before the first write: a write during the initial migration can miss
            // its backup's acknowledgement on a busy machine, and the grid then fails it rather than guess.
            Cluster.await("backups in place", Duration.ofSeconds(60), () -> a.hazelcast().getPartitionService()
                    .isClusterSafe());
            // Several events spread the stock entries over partitions owned by both members.
            List<String> events = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                EventInfo event = new EventInfo("ev-" + i, "Test", 0, 4, 600_000,
                        List.of(new CategoryInfo("ga", "General", 50, 1000, "EUR", 4)));
                a.catalog().add(event);
                a.inventory().stock(event);
                for (int f = 0; f < 10; f++) {
                    assertThat(a.inventory().hold(event.eventId(), "ga", "fan-" + f, "r", 2, Duration.ofMinutes(10))
                            .done()).isTrue();
                }
                events.add(event.eventId());
            }

            b.hazelcast().getLifecycleService().terminate();

            for (String ev : events) {
                assertThat(a.inventory().counters(ev, "ga")).isEqualTo(new StockCounters(50, 30, 20, 0));
            }
        }
    }

    /**
     * The queue's state and processors travel between members in Compact form (a processor's backup is sent to the
     * backup member): until 2026-12-02 {@code GridSerializers} replaced the queue's Compact classes with its own
     * list, so with a second member creating a queue failed (Java serialization of a record that is not
     * Serializable). One member never sends them anywhere, which is why only a cluster showed it.
     */
    @Test
    void queuesAreBackedUpOnTheOtherMemberAndSurviveItsLoss() {
        String cluster = "two-members-queue-" + UUID.randomUUID();
        List<Integer> ports = Cluster.freePorts(2);
        MutableClock clock = new MutableClock(Instant.ofEpochMilli(1_800_000_000_000L));
        try (Grid a = Grid.start(Cluster.member(cluster, ports, 0), Grid.DEFAULT_STRIPES, clock);
             Grid b = Grid.start(Cluster.member(cluster, ports, 1), Grid.DEFAULT_STRIPES, clock)) {
            assertThat(a.hazelcast().getCluster().getMembers()).hasSize(2);
            // Every partition with its backup before the first write: a write during the initial migration can miss
            // its backup's acknowledgement on a busy machine, and the grid then fails it rather than guess.
            Cluster.await("backups in place", Duration.ofSeconds(60), () -> a.hazelcast().getPartitionService()
                    .isClusterSafe());
            com.hazelcast.map.IMap<String, QueueState> queues = a.hazelcast().getMap(QueueState.MAP);
            // Eight events: their queue entries land on partitions owned by both members.
            for (int i = 0; i < 8; i++) {
                String event = "ev-" + i;
                queues.executeOnKey(event, new QueueProcessors.Create(
                        QueueState.preQueue(event, 600, 50, 0, 600_000, new byte[dev.floodgate.grid.queue.Shuffle.SEED_BYTES])));
                queues.executeOnKey(event, new QueueProcessors.Move(QueueStatus.OPEN, clock.millis()));
                queues.executeOnKey(event, new QueueProcessors.TakeTicket(clock.millis(), false, 0, 0, 0));
            }

            b.hazelcast().getLifecycleService().terminate();

            for (int i = 0; i < 8; i++) {
                String event = "ev-" + i;
                // A call in flight when a member dies fails (indeterminate: the grid fails rather than guess, see
                // Grid.memberConfig); callers retry it, as the services' clients do.
                QueueState state = retried(() -> queues.executeOnKey(event, new QueueProcessors.Read()));
                assertThat(state).as("ev-" + i).isNotNull();
                assertThat(state.issued()).as("ev-" + i).isEqualTo(1);
            }
        }
    }

    private static <T> T retried(java.util.function.Supplier<T> call) {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.get();
            } catch (com.hazelcast.core.IndeterminateOperationStateException e) {
                if (attempt == 5) {
                    throw e;
                }
            }
        }
    }

    /** Binding places keeps one place per fan when the fans' spots live on the other member (and its backup). */
    @Test
    void bindingKeepsTheEarlierPlaceOnSpotsOwnedByEitherMember() {
        String cluster = "two-members-bind-" + UUID.randomUUID();
        List<Integer> ports = Cluster.freePorts(2);
        MutableClock clock = new MutableClock(Instant.ofEpochMilli(1_800_000_000_000L));
        try (Grid a = Grid.start(Cluster.member(cluster, ports, 0), Grid.DEFAULT_STRIPES, clock);
             Grid b = Grid.start(Cluster.member(cluster, ports, 1), Grid.DEFAULT_STRIPES, clock)) {
            com.hazelcast.map.IMap<String, Integer> spots = a.hazelcast().getMap(QueueState.spotsMap("bind-ev"));
            byte[] seed = new byte[dev.floodgate.grid.queue.Shuffle.SEED_BYTES];
            for (int f = 0; f < 32; f++) {
                String fan = "fan-" + f;
                assertThat(spots.executeOnKey(fan, new QueueProcessors.KeepEarlier(9, null, -1))).containsExactly(9, 0);
                assertThat(spots.executeOnKey(fan, new QueueProcessors.KeepEarlier(5, null, -1))).containsExactly(5, 9);
                // After opening, ranks are places: ticket 12 (after the pre-queue of 10) never beats a pre-queue one.
                assertThat(spots.executeOnKey(fan, new QueueProcessors.KeepEarlier(12, seed, 10))).containsExactly(5, 0);
            }
            b.hazelcast().getLifecycleService().terminate();
            for (int f = 0; f < 32; f++) {
                assertThat(spots.get("fan-" + f)).as("fan-" + f).isEqualTo(5);
            }
        }
    }
}
