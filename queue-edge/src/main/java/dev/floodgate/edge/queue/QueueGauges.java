package dev.floodgate.edge.queue;

import dev.floodgate.grid.Grid;
import dev.floodgate.grid.catalog.CategoryInfo;
import dev.floodgate.grid.catalog.EventInfo;
import dev.floodgate.grid.queue.QueueState;
import dev.floodgate.grid.queue.QueueStatus;
import dev.floodgate.grid.stripe.StockCounters;
import dev.floodgate.runtime.observe.Figures;
import dev.floodgate.runtime.observe.GridMeters;

/**
 * The drop's figures as gauges, per event (queue) and per event and category (stock): the numbers of the operator
 * figures endpoint, for Prometheus. Refreshed in the background every {@code intervalMillis} from what this edge
 * already reads for admission: the queue state it keeps a copy of (one grid call per event when the copy is old) and
 * each category's stock counters (one call on that category's stripes). A scrape reads only memory; there is never a
 * scan of the grid. {@code floodgate_stock_capacity} is published so that an alert can check
 * available + held + sold = capacity.
 */
public final class QueueGauges implements AutoCloseable {
    public static final String WAITING = "floodgate_queue_waiting";
    public static final String PRE_QUEUE = "floodgate_queue_pre_queue";
    public static final String ADMITTED = "floodgate_queue_admitted";
    public static final String ACTIVE = "floodgate_queue_active_shoppers";
    public static final String RATE = "floodgate_queue_admissions_per_second";
    public static final String RATE_SETTING = "floodgate_queue_rate_setting_per_second";
    public static final String UNBOUND = "floodgate_queue_unbound_places";
    public static final String OPEN = "floodgate_queue_open";
    public static final String AVAILABLE = "floodgate_stock_available";
    public static final String HELD = "floodgate_stock_held";
    public static final String SOLD = "floodgate_stock_sold";
    public static final String CAPACITY = "floodgate_stock_capacity";

    private final Figures figures;

    private QueueGauges(Figures figures) {
        this.figures = figures;
    }

    public static QueueGauges start(WaitingRoom room, Grid grid, long intervalMillis) {
        grid.expiry().ifPresent(expiry -> GridMeters.countExpiredUnits(expiry::unitsReturned));
        return new QueueGauges(Figures.every(intervalMillis, "floodgate-queue-gauges", f -> refresh(f, room, grid)));
    }

    private static void refresh(Figures f, WaitingRoom room, Grid grid) {
        long now = room.now();
        for (EventInfo event : grid.catalog().all()) {
            String id = event.eventId();
            QueueState q = room.peek(id);
            if (q != null) {
                f.set(WAITING, "places not admitted yet", q.waiting(), "event", id);
                f.set(PRE_QUEUE, "fans who joined before the queue opened (shuffled at opening)",
                        q.opened() ? q.preQueueSize() : q.waiting(), "event", id);
                f.set(ADMITTED, "places admitted so far", q.admittedUpTo(), "event", id);
                f.set(ACTIVE, "admitted fans whose admission runs and who have not left", q.active(now), "event", id);
                f.set(RATE, "admissions over the last minute, per second", q.measuredRatePerSecond(now), "event", id);
                f.set(RATE_SETTING, "the admission rate operators set, per second", q.ratePerMinute() / 60.0,
                        "event", id);
                f.set(OPEN, "1 while the queue admits (OPEN), else 0", q.status() == QueueStatus.OPEN ? 1 : 0,
                        "event", id);
            }
            f.set(UNBOUND, "anonymous places not bound to an account yet", room.unboundPlaces(id), "event", id);
            for (CategoryInfo c : event.categories()) {
                StockCounters s = grid.inventory().counters(id, c.categoryId());
                String[] labels = {"event", id, "category", c.categoryId()};
                f.set(AVAILABLE, "units on sale now", s.available(), labels);
                f.set(HELD, "units held by fans (in checkout included)", s.held(), labels);
                f.set(SOLD, "units sold", s.sold(), labels);
                f.set(CAPACITY, "units of the category (available + held + sold must equal it)", s.capacity(),
                        labels);
            }
        }
    }

    /** The value a scrape shows now (tests). */
    public double value(String name, String... labels) {
        return figures.get(name, labels);
    }

    @Override
    public void close() {
        figures.close();
    }
}
