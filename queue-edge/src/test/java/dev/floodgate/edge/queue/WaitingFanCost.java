package dev.floodgate.edge.queue;

import com.hazelcast.core.HazelcastInstance;
import dev.floodgate.edge.support.TestGrid;
import dev.floodgate.engines.fixture.MutableClock;
import dev.floodgate.grid.queue.QueueState;
import dev.floodgate.grid.queue.QueueStatus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.UUID;

/**
 * What one waiting fan costs (a benchmark that prints its figures; not a test): grid bytes per spot (a signed-in
 * fan's and an anonymous place's), edge heap bytes per ticket copy, and the status requests per second a crowd makes
 * when every fan polls at the interval the edge advises ({@link PollAdvice}, with the default bounds).
 *
 * <p>Not part of the normal build: {@code -Dbench=true -Dtest=WaitingFanCost} (see docs/benchmarks.md). Knobs:
 * {@code -Dbench.joined} fans joined into the grid (half signed in, half anonymous), {@code -Dbench.crowd} the crowd
 * of the request model, {@code -Dbench.admitted-per-second} its admission rate.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true")
class WaitingFanCost {
    @Test
    void printsWhatOneWaitingFanCosts() throws Exception {
        int joined = Integer.getInteger("bench.joined", 100_000);
        int crowd = Integer.getInteger("bench.crowd", 200_000);
        double admittedPerSecond = Double.parseDouble(System.getProperty("bench.admitted-per-second", "50"));
        System.out.printf("load average at start: %.2f%n",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());

        LocalCopies copies = new LocalCopies(250, crowd);
        String[] ids = new String[crowd];
        for (int i = 0; i < crowd; i++) {
            ids[i] = UUID.randomUUID().toString();
        }
        long before = usedHeapAfterGc();
        for (int i = 0; i < crowd; i++) {
            copies.rememberTicket("event", ids[i], i + 1);
        }
        long after = usedHeapAfterGc();
        if (copies.ticket("event", ids[crowd - 1]) == null) {
            throw new AssertionError("the copies must still be there when measured");
        }
        System.out.printf("edge heap bytes per ticket copy: %.1f (%,d copies; the fan id string itself is shared "
                + "with the request that made it and not counted)%n", (after - before) / (double) crowd, crowd);

        HazelcastInstance hz = TestGrid.member();
        WaitingRoom room = new WaitingRoom(hz, MutableClock.startingNow(), Duration.ofMinutes(10), new QueueMetrics());
        for (boolean anonymous : new boolean[] {false, true}) {
            String eventId = TestGrid.uniqueEventId(anonymous ? "places" : "fans");
            room.create(eventId, 60, 10);
            for (int i = 0; i < joined / 2; i++) {
                if (anonymous) {
                    room.joinAnonymously(eventId);
                } else {
                    room.join(eventId, UUID.randomUUID().toString());
                }
            }
            room.move(eventId, QueueStatus.OPEN);
            long spots = hz.getMap(QueueState.spotsMap(eventId)).getLocalMapStats().getOwnedEntryMemoryCost();
            System.out.printf("grid bytes per %s: %.1f (spot map %,d B for %,d; x2 with one backup)%n",
                    anonymous ? "anonymous place" : "signed-in fan", spots / (double) (joined / 2), spots,
                    joined / 2);
        }

        PollAdvice advice = new PollAdvice(2_000, 20_000, 2_000);
        double pollsPerSecond = 0;
        long streams = 0;
        for (long ahead = 0; ahead < crowd; ahead++) {
            long waitSeconds = (long) Math.ceil((ahead + 1) / admittedPerSecond);
            FanPlace place = new FanPlace(FanPlace.FanState.WAITING, ahead + 1, ahead + 1, ahead, waitSeconds, 0.5,
                    null, false);
            if (advice.stream(place)) {
                streams++;
            } else {
                pollsPerSecond += 1000.0 / advice.pollAfterMillis(place);
            }
        }
        System.out.printf("a crowd of %,d waiting at %.0f admissions/s: %,d advised to stream, the rest poll %,.0f "
                + "status requests/s (%.1f per 1,000 fans); sold out reaches every poller within %d s%n",
                crowd, admittedPerSecond, streams, pollsPerSecond, pollsPerSecond * 1000 / crowd,
                advice.maxMillis() / 1000);
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
