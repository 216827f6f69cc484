package dev.floodgate.grid.history;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.floodgate.grid.Grid;
import dev.floodgate.grid.GridSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The figures history in a real grid, used as edges use it: as clients of a member (the ring's size is the member's
 * configuration, the samples travel in Compact form).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FiguresHistoryTest {
    private HazelcastInstance member;
    private HazelcastInstance edgeA;
    private HazelcastInstance edgeB;

    @BeforeAll
    void start() {
        String cluster = "history-" + UUID.randomUUID();
        member = Hazelcast.newHazelcastInstance(Grid.memberConfig(GridSettings.embedded(cluster)));
        InetSocketAddress address = (InetSocketAddress) member.getLocalEndpoint().getSocketAddress();
        GridSettings client = new GridSettings(cluster, GridSettings.Role.CLIENT,
                List.of("127.0.0.1:" + address.getPort()), 0, 1, Duration.ofSeconds(1));
        edgeA = HazelcastClient.newHazelcastClient(Grid.clientConfig(client));
        edgeB = HazelcastClient.newHazelcastClient(Grid.clientConfig(client));
    }

    @AfterAll
    void stop() {
        edgeA.shutdown();
        edgeB.shutdown();
        member.shutdown();
    }

    private static FigureSample sample(long at) {
        return new FigureSample(at, 100 - at, at * 2, 12.5, 3, (int) at, 90 - (int) at, 100);
    }

    @Test
    void exactlyOneEdgeWinsEachSlotAndNoEarlierSlotIsTakenAgain() {
        FiguresHistory a = new FiguresHistory(edgeA);
        FiguresHistory b = new FiguresHistory(edgeB);
        String event = "claims-" + UUID.randomUUID();

        assertThat(a.claim(event, 7)).isTrue();
        assertThat(b.claim(event, 7)).isFalse();
        assertThat(a.claim(event, 7)).isFalse();
        assertThat(b.claim(event, 8)).isTrue();
        assertThat(a.claim(event, 8)).isFalse();
        assertThat(a.claim(event, 6)).as("an edge whose clock is behind").isFalse();
    }

    @Test
    void anotherEdgeReadsTheSamplesOneEdgeAppendedOldestFirst() {
        String event = "read-" + UUID.randomUUID();
        FiguresHistory writer = new FiguresHistory(edgeA);
        writer.append(event, sample(1));
        writer.append(event, sample(2));

        assertThat(new FiguresHistory(edgeB).read(event)).containsExactly(sample(1), sample(2));
    }

    @Test
    void theRingKeepsTheLatestHourOfSamplesOnly() {
        String event = "ring-" + UUID.randomUUID();
        FiguresHistory history = new FiguresHistory(edgeA);
        int extra = 15;
        LongStream.rangeClosed(1, FiguresHistory.SAMPLES_PER_EVENT + extra).forEach(i -> history.append(event, sample(i)));

        List<FigureSample> kept = history.read(event);

        assertThat(kept).hasSize(FiguresHistory.SAMPLES_PER_EVENT);
        assertThat(kept.getFirst()).isEqualTo(sample(extra + 1));
        assertThat(kept.getLast()).isEqualTo(sample(FiguresHistory.SAMPLES_PER_EVENT + extra));
    }

    @Test
    void anEventNeverSampledHasNoHistory() {
        assertThat(new FiguresHistory(edgeB).read("never-" + UUID.randomUUID())).isEmpty();
    }
}
