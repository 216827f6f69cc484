package dev.floodgate.edge.queue;

import dev.floodgate.contracts.error.ApiException;
import dev.floodgate.contracts.http.Ids;
import dev.floodgate.contracts.http.JsonHttp;
import dev.floodgate.edge.limit.ClientLimits;
import dev.floodgate.edge.token.TokenGuard;
import dev.floodgate.edge.token.TokenIssuer;
import dev.floodgate.grid.queue.QueueState;
import dev.floodgate.grid.queue.Shuffle;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A fan joining ({@code POST}), watching ({@code GET}, or {@code GET .../stream} for Server-Sent Events, opened
 * with the fan token or a one-time ticket from {@code POST .../stream-ticket}) and leaving ({@code DELETE}) an
 * event's queue at {@code /api/events/{eventId}/queue}, and the public record of the pre-queue shuffle at
 * {@code .../queue/fairness}.
 */
public final class QueueRoutes {
    static final int MAX_FAIRNESS_PAGE = 10_000;
    /** Join and bind bodies are a token or a challenge and a nonce. */
    static final int MAX_BODY_BYTES = 2048;

    private final WaitingRoom room;
    private final QueueStreams streams;
    private final TokenGuard guard;
    private final TokenIssuer tokens;
    private final ClientLimits limits;
    private final QueueMetrics metrics;
    private final StreamTickets streamTickets;
    private final PollAdvice advice;
    private final Duration placeTtl;
    private final JoinProof proof;

    /**
     * What an anonymous join must prove before it takes a place (the proof of work of the event), given the join's
     * body; throws the refusal.
     */
    public interface JoinProof {
        void check(String eventId, AnonymousJoin body);
    }

    /** Body of an anonymous join: the solved challenge, when the event asks for one. */
    public record AnonymousJoin(String challenge, String nonce) {
    }

    /** Body of a bind: the place to bind to the signed-in fan. */
    public record Bind(String placeToken) {
        public Bind {
            if (placeToken == null || placeToken.isBlank()) {
                throw ApiException.badRequest("placeToken is required", "placeToken");
            }
        }
    }

    public QueueRoutes(WaitingRoom room, QueueStreams streams, TokenGuard guard, TokenIssuer tokens,
                       ClientLimits limits, QueueMetrics metrics, PollAdvice advice, Duration placeTtl,
                       JoinProof proof) {
        this.advice = advice;
        this.placeTtl = placeTtl;
        this.proof = proof;
        this.room = room;
        this.streams = streams;
        this.guard = guard;
        this.tokens = tokens;
        this.limits = limits;
        this.metrics = metrics;
        this.streamTickets = new StreamTickets(room.hazelcast(), room::now);
    }

    public void routes(HttpRouting.Builder routing) {
        routing.post("/api/events/{eventId}/queue", this::join);
        routing.post("/api/events/{eventId}/queue/bind", this::bind);
        routing.get("/api/events/{eventId}/queue", this::status);
        routing.delete("/api/events/{eventId}/queue", this::leave);
        routing.get("/api/events/{eventId}/queue/stream", this::stream);
        routing.post("/api/events/{eventId}/queue/stream-ticket", this::streamTicket);
        routing.get("/api/events/{eventId}/queue/fairness", this::fairness);
    }

    /**
     * A signed-in fan joins with their fan token; a visitor without one (no Authorization header) takes an anonymous
     * place, after the event's proof of work, and gets a place token to watch it and bind it when they sign in.
     */
    private void join(ServerRequest req, ServerResponse res) {
        limits.address(req);
        String eventId = eventId(req);
        if (!TokenGuard.hasAuthorization(req)) {
            byte[] body = JsonHttp.readBytes(req, MAX_BODY_BYTES);
            AnonymousJoin proven = body.length == 0 ? new AnonymousJoin(null, null)
                    : JsonHttp.parse(body, AnonymousJoin.class);
            proof.check(eventId, proven);
            WaitingRoom.Anonymous taken = room.joinAnonymously(eventId);
            String placeToken = tokens.placeToken(taken.placeId(), eventId, placeTtl).token();
            send(res, 201, QueueView.ofPlace(taken.place(), advice, placeToken));
            return;
        }
        String fanId = guard.fan(req);
        limits.join(fanId);
        FanPlace place = room.join(eventId, fanId);
        send(res, place.newlyJoined() ? 201 : 200, QueueView.of(eventId, fanId, place, tokens, metrics, advice));
    }

