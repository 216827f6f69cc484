package dev.floodgate.edge.operator;

import dev.floodgate.grid.history.FigureSample;

import java.time.Instant;
import java.util.List;

/**
 * When the stock runs out at the current pace: units taken per minute (sold per minute plus the change of held per
 * minute, over the last {@code windowMinutes} of samples) against what is available now. Held counts because a
 * hold takes a unit off sale at once; expired holds coming back lower the pace. {@code outlook}: SOLD_OUT (nothing
 * available), SELLING (then {@code minutesLeft} and {@code sellsOutAt}), NOT_SELLING (under
 * {@link #MIN_TAKEN_PER_MINUTE}, or stock coming back), TOO_EARLY (under {@link #MIN_SPAN_MILLIS} of samples).
 */
public record SellOutForecast(Outlook outlook, int available, double soldPerMinute, double heldPerMinute,
                              Double minutesLeft, Instant sellsOutAt, int windowMinutes) {
    public enum Outlook { SOLD_OUT, SELLING, NOT_SELLING, TOO_EARLY }

    public static final int DEFAULT_WINDOW_MINUTES = 10;
    /** A pace measured over less than this is noise (one batch admitted, one hold). */
    static final long MIN_SPAN_MILLIS = 60_000;
    /** Less than one unit per ten minutes is "not selling" rather than an ETA days away. */
    static final double MIN_TAKEN_PER_MINUTE = 0.1;

    /** From samples oldest first (as {@code FiguresHistory} answers them); a pure function of them. */
    public static SellOutForecast of(List<FigureSample> samples, int windowMinutes) {
        if (samples.isEmpty()) {
            return new SellOutForecast(Outlook.TOO_EARLY, 0, 0, 0, null, null, windowMinutes);
        }
        FigureSample latest = samples.getLast();
        long from = latest.atMillis() - windowMinutes * 60_000L;
        FigureSample base = samples.stream().filter(s -> s.atMillis() >= from).findFirst().orElse(latest);
        long spanMillis = latest.atMillis() - base.atMillis();
        if (latest.available() <= 0) {
            return new SellOutForecast(Outlook.SOLD_OUT, 0, perMinute(latest.sold() - base.sold(), spanMillis),
                    perMinute(latest.held() - base.held(), spanMillis), 0.0, null, windowMinutes);
        }
        if (spanMillis < MIN_SPAN_MILLIS) {
            return new SellOutForecast(Outlook.TOO_EARLY, latest.available(), 0, 0, null, null, windowMinutes);
        }
        double sold = perMinute(latest.sold() - base.sold(), spanMillis);
        double held = perMinute(latest.held() - base.held(), spanMillis);
        double taken = (latest.sold() - base.sold() + latest.held() - base.held()) * 60_000.0 / spanMillis;
        if (taken < MIN_TAKEN_PER_MINUTE) {
            return new SellOutForecast(Outlook.NOT_SELLING, latest.available(), sold, held, null, null, windowMinutes);
        }
        double minutesLeft = latest.available() / taken;
        return new SellOutForecast(Outlook.SELLING, latest.available(), sold, held,
                Math.round(minutesLeft * 10) / 10.0,
                Instant.ofEpochMilli(latest.atMillis() + Math.round(minutesLeft * 60_000)), windowMinutes);
    }

    private static double perMinute(long units, long spanMillis) {
        return spanMillis <= 0 ? 0 : Math.round(units * 600_000.0 / spanMillis) / 10.0;
    }
}
