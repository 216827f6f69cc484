package dev.floodgate.edge.challenge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.floodgate.contracts.error.ApiException;
import dev.floodgate.contracts.http.Ids;
import dev.floodgate.contracts.http.Json;
import dev.floodgate.contracts.http.JsonHttp;
import dev.floodgate.edge.limit.ClientLimits;
import dev.floodgate.runtime.operator.Operator;
import dev.floodgate.runtime.operator.OperatorAccess;
import dev.floodgate.runtime.operator.OperatorAuth;
import dev.floodgate.runtime.operator.Role;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.util.Map;
import java.util.function.Predicate;

/**
 * {@code POST /api/events/{eventId}/queue/challenge} (anyone: the challenge an anonymous join must solve) and the
 * operator's {@code GET/PUT /api/operator/events/{eventId}/challenge} (the event's difficulty). Register after the
 * operator routes, whose filter guards {@code /api/operator/*}.
 */
public final class ChallengeRoutes {
    static final int MAX_BODY_BYTES = 256;

    private final ProofOfWork pow;
    private final ClientLimits limits;
    private final Predicate<String> eventExists;
    private final OperatorAccess operators;

    public ChallengeRoutes(ProofOfWork pow, ClientLimits limits, Predicate<String> eventExists,
                           OperatorAccess operators) {
        this.operators = operators;
        this.pow = pow;
        this.limits = limits;
        this.eventExists = eventExists;
    }

    public void routes(HttpRouting.Builder routing) {
        routing.post("/api/events/{eventId}/queue/challenge", this::issue);
        routing.get("/api/operator/events/{eventId}/challenge", this::read);
        routing.put("/api/operator/events/{eventId}/challenge", this::change);
    }

    private void issue(ServerRequest req, ServerResponse res) {
        limits.address(req);
        String eventId = event(req);
        res.header("Cache-Control", "no-store");
        JsonHttp.ok(res, pow.issue(eventId));
    }

    private void read(ServerRequest req, ServerResponse res) {
        OperatorAuth.require(req, Role.VIEWER);
        String eventId = event(req);
        JsonHttp.ok(res, Map.of("eventId", eventId, "difficultyBits", pow.difficultyBits(eventId)));
    }

    /** {@code {"difficultyBits": 0..32}}: a JSON integer only (no strings, fractions or booleans), nothing else. */
    private void change(ServerRequest req, ServerResponse res) {
        Operator who = OperatorAuth.require(req, Role.OPERATOR);
        String eventId = event(req);
        byte[] body = JsonHttp.readBytes(req, MAX_BODY_BYTES);
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw ApiException.badRequest("malformed JSON", null);
        }
        if (json == null || !json.isObject()) {
            throw ApiException.badRequest("a JSON object is required", null);
        }
        json.fieldNames().forEachRemaining(name -> {
            if (!name.equals("difficultyBits")) {
                throw ApiException.badRequest("unknown field", name);
            }
        });
        JsonNode bits = json.get("difficultyBits");
        if (bits == null || !bits.isIntegralNumber() || !bits.canConvertToInt()
                || bits.intValue() < 0 || bits.intValue() > ProofOfWork.MAX_DIFFICULTY_BITS) {
            throw ApiException.badRequest("must be an integer 0.." + ProofOfWork.MAX_DIFFICULTY_BITS,
                    "difficultyBits");
        }
        int before = pow.difficultyBits(eventId);
        pow.setDifficultyBits(eventId, bits.intValue());
        operators.record(who, "queue.challenge", "event:" + eventId, Map.of("difficultyBits", before),
                Map.of("difficultyBits", bits.intValue()));
        JsonHttp.ok(res, Map.of("eventId", eventId, "difficultyBits", bits.intValue()));
    }

    private String event(ServerRequest req) {
        String eventId = Ids.slug(req.path().pathParameters().get("eventId"), "eventId");
        if (!eventExists.test(eventId)) {
            throw ApiException.notFound("no such event: " + eventId);
        }
        return eventId;
    }
}
