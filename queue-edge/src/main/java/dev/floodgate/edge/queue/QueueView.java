package dev.floodgate.edge.queue;

import dev.floodgate.edge.token.TokenIssuer;

import java.time.Instant;

/**
 * Body of {@code GET/POST /api/events/{eventId}/queue} and data of each {@code status} event of the stream.
 * {@code position} and {@code fansAhead} are null in pre-queue (places are drawn at opening);
 * {@code estimatedWaitSeconds} only while waiting in a moving queue; {@code chance} (0..1) null while the stock is
 * unknown; {@code admissionToken} only while ADMITTED (never for an anonymous place). {@code bound}: false for an
 * anonymous place (it must be bound to an account before its turn gives an admission); {@code signInSoon}: an
 * anonymous place near the front should sign in now; {@code signInBy}: while AWAITING_SIGN_IN, when the turn is
 * yielded. {@code pollAfterMillis}: when to ask again (0: nothing more will change); {@code stream}: a live stream is
 * advised (near the front). {@code placeToken}: only in the answer to an anonymous join.
 */
public record QueueView(String state, long ticket, Long position, Long fansAhead, Long estimatedWaitSeconds,
                        Double chance, String admissionToken, Instant admissionExpiresAt, boolean bound,
                        boolean signInSoon, Instant signInBy, long pollAfterMillis, boolean stream,
                        String placeToken) {

    /** A signed-in fan's view: an admission token while ADMITTED. */
    static QueueView of(String eventId, String fanId, FanPlace place, TokenIssuer tokens, QueueMetrics metrics,
                        PollAdvice advice) {
        String token = null;
        if (place.state() == FanPlace.FanState.ADMITTED) {
            token = tokens.admissionToken(fanId, eventId, place.admissionExpiresAt()).token();
            metrics.admitted();
        }
        return new QueueView(place.state().name(), place.ticket(), place.place(), place.fansAhead(),
                place.estimatedWaitSeconds(), place.chance(), token, place.admissionExpiresAt(), true, false, null,
                advice.pollAfterMillis(place), advice.stream(place), null);
    }

    /** An anonymous place's view: never an admission token; told to sign in near the front and by when. */
    static QueueView ofPlace(FanPlace place, PollAdvice advice, String placeToken) {
        boolean awaiting = place.state() == FanPlace.FanState.AWAITING_SIGN_IN;
        boolean soon = awaiting || place.state() == FanPlace.FanState.WAITING && place.fansAhead() != null
                && place.fansAhead() <= advice.streamWithinFans();
        return new QueueView(place.state().name(), place.ticket(), place.place(), place.fansAhead(),
                place.estimatedWaitSeconds(), place.chance(), null, awaiting ? null : place.admissionExpiresAt(),
                false, soon, awaiting ? place.admissionExpiresAt() : null, advice.pollAfterMillis(place), false,
                placeToken);
    }

    /**
     * The same JSON as the shared mapper writes for this record (QueueViewTest holds them equal), written by hand:
     * it is the body of every status read, and the generic mapper was a fifth of a status read's CPU.
     */
    String json() {
        StringBuilder out = new StringBuilder(admissionToken == null && placeToken == null ? 256 : 900);
        out.append("{\"state\":");
        string(out, state);
        out.append(",\"ticket\":").append(ticket);
        out.append(",\"position\":").append(position);
        out.append(",\"fansAhead\":").append(fansAhead);
        out.append(",\"estimatedWaitSeconds\":").append(estimatedWaitSeconds);
        out.append(",\"chance\":").append(chance);
        out.append(",\"admissionToken\":");
        string(out, admissionToken);
        out.append(",\"admissionExpiresAt\":");
        string(out, admissionExpiresAt == null ? null : admissionExpiresAt.toString());
        out.append(",\"bound\":").append(bound);
        out.append(",\"signInSoon\":").append(signInSoon);
        out.append(",\"signInBy\":");
        string(out, signInBy == null ? null : signInBy.toString());
        out.append(",\"pollAfterMillis\":").append(pollAfterMillis);
        out.append(",\"stream\":").append(stream);
        out.append(",\"placeToken\":");
        string(out, placeToken);
        return out.append('}').toString();
    }

    private static void string(StringBuilder out, String value) {
        if (value == null) {
            out.append("null");
            return;
        }
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                switch (c) {
                    case '\b' -> out.append("\\b");
                    case '\t' -> out.append("\\t");
                    case '\n' -> out.append("\\n");
                    case '\f' -> out.append("\\f");
                    case '\r' -> out.append("\\r");
                    default -> out.append(String.format("\\u%04X", (int) c));
                }
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }
}
