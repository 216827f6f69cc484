package dev.floodgate.edge.operator;

import dev.floodgate.grid.queue.QueueState;

import java.time.Instant;

/** What operators set on a queue, as the audit trail records it before and after a change (no live counters). */
record QueueControls(String status, int ratePerMinute, int batchSize, int activeCap, Instant opensAt) {
    static QueueControls of(QueueState s) {
        return new QueueControls(s.status().name(), s.ratePerMinute(), s.batchSize(), s.activeCap(),
                s.opensAtMillis() == 0 ? null : Instant.ofEpochMilli(s.opensAtMillis()));
    }
}
