package dev.floodgate.runtime.token;

/** The audiences of the tokens the edge issues; a token is accepted only where its audience is expected. */
public final class Audiences {
    /** A signed-in fan: may join queues and read their own things. */
    public static final String FAN = "floodgate-fan";
    /** A fan admitted from one event's queue: may hold and buy tickets of that event (claim {@code event}). */
    public static final String ADMISSION = "floodgate-admission";
    /**
     * A visitor's anonymous place in one event's queue (claim {@code event}; subject the place id): may read that
     * place's status and bind it to an account, nothing else (it never holds seats or orders).
     */
    public static final String PLACE = "floodgate-place";
    /** The issuer queue-edge writes into the tokens it signs, unless {@code token.issuer} says otherwise. */
    public static final String DEFAULT_ISSUER = "floodgate-queue-edge";
    /** Claim of an admission token naming the event it admits to. */
    public static final String EVENT_CLAIM = "event";

    private Audiences() {
    }
}
