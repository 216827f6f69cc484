package dev.floodgate.grid.queue;

/** Key of a fan's spot in one event's queue: at most one spot per fan per event. */
public record SpotKey(String eventId, String fanId) {
}
