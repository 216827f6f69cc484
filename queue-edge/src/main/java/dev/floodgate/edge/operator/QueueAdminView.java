package dev.floodgate.edge.operator;

import dev.floodgate.grid.queue.QueueState;

import java.time.Instant;

/**
 * A queue as operators see it (answer of the open/pause/resume/close, settings and schedule calls).
 * {@code activeShoppers}: admitted, admission not over, not left; {@code measuredRatePerMinute}: admissions over the
 * last minute; {@code commitment}: SHA-256 (hex) of the shuffle seed.
 */
public record QueueAdminView(String eventId, String status, long joined, long waiting, long admittedUpTo,
                             int ratePerMinute, int batchSize, int activeCap, long activeShoppers,
                             double measuredRatePerMinute, boolean soldOut, Instant opensAt, Long preQueueSize,
                             String commitment) {
    static QueueAdminView of(QueueState s, long nowMillis) {
        return new QueueAdminView(s.eventId(), s.status().name(), s.joined(), s.waiting(), s.admittedUpTo(),
                s.ratePerMinute(), s.batchSize(), s.activeCap(), s.active(nowMillis),
                Math.round(s.measuredRatePerSecond(nowMillis) * 600) / 10.0, s.soldOut(),
                s.opensAtMillis() == 0 ? null : Instant.ofEpochMilli(s.opensAtMillis()),
                s.opened() ? s.preQueueSize() : null, s.commitment());
    }
}