    /** A fan's status with their fan token, or an anonymous place's with its place token. */
    private void status(ServerRequest req, ServerResponse res) {
        limits.address(req);
        String eventId = eventId(req);
        TokenGuard.QueueCaller caller = guard.fanOrPlace(req, eventId);
        limits.status(caller.id());
        res.header("Cache-Control", "no-store");
        if (caller.place()) {
            send(res, 200, QueueView.ofPlace(room.placeStatus(eventId, caller.id()), advice, null));
            return;
        }
        send(res, 200, QueueView.of(eventId, caller.id(), room.status(eventId, caller.id()), tokens, metrics,
                advice));
    }

    /** The signed-in fan takes over an anonymous place (one place per account: see WaitingRoom#bind). */
    private void bind(ServerRequest req, ServerResponse res) {
        limits.address(req);
        String fanId = guard.fan(req);
        String eventId = eventId(req);
        limits.join(fanId);
        Bind body = JsonHttp.read(req, Bind.class, MAX_BODY_BYTES);
        String placeId = guard.place(body.placeToken(), eventId);
        send(res, 200, QueueView.of(eventId, fanId, room.bind(eventId, placeId, fanId), tokens, metrics, advice));
    }

    private static void send(ServerResponse res, int status, QueueView view) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(view.json().getBytes(StandardCharsets.UTF_8));
    }

    private void leave(ServerRequest req, ServerResponse res) {
        limits.address(req);
        String eventId = eventId(req);
        String fanId = guard.fanOrPlace(req, eventId).id();
        limits.join(fanId);
        if (!room.leave(eventId, fanId)) {
            throw ApiException.notFound("you have not joined this event's queue");
        }
        res.status(204).send();
    }

    /**
     * The fan token in the {@code Authorization} header, or {@code ?ticket=} from {@link #streamTicket} (browsers'
     * EventSource cannot send headers; the fan token never goes into a URL).
     */
    private void stream(ServerRequest req, ServerResponse res) {
        limits.address(req);
        String ticket = req.query().first("ticket").orElse(null);
        String eventId = eventId(req);
        String fanId = ticket != null ? streamTickets.redeem(ticket, eventId) : guard.fan(req);
        limits.status(fanId);
        streams.stream(res, eventId, fanId);
    }

    private void streamTicket(ServerRequest req, ServerResponse res) {
        limits.address(req);
        String fanId = guard.fan(req);
        String eventId = eventId(req);
        limits.status(fanId);
        if (room.ticketOf(eventId, fanId) == null) {
            throw ApiException.notFound("you have not joined this event's queue");
        }
        res.header("Cache-Control", "no-store");
        JsonHttp.ok(res, streamTickets.issue(eventId, fanId));
    }

    private void fairness(ServerRequest req, ServerResponse res) {
        limits.address(req);
        String eventId = eventId(req);
        long from = longParam(req, "from", 1, 1, Long.MAX_VALUE);
        int limit = (int) longParam(req, "limit", 1000, 0, MAX_FAIRNESS_PAGE);
        QueueState state = room.state(eventId).orElseThrow(() -> ApiException.notFound("no queue for this event"));
        byte[] seed = state.revealedSeed();
        long[] tickets;
        try {
            tickets = room.shuffledTickets(state, from, limit);
        } catch (UnsupportedOperationException e) {
            throw ApiException.of(501, "this pre-queue is too large to list here: recompute it from the seed");
        }
        res.header("Cache-Control", state.opened() ? "public, max-age=60" : "no-store");
        JsonHttp.ok(res, new FairnessView(eventId, Shuffle.ALGORITHM, state.commitment(),
                seed == null ? null : HexFormat.of().formatHex(seed),
                state.opened() ? state.preQueueSize() : null,
                state.opened() ? Instant.ofEpochMilli(state.openedAtMillis()).toString() : null,
                from, Arrays.stream(tickets).boxed().toList()));
    }

    private static String eventId(ServerRequest req) {
        return Ids.slug(req.path().pathParameters().get("eventId"), "eventId");
    }

    private static long longParam(ServerRequest req, String name, long fallback, long min, long max) {
        String raw = req.query().first(name).orElse(null);
        if (raw == null) {
            return fallback;
        }
        try {
            long value = Long.parseLong(raw);
            if (value < min || value > max) {
                throw ApiException.badRequest("must be " + min + ".." + max, name);
            }
            return value;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("must be a number", name);
        }
    }
}
