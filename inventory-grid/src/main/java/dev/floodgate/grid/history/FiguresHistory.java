package dev.floodgate.grid.history;

import com.hazelcast.config.Config;
import com.hazelcast.config.RingbufferConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.ringbuffer.ReadResultSet;
import com.hazelcast.ringbuffer.Ringbuffer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The last hour of each event's figures, for the operator page, kept in the grid so that every edge behind the load
 * balancer answers the same hour and a page opened mid-drop sees it at once.
 * <p>
 * Why here and like this: the drop's counters already live in the grid, and edges come and go, so an edge-local
 * history would differ per edge and vanish with it. Prometheus (deployed beside the services, see
 * ops/observability) keeps the long-term series, but the page must work without it (locally there is none), and a
 * second time-series store would be a home-made engine. Hazelcast's own Ringbuffer is exactly a bounded ring: one
 * per event, {@link #SAMPLES_PER_EVENT} items at most, each dropped after {@link #HISTORY_MINUTES} anyway (TTL),
 * backed up like the rest of the grid. Which edge samples a given slot is decided by a compare-and-set on one small
 * map entry per event ({@link #claim}): every edge proposes each slot, exactly one wins it, no leader, no lock,
 * and a lost edge only leaves the others to win the next slots.
 */
public final class FiguresHistory {
    public static final int HISTORY_MINUTES = 60;
    /** 60 minutes at one sample every 10 s. */
    public static final int SAMPLES_PER_EVENT = 360;
    public static final long MIN_SAMPLE_EVERY_MILLIS = HISTORY_MINUTES * 60_000L / SAMPLES_PER_EVENT;
    static final String RING_PREFIX = "floodgate-figures-history-";
    static final String SLOTS_MAP = "floodgate-figures-history-slots";
    /** A page's read waits this long for the grid at most. */
    private static final long READ_TIMEOUT_MILLIS = 5_000;

    private final HazelcastInstance hz;

    public FiguresHistory(HazelcastInstance hz) {
        this.hz = hz;
    }

    /** Members size every event's ring (clients cannot: a ring's capacity is the member's configuration). */
    public static void configure(Config config, int backupCount) {
        config.addRingBufferConfig(new RingbufferConfig(RING_PREFIX + "*").setCapacity(SAMPLES_PER_EVENT)
                .setTimeToLiveSeconds(HISTORY_MINUTES * 60).setBackupCount(backupCount));
    }

    /**
     * True for exactly one caller per event and slot (slot = time / sample interval), and only for slots later
     * than the last one taken: the caller that wins then {@link #append}s the sample.
     */
    public boolean claim(String eventId, long slot) {
        IMap<String, Long> slots = hz.getMap(SLOTS_MAP);
        Long last = slots.get(eventId);
        if (last == null) {
            return slots.putIfAbsent(eventId, slot) == null;
        }
        return last < slot && slots.replace(eventId, last, slot);
    }

    public void append(String eventId, FigureSample sample) {
        ring(eventId).add(sample);
    }

    /** The event's samples, oldest first (at most {@link #SAMPLES_PER_EVENT}; none for an unknown event). */
    public List<FigureSample> read(String eventId) {
        Ringbuffer<FigureSample> ring = ring(eventId);
        long head = ring.headSequence();
        if (ring.tailSequence() < head) {
            return List.of();
        }
        try {
            // A read from a head that has moved on meanwhile starts at the new head (no StaleSequenceException).
            ReadResultSet<FigureSample> read = ring.readManyAsync(head, 0, SAMPLES_PER_EVENT, null)
                    .toCompletableFuture().get(READ_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            List<FigureSample> samples = new ArrayList<>(read.size());
            read.forEach(samples::add);
            return samples;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted reading the figures history", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the figures history could not be read", e);
        }
    }

    private Ringbuffer<FigureSample> ring(String eventId) {
        return hz.getRingbuffer(RING_PREFIX + eventId);
    }
}
