package dev.floodgate.runtime.observe;

import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Tag;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Labelled gauges whose values are set by a background refresh, so that a scrape only reads numbers in memory however
 * often Prometheus asks and however many events there are. A gauge appears the first time its labels are set (an event
 * created during a drop shows up at the next refresh). {@link #every} runs the refresh on one daemon thread; a failing
 * refresh keeps the last figures (an engine down is what other gauges and health checks say).
 */
public final class Figures implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Figures.class.getName());
    /** Bounded cardinality: past this many label sets a new one is dropped (and logged once). */
    static final int MAX_SERIES = 5_000;

    /** One gauge's identity: name and label values in label order. */
    private record Series(String name, List<String> labels) {
    }

    private final Map<Series, AtomicLong> values = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler;
    private volatile boolean warnedFull;

    private Figures(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
    }

    /** Figures set by the caller only (tests, or values pushed as they change). */
    public static Figures manual() {
        return new Figures(null);
    }

    /** Figures refreshed by {@code refresh} now and then every {@code intervalMillis}. */
    public static Figures every(long intervalMillis, String threadName, java.util.function.Consumer<Figures> refresh) {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        Figures figures = new Figures(scheduler);
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                refresh.accept(figures);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, threadName + ": refresh failed; keeping the last figures", e);
            }
        }, 0, intervalMillis, TimeUnit.MILLISECONDS);
        return figures;
    }

    /**
     * Sets the gauge {@code name} with the given labels (name, value, name, value...) to {@code value}.
     *
     * @param help the gauge's description (used when it is first registered)
     */
    public void set(String name, String help, double value, String... labels) {
        Series series = new Series(name, List.of(labels));
        AtomicLong cell = values.get(series);
        if (cell == null) {
            if (values.size() >= MAX_SERIES) {
                if (!warnedFull) {
                    warnedFull = true;
                    LOG.log(System.Logger.Level.WARNING, "more than " + MAX_SERIES + " gauge series; dropping " + name);
                }
                return;
            }
            cell = values.computeIfAbsent(series, s -> register(s, help));
        }
        cell.set(Double.doubleToRawLongBits(value));
    }

    /** The value last set (NaN when never set): what a scrape shows. */
    public double get(String name, String... labels) {
        AtomicLong cell = values.get(new Series(name, List.of(labels)));
        return cell == null ? Double.NaN : Double.longBitsToDouble(cell.get());
    }

    private static AtomicLong register(Series series, String help) {
        AtomicLong cell = new AtomicLong(Double.doubleToRawLongBits(0));
        List<Tag> tags = new ArrayList<>();
        for (int i = 0; i + 1 < series.labels().size(); i += 2) {
            tags.add(Tag.create(series.labels().get(i), series.labels().get(i + 1)));
        }
        // The registry keeps one gauge per name and labels; a second Figures with the same series (tests starting a
        // service twice in a JVM) takes the gauge over through the shared cell map of that registry.
        Metrics.globalRegistry().remove(series.name(), tags);
        Metrics.globalRegistry().getOrCreate(Gauge.builder(series.name(), cell,
                c -> Double.longBitsToDouble(c.get())).description(help).tags(tags));
        return cell;
    }

    @Override
    public void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }
}
