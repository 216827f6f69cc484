package dev.floodgate.edge.queue;

import io.helidon.config.Config;

/**
 * When a fan should ask for their status again, and whether a live stream is worth a connection. The interval grows
 * with the fan's distance from the front and is capped at {@code maxMillis}, so news that reaches pollers only at
 * their next poll (sold out, above all) reaches every waiting fan within {@code maxMillis}; a small spread per ticket
 * keeps a crowd that joined in the same second from asking in the same second ever after.
 *
 * @param minMillis        the shortest interval (fans at the front)
 * @param maxMillis        the longest interval, the bound on how late a poller learns news
 * @param streamWithinFans fans this close to the front (fans ahead) are advised to stream; the rest poll
 */
public record PollAdvice(long minMillis, long maxMillis, long streamWithinFans) {
    /** Assumed admissions per second while the queue has not measured its own rate yet. */
    static final double ASSUMED_ADMISSIONS_PER_SECOND = 10;
    /** Polls a fan is advised to make over their expected wait (more near the front, since the interval shrinks). */
    static final int POLLS_PER_WAIT = 8;

    public PollAdvice {
        if (minMillis < 500 || maxMillis < minMillis || maxMillis > 60_000 || streamWithinFans < 0) {
            throw new IllegalArgumentException("queue.poll: need 500 <= min-millis <= max-millis <= 60000 and "
                    + "stream-within-fans >= 0");
        }
    }

    public static PollAdvice from(Config poll) {
        return new PollAdvice(poll.get("min-millis").asLong().orElse(2_000L),
                poll.get("max-millis").asLong().orElse(20_000L),
                poll.get("stream-within-fans").asLong().orElse(2_000L));
    }

    /** Milliseconds until the fan should ask again, or 0 when nothing more will change for them. */
    long pollAfterMillis(FanPlace place) {
        long base = switch (place.state()) {
            case ADMISSION_EXPIRED, CLOSED -> 0;
            case AWAITING_SIGN_IN -> minMillis;
            case ADMITTED -> 5_000;
            case PRE_QUEUE, SOLD_OUT -> maxMillis;
            case PAUSED -> maxMillis / 2;
            case WAITING -> {
                long ahead = place.fansAhead() == null ? 0 : place.fansAhead();
                double waitMillis = place.estimatedWaitSeconds() != null ? place.estimatedWaitSeconds() * 1000.0
                        : (ahead + 1) * 1000.0 / ASSUMED_ADMISSIONS_PER_SECOND;
                yield Math.max(minMillis, (long) (waitMillis / POLLS_PER_WAIT));
            }
        };
        if (base == 0) {
            return 0;
        }
        // +-10% by ticket (a fixed spread per fan: Fibonacci hashing of the ticket), then back within the bounds.
        double spread = ((place.ticket() * 0x9E3779B97F4A7C15L) >>> 11) * 0x1.0p-53;
        long spreadOut = (long) (base * (0.9 + 0.2 * spread));
        return Math.max(minMillis, Math.min(maxMillis, spreadOut));
    }

    /** Whether a live stream is advised: a fan near the front of a moving or paused queue. */
    boolean stream(FanPlace place) {
        return (place.state() == FanPlace.FanState.WAITING || place.state() == FanPlace.FanState.PAUSED)
                && place.fansAhead() != null && place.fansAhead() <= streamWithinFans;
    }
}
