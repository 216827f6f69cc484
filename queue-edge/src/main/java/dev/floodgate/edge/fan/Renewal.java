package dev.floodgate.edge.fan;

/**
 * What presenting a refresh token did: {@code RENEWED} (the token is spent, {@code next} replaces it), {@code REUSED}
 * (it had been spent before: its family is now revoked) or {@code REJECTED} (unknown, malformed, expired or revoked:
 * nothing changed).
 */
public record Renewal(Outcome outcome, String fanId, RefreshToken next) {
    public enum Outcome { RENEWED, REUSED, REJECTED }

    static Renewal renewed(String fanId, RefreshToken next) {
        return new Renewal(Outcome.RENEWED, fanId, next);
    }

    static final Renewal REUSED = new Renewal(Outcome.REUSED, null, null);
    static final Renewal REJECTED = new Renewal(Outcome.REJECTED, null, null);
}
