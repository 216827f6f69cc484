package dev.floodgate.edge.operator;

import dev.floodgate.grid.history.FigureSample;

import java.time.Instant;
import java.util.List;

/**
 * {@code GET /api/operator/events/{id}/history?minutes=60}: the event's figures over the last {@code minutes},
 * one sample every {@code sampleEveryMillis} (oldest first; gaps where no edge could sample), and the sell-out
 * forecast from the last {@link SellOutForecast#DEFAULT_WINDOW_MINUTES} of them.
 */
public record FiguresHistoryView(String eventId, int minutes, long sampleEveryMillis, List<Point> samples,
                                 SellOutForecast forecast) {
    /** {@code admittedPerMinute}: admissions over the minute before {@code at}; stock summed over categories. */
    public record Point(Instant at, long waiting, long admitted, double admittedPerMinute, int held, int sold,
                        int available, int capacity) {
        static Point of(FigureSample s) {
            return new Point(Instant.ofEpochMilli(s.atMillis()), s.waiting(), s.admitted(), s.admittedPerMinute(),
                    s.held(), s.sold(), s.available(), s.capacity());
        }
    }
}
