package dev.floodgate.grid;

import com.hazelcast.map.IMap;
import dev.floodgate.grid.catalog.CatalogStore;
import dev.floodgate.grid.catalog.CategoryInfo;
import dev.floodgate.grid.catalog.EventInfo;
import dev.floodgate.grid.hold.Hold;
import dev.floodgate.grid.hold.HoldId;
import dev.floodgate.grid.hold.HoldStatus;
import dev.floodgate.grid.inventory.Inventory;
import dev.floodgate.grid.stripe.FanHolds;
import dev.floodgate.grid.stripe.HoldProcessors;
import dev.floodgate.grid.stripe.StockKey;
import dev.floodgate.grid.stripe.Stripe;
import dev.floodgate.orders.OrderFigures;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Rebuilds a cold grid from PostgreSQL (see inventory-grid/README.md, "Durability contract"): the catalog from
 * {@code catalog.*}, and each category's stock from {@code checkout.orders}: a PAID order is sold, an
 * AWAITING_PAYMENT order is held (in checkout, for {@code checkoutTtl}, under its own hold id and order id, so the
 * payment worker can still settle it), everything else is available. Holds without an order are gone.
 *
 * <p>Only categories with no stripe in the grid are rebuilt (a warm category is left alone, a half-present one is
 * reported and skipped); each event is rebuilt under the catalog lock, so two members running it at once do not
 * mix two readings of the orders.
 */
public final class GridRebuild {
    private static final System.Logger LOG = System.getLogger(GridRebuild.class.getName());

    /** What a rebuild did. */
    public record Report(int events, int categoriesRebuilt, int categoriesWarm, int categoriesPartial,
                         long unitsHeld, long unitsSold) {
    }

    private GridRebuild() {
    }

    public static Report rebuild(Grid grid, DataSource db, Duration checkoutTtl, Clock clock) {
        CatalogStore store = new CatalogStore(db);
        IMap<StockKey, Stripe> stock = grid.hazelcast().getMap(Inventory.MAP);
        int events = 0;
        int rebuilt = 0;
        int warm = 0;
        int partial = 0;
        long held = 0;
        long sold = 0;
        for (EventInfo event : store.all()) {
            events++;
            grid.catalog().restore(event);
            grid.catalog().lock(event.eventId());
            List<Hold> inCheckout = new ArrayList<>();
            try {
                for (CategoryInfo category : event.categories()) {
                    int present = 0;
                    for (int i = 0; i < category.stripes(); i++) {
                        if (stock.containsKey(new StockKey(event.eventId(), category.categoryId(), i))) {
                            present++;
                        }
                    }
                    if (present == category.stripes()) {
                        warm++;
                        continue;
                    }
                    if (present > 0) {
                        partial++;
                        LOG.log(System.Logger.Level.WARNING, "rebuild: " + event.eventId() + "/"
                                + category.categoryId() + " has " + present + " of " + category.stripes()
                                + " stripes in the grid; left alone");
                        continue;
                    }
                    long[] units = category.seated()
                            ? restoreSeated(stock, db, event.eventId(), category, checkoutTtl, clock, inCheckout)
                            : restoreCategory(stock, db, event.eventId(), category, checkoutTtl, clock, inCheckout);
                    held += units[0];
                    sold += units[1];
                    rebuilt++;
                }
                restoreFanRecords(stock, event, inCheckout, clock);
            } finally {
                grid.catalog().unlock(event.eventId());
            }
        }
        return new Report(events, rebuilt, warm, partial, held, sold);
    }

    /**
     * The records of the holds now in checkout, in their fans' home stripes, so that they count against the per-fan
     * limit until their orders end, as before the grid was lost. The request id that made a hold is not in the
     * order, so the record names only the hold; a retry of that request is matched by the hold id, which the fan and
     * request ids determine.
     */
    private static void restoreFanRecords(IMap<StockKey, Stripe> stock, EventInfo event, List<Hold> inCheckout,
                                          Clock clock) {
        long now = clock.millis();
        for (Hold hold : inCheckout) {
            stock.executeOnKey(Inventory.homeKey(event, hold.fanId()), new FanHolds.Ensure(hold.fanId(),
                    new FanHolds.Entry("rebuilt:" + hold.holdId(), hold.holdId(), hold.quantity(),
                            hold.expiresAtMillis()), now));
        }
    }

