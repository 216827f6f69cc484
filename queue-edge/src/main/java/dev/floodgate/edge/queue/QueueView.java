package dev.floodgate.edge.queue;

import dev.floodgate.edge.token.TokenIssuer;

import java.time.Instant;

/**
 * Body of {@code GET/POST /api/events/{eventId}/queue} and data of each {@code status} event of the stream.
 * {@code position} and {@code fansAhead} are null in pre-queue (places are drawn at opening);
 * {@code estimatedWaitSeconds} only while waiting in a moving queue; {@code chance} (0..1) null while the stock is
 * unknown; {@code admissionToken} only while ADMITTED.
 */
public record QueueView(String state, long ticket, Long position, Long fansAhead, Long estimatedWaitSeconds,
                        Double chance, String admissionToken, Instant admissionExpiresAt) {

    static QueueView of(String eventId, String fanId, FanPlace place, TokenIssuer tokens, QueueMetrics metrics) {
        String token = null;
        if (place.state() == FanPlace.FanState.ADMITTED) {
            token = tokens.admissionToken(fanId, eventId, place.admissionExpiresAt()).token();
            metrics.admitted();
        }
        return new QueueView(place.state().name(), place.ticket(), place.place(), place.fansAhead(),
                place.estimatedWaitSeconds(), place.chance(), token, place.admissionExpiresAt());
    }
}
