package dev.floodgate.grid.catalog;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The events on sale, shared by every service through the grid. Each category's stripe count is settled here when
 * the event is added, so every service (and every member) agrees on where a category's stock lives.
 *
 * <p>With a {@link CatalogStore} (PostgreSQL), {@link #add} writes the event there first: the grid's copy can then
 * always be rebuilt ({@link dev.floodgate.grid.GridRebuild}).
 */
public final class Catalog {
    public static final String MAP = "floodgate-events";
    private final IMap<String, EventInfo> events;
    private final int defaultStripes;
    private volatile CatalogStore store;

    public Catalog(HazelcastInstance hz) {
        this(hz, 1);
    }

    public Catalog(HazelcastInstance hz, int defaultStripes) {
        this.events = hz.getMap(MAP);
        this.defaultStripes = defaultStripes;
    }

    /** Makes {@link #add} and capacity edits write the event to PostgreSQL before the grid. */
    public Catalog persistTo(CatalogStore store) {
        this.store = store;
        return this;
    }

    public Optional<CatalogStore> store() {
        return Optional.ofNullable(store);
    }

    public int defaultStripes() {
        return defaultStripes;
    }

    /** The event as {@link #add} would store it: every category's stripe count settled. */
    public EventInfo settle(EventInfo event) {
        return event.withStripesFor(defaultStripes);
    }

    /**
     * Adds the event unless one with that id exists; answers whether it was added. With a store, PostgreSQL first
     * (insert if absent), then the grid: a crash in between leaves an event the next add or a rebuild completes.
     */
    public boolean add(EventInfo event) {
        EventInfo settled = settle(event);
        CatalogStore db = store;
        if (db != null) {
            EventInfo stored = db.insertIfAbsent(settled);
            // Someone else's event with this id (or ours from an earlier, interrupted attempt): the grid follows it.
            boolean ours = stored.equals(settled);
            boolean added = events.putIfAbsent(stored.eventId(), stored) == null;
            return ours && added;
        }
        return events.putIfAbsent(settled.eventId(), settled) == null;
    }

    public Optional<EventInfo> find(String eventId) {
        return Optional.ofNullable(events.get(eventId));
    }

    public List<EventInfo> all() {
        return events.values().stream().sorted(Comparator.comparing(EventInfo::startsAtEpochMillis)).toList();
    }

    /** Replaces the stored event (capacity edits); PostgreSQL first when there is a store. */
    public void replace(EventInfo event) {
        CatalogStore db = store;
        if (db != null) {
            db.update(event);
        }
        events.put(event.eventId(), event);
    }

    /** Locks the event against concurrent edits (a grid map lock, released if this member dies). */
    public void lock(String eventId) {
        events.lock(eventId);
    }

    public void unlock(String eventId) {
        events.unlock(eventId);
    }

    /** Puts an event read back from PostgreSQL into the grid, unless it is there already (a rebuild). */
    public boolean restore(EventInfo event) {
        return events.putIfAbsent(event.eventId(), event) == null;
    }
}