    /** Restores a general-admission category; its holds in checkout are also added to {@code inCheckout}. */
    private static long[] restoreCategory(IMap<StockKey, Stripe> stock, DataSource db, String eventId,
                                          CategoryInfo category, Duration checkoutTtl, Clock clock,
                                          List<Hold> inCheckout) {
        int stripes = category.stripes();
        List<List<Hold>> holds = new ArrayList<>();
        int[] heldBy = new int[stripes];
        int[] soldBy = new int[stripes];
        for (int i = 0; i < stripes; i++) {
            holds.add(new ArrayList<>());
        }
        long until = clock.millis() + checkoutTtl.toMillis();
        for (OrderFigures.LiveOrder order : liveOrders(db, eventId, category)) {
            String holdId = order.holdId();
            int stripe = HoldId.parse(holdId).map(HoldId::stripe).filter(s -> s < stripes).orElse(0);
            int quantity = order.quantity();
            boolean paid = order.paid();
            Hold hold = new Hold(holdId, eventId, category.categoryId(), order.fanId(), quantity,
                    paid ? HoldStatus.SOLD : HoldStatus.IN_CHECKOUT, order.orderId(), paid ? Long.MAX_VALUE : until);
            holds.get(stripe).add(hold);
            if (paid) {
                soldBy[stripe] += quantity;
            } else {
                heldBy[stripe] += quantity;
                inCheckout.add(hold);
            }
        }
        long heldUnits = 0;
        long soldUnits = 0;
        for (int i = 0; i < stripes; i++) {
            heldUnits += heldBy[i];
            soldUnits += soldBy[i];
        }
        long free = category.capacity() - heldUnits - soldUnits;
        if (free < 0) {
            // More is sold or being paid for than the catalog's capacity (an edit the grid never saw?): keep the
            // orders whole, nothing available, and say so.
            LOG.log(System.Logger.Level.WARNING, "rebuild: " + eventId + "/" + category.categoryId()
                    + " has orders for " + (heldUnits + soldUnits) + " units over a capacity of "
                    + category.capacity());
            free = 0;
        }
        for (int i = 0; i < stripes; i++) {
            int available = (int) (free / stripes + (i < free % stripes ? 1 : 0));
            stock.executeOnKey(new StockKey(eventId, category.categoryId(), i), new HoldProcessors.RestoreStripe(
                    available + heldBy[i] + soldBy[i], available, heldBy[i], soldBy[i],
                    holds.get(i).toArray(new Hold[0])));
        }
        return new long[]{heldUnits, soldUnits};
    }

    /**
     * A seated category: each section from the catalog's seats, each order's seats (column {@code seat_ids}) held
     * in checkout or sold on the section its hold id names, every other seat available. An order naming a seat the
     * section does not have (or another order's seat) is reported and left out, never allowed to break the section.
     * Its holds in checkout are also added to {@code inCheckout}.
     */
    private static long[] restoreSeated(IMap<StockKey, Stripe> stock, DataSource db, String eventId,
                                        CategoryInfo category, Duration checkoutTtl, Clock clock,
                                        List<Hold> inCheckout) {
        int sections = category.seating().sections().size();
        List<List<Hold>> holds = new ArrayList<>();
        List<java.util.Set<String>> seatsOf = new ArrayList<>();
        List<java.util.Set<String>> used = new ArrayList<>();
        for (int i = 0; i < sections; i++) {
            holds.add(new ArrayList<>());
            seatsOf.add(new java.util.HashSet<>(category.seating().sections().get(i).seatIds()));
            used.add(new java.util.HashSet<>());
        }
        long until = clock.millis() + checkoutTtl.toMillis();
        long heldUnits = 0;
        long soldUnits = 0;
        for (OrderFigures.LiveOrder order : liveOrders(db, eventId, category)) {
            String holdId = order.holdId();
            List<String> seats = order.seatIds();
            int section = HoldId.parse(holdId).map(HoldId::stripe).orElse(-1);
            boolean paid = order.paid();
            if (section < 0 || section >= sections || seats.isEmpty() || seats.size() != order.quantity()
                    || !seatsOf.get(section).containsAll(seats)
                    || seats.stream().anyMatch(used.get(section)::contains)) {
                LOG.log(System.Logger.Level.WARNING, "rebuild: order " + order.orderId() + " of " + eventId + "/"
                        + category.categoryId() + " names seats " + seats + " its section does not have free; left out");
                continue;
            }
            used.get(section).addAll(seats);
            Hold hold = new Hold(holdId, eventId, category.categoryId(), order.fanId(), seats.size(),
                    paid ? HoldStatus.SOLD : HoldStatus.IN_CHECKOUT, order.orderId(), paid ? Long.MAX_VALUE : until,
                    seats);
            holds.get(section).add(hold);
            if (paid) {
                soldUnits += seats.size();
            } else {
                heldUnits += seats.size();
                inCheckout.add(hold);
            }
        }
        for (int i = 0; i < sections; i++) {
            stock.executeOnKey(new StockKey(eventId, category.categoryId(), i), new HoldProcessors.RestoreSeats(
                    category.seating().sections().get(i).seatIds().toArray(new String[0]),
                    holds.get(i).toArray(new Hold[0])));
        }
        return new long[]{heldUnits, soldUnits};
    }

    /** The category's orders that hold stock ({@code orders}' read; none before checkout ever ran here). */
    private static List<OrderFigures.LiveOrder> liveOrders(DataSource db, String eventId, CategoryInfo category) {
        try (Connection c = db.getConnection()) {
            return OrderFigures.liveOrders(c, eventId, category.categoryId());
        } catch (SQLException e) {
            throw new IllegalStateException("rebuild: could not read orders of " + eventId, e);
        }
    }
}
