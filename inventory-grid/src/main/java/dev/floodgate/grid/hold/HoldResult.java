package dev.floodgate.grid.hold;

/** What a hold operation did; {@code hold} is the hold after the operation, when there is one to show. */
public record HoldResult(Outcome outcome, Hold hold) {
    public enum Outcome {
        /** Done now, or had already been done by the same request (idempotent). */
        DONE,
        NOT_ENOUGH_STOCK,
        NOT_FOUND,
        NOT_YOURS,
        WRONG_STATE,
        /** The fan's live holds in this event plus this one would exceed the event's per-fan limit. */
        LIMIT_REACHED
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

    public boolean done() {
        return outcome == Outcome.DONE;
    }
}
