package dev.floodgate.edge.queue;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Metrics;

/** The queue's counters in the global registry (shown at {@code /observe/metrics}). */
public final class QueueMetrics {
    private final Counter joins;
    private final Counter admissions;

    public QueueMetrics() {
        this.joins = Metrics.globalRegistry().getOrCreate(Counter.builder("floodgate_edge_queue_joins_total")
                .description("Fans given a new spot in a queue"));
        this.admissions = Metrics.globalRegistry().getOrCreate(
                Counter.builder("floodgate_edge_queue_admissions_total")
                        .description("Admission tokens handed out (on status reads and stream pushes)"));
    }

    void joined() {
        joins.increment();
    }

    void admitted() {
        admissions.increment();
    }

    public long joins() {
        return joins.count();
    }

    public long admissions() {
        return admissions.count();
    }
}
