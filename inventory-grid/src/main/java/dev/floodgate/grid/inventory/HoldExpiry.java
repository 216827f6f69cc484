package dev.floodgate.grid.inventory;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.floodgate.grid.stripe.HoldProcessors;
import dev.floodgate.grid.stripe.StockKey;
import dev.floodgate.grid.stripe.Stripe;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Returns expired holds to stock. Each member sweeps only the stripes it owns, with an entry processor that removes
 * the hold and returns its units in one step, so a unit comes back exactly once however sweeps, releases and sales
 * interleave. Eviction listeners are deliberately not used: they can be missed or repeated around migrations.
 */
public final class HoldExpiry implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(HoldExpiry.class.getName());

    private final IMap<StockKey, Stripe> stock;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final AtomicLong unitsReturned = new AtomicLong();

    public HoldExpiry(HazelcastInstance member, Clock clock, Duration interval) {
        this.stock = member.getMap(Inventory.MAP);
        this.clock = clock;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "floodgate-hold-expiry");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(this::sweepSafely, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * One sweep of this member's stripes; answers the units returned to stock. It also delivers the loans between
     * stripes that are still pending (normally the borrower delivers them at once; after it died, this does).
     */
    public int sweep() {
        Set<StockKey> mine = stock.localKeySet();
        if (mine.isEmpty()) {
            return 0;
        }
        Map<StockKey, HoldProcessors.Swept> swept = stock.executeOnKeys(mine, new HoldProcessors.Sweep(clock.millis()));
        int units = 0;
        for (Map.Entry<StockKey, HoldProcessors.Swept> e : swept.entrySet()) {
            units += e.getValue().returned();
            for (int receiver : e.getValue().pendingReceivers()) {
                Inventory.recoverLoans(stock, e.getKey(), receiver);
            }
        }
        unitsReturned.addAndGet(units);
        return units;
    }

    public long unitsReturned() {
        return unitsReturned.get();
    }

    private void sweepSafely() {
        try {
            sweep();
        } catch (RuntimeException e) {
            // A sweep that fails (member shutting down, migration) is simply retried on the next tick.
            LOG.log(System.Logger.Level.DEBUG, "hold expiry sweep failed; retrying next tick", e);
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
