package dev.floodgate.grid.catalog;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** The events on sale, shared by every service through the grid. */
public final class Catalog {
    public static final String MAP = "floodgate-events";
    private final IMap<String, EventInfo> events;

    public Catalog(HazelcastInstance hz) {
        this.events = hz.getMap(MAP);
    }

    /** Adds the event unless one with that id exists; answers whether it was added. */
    public boolean add(EventInfo event) {
        return events.putIfAbsent(event.eventId(), event) == null;
    }

    public Optional<EventInfo> find(String eventId) {
        return Optional.ofNullable(events.get(eventId));
    }

    public List<EventInfo> all() {
        return events.values().stream().sorted(Comparator.comparing(EventInfo::startsAtEpochMillis)).toList();
    }
}
