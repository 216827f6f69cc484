package dev.floodgate.grid.queue;

/** Where an event's queue is in its life. Fans may join while PRE_QUEUE, OPEN or PAUSED; only OPEN admits. */
public enum QueueStatus {
    PRE_QUEUE,
    OPEN,
    PAUSED,
    CLOSED
}
