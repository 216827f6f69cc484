package dev.floodgate.edge.operator;

import dev.floodgate.grid.queue.QueueState;

/** A queue as operators see it (answer of the open/pause/resume/close and settings calls). */
public record QueueAdminView(String eventId, String status, long joined, long waiting, long admittedUpTo,
                             int ratePerMinute, int batchSize) {
    static QueueAdminView of(QueueState s) {
        return new QueueAdminView(s.eventId(), s.status().name(), s.joined(), s.waiting(), s.admittedUpTo(),
                s.ratePerMinute(), s.batchSize());
    }
}
