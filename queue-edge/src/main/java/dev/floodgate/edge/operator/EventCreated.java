package dev.floodgate.edge.operator;

/** Answer of {@code POST /api/operator/events}: the new event's id and its queue (not open yet). */
public record EventCreated(String eventId, QueueAdminView queue) {
}
