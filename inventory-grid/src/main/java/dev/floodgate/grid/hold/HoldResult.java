package dev.floodgate.grid.hold;

/**
 * What a hold operation did; {@code hold} is the hold after the operation, when there is one to show;
 * {@code seats} the seats at fault ({@code SEAT_TAKEN}, {@code UNKNOWN_SEAT}), else empty.
 */
public record HoldResult(Outcome outcome, Hold hold, String[] seats) {
    public enum Outcome {
        /** Done now, or had already been done by the same request (idempotent). */
        DONE,
        NOT_ENOUGH_STOCK,
        NOT_FOUND,
        NOT_YOURS,
        WRONG_STATE,
        /** The fan's live holds in this event plus this one would exceed the event's per-fan limit. */
        LIMIT_REACHED,
        /** A seat asked for is held or sold (nothing was taken). */
        SEAT_TAKEN,
        /** A seat asked for does not exist in the category (nothing was taken). */
        UNKNOWN_SEAT
    }

    private static final String[] NONE = new String[0];

    public HoldResult(Outcome outcome, Hold hold) {
        this(outcome, hold, NONE);
    }

    public HoldResult {
        seats = seats == null ? NONE : seats;
    }

    public static HoldResult done(Hold hold) {
        return new HoldResult(Outcome.DONE, hold);
    }

    public static HoldResult of(Outcome outcome) {
        return new HoldResult(outcome, null);
    }

    public static HoldResult of(Outcome outcome, Hold hold) {
        return new HoldResult(outcome, hold);
    }

    public static HoldResult seats(Outcome outcome, java.util.List<String> seats) {
        return new HoldResult(outcome, null, seats.toArray(new String[0]));
    }

    public boolean done() {
        return outcome == Outcome.DONE;
    }
}
