package dev.floodgate.edge.queue;

import dev.floodgate.contracts.http.Ids;
import dev.floodgate.contracts.http.JsonHttp;
import dev.floodgate.edge.token.TokenGuard;
import dev.floodgate.edge.token.TokenIssuer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** A fan joining ({@code POST}) and watching ({@code GET}) an event's queue: {@code /api/events/{eventId}/queue}. */
public final class QueueRoutes {
    private final WaitingRoom room;
    private final TokenGuard guard;
    private final TokenIssuer tokens;

    public QueueRoutes(WaitingRoom room, TokenGuard guard, TokenIssuer tokens) {
        this.room = room;
        this.guard = guard;
        this.tokens = tokens;
    }

    public void routes(HttpRouting.Builder routing) {
        routing.post("/api/events/{eventId}/queue", this::join);
        routing.get("/api/events/{eventId}/queue", this::status);
    }

    private void join(ServerRequest req, ServerResponse res) {
        String fanId = guard.fan(req);
        String eventId = Ids.slug(req.path().pathParameters().get("eventId"), "eventId");
        FanPlace place = room.join(eventId, fanId);
        JsonHttp.send(res, place.newlyJoined() ? 201 : 200, view(eventId, fanId, place));
    }

    private void status(ServerRequest req, ServerResponse res) {
        String fanId = guard.fan(req);
        String eventId = Ids.slug(req.path().pathParameters().get("eventId"), "eventId");
        JsonHttp.ok(res, view(eventId, fanId, room.status(eventId, fanId)));
    }

    private QueueView view(String eventId, String fanId, FanPlace place) {
        String token = place.state() == FanPlace.FanState.ADMITTED
                ? tokens.admissionToken(fanId, eventId, place.admissionExpiresAt()).token() : null;
        return new QueueView(place.state().name(), place.position(), place.fansAhead(), place.estimatedWaitSeconds(),
                token, place.admissionExpiresAt());
    }
}
