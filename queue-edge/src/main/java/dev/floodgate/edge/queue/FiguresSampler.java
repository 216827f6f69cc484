package dev.floodgate.edge.queue;

import dev.floodgate.grid.catalog.Catalog;
import dev.floodgate.grid.catalog.EventInfo;
import dev.floodgate.grid.history.FigureSample;
import dev.floodgate.grid.history.FiguresHistory;
import dev.floodgate.grid.inventory.Inventory;
import dev.floodgate.grid.queue.QueueState;
import dev.floodgate.grid.queue.QueueStatus;
import dev.floodgate.grid.stripe.StockCounters;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Writes each event's figures into the grid's {@link FiguresHistory} once per slot of {@code sampleEveryMillis}
 * (slots by the edge's clock). Every edge runs one; the grid's per-slot claim lets exactly one of them write a
 * slot, so the history has one sample per slot whatever the number of edges, and keeps going when one is lost.
 * Reads as the gauges do ({@link WaitingRoom#peek}): sampling must not move admission itself.
 */
public final class FiguresSampler implements AutoCloseable {
    /** Events sampled at once (queues not closed, soonest first): bounds the grid's work and the rings kept. */
    public static final int MAX_SAMPLED_EVENTS = 50;
    public static final long DEFAULT_SAMPLE_EVERY_MILLIS = 10_000;
    public static final long MAX_SAMPLE_EVERY_MILLIS = 60_000;
    /** How often the edge looks for a new slot: a sample lands at most this late in its slot. */
    private static final long LOOK_EVERY_MILLIS = 1_000;
    private static final System.Logger LOG = System.getLogger(FiguresSampler.class.getName());

    private final WaitingRoom room;
    private final Catalog catalog;
    private final Inventory inventory;
    private final FiguresHistory history;
    private final long sampleEveryMillis;
    /** The last slot this edge looked at: each edge reads and proposes once per slot. */
    private long lastSlot = -1;
    private final ScheduledExecutorService scheduler;

    private FiguresSampler(WaitingRoom room, Catalog catalog, Inventory inventory, FiguresHistory history,
                           long sampleEveryMillis) {
        this.room = room;
        this.catalog = catalog;
        this.inventory = inventory;
        this.history = history;
        this.sampleEveryMillis = sampleEveryMillis;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("floodgate-figures-sampler").factory());
    }

    /**
     * {@code sampleEveryMillis} from {@link FiguresHistory#MIN_SAMPLE_EVERY_MILLIS} (the ring then holds exactly the
     * last hour) to {@link #MAX_SAMPLE_EVERY_MILLIS}.
     */
    public static FiguresSampler start(WaitingRoom room, Catalog catalog, Inventory inventory, FiguresHistory history,
                                       Duration sampleEvery) {
        long every = sampleEvery.toMillis();
        if (every < FiguresHistory.MIN_SAMPLE_EVERY_MILLIS || every > MAX_SAMPLE_EVERY_MILLIS) {
            throw new IllegalArgumentException("operator.history.sample-every-millis must be "
                    + FiguresHistory.MIN_SAMPLE_EVERY_MILLIS + ".." + MAX_SAMPLE_EVERY_MILLIS);
        }
        FiguresSampler sampler = new FiguresSampler(room, catalog, inventory, history, every);
        sampler.scheduler.scheduleWithFixedDelay(sampler::sampleQuietly, 0, LOOK_EVERY_MILLIS, TimeUnit.MILLISECONDS);
        return sampler;
    }

    public long sampleEveryMillis() {
        return sampleEveryMillis;
    }

    private void sampleQuietly() {
        try {
            sampleDueSlots();
        } catch (RuntimeException e) {
            // A grid hiccup costs a sample (a gap in the chart), never the sampler.
            LOG.log(System.Logger.Level.WARNING, "sampling the figures history failed; next look in "
                    + LOOK_EVERY_MILLIS + " ms", e);
        }
    }

    void sampleDueSlots() {
        long now = room.now();
        long slot = now / sampleEveryMillis;
        if (slot <= lastSlot) {
            return;
        }
        lastSlot = slot;
        int sampled = 0;
        for (EventInfo event : catalog.all()) {
            if (sampled >= MAX_SAMPLED_EVENTS) {
                break;
            }
            String id = event.eventId();
            QueueState q = room.peek(id);
            if (q == null || q.status() == QueueStatus.CLOSED) {
                continue;
            }
            sampled++;
            if (history.claim(id, slot)) {
                StockCounters stock = inventory.counters(event);
                history.append(id, new FigureSample(now, q.waiting(), q.admittedUpTo(),
                        Math.round(q.measuredRatePerSecond(now) * 600) / 10.0, stock.held(), stock.sold(),
                        stock.available(), stock.capacity()));
            }
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
