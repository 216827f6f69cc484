package dev.floodgate.edge.token;

import dev.floodgate.contracts.http.JsonHttp;
import dev.floodgate.runtime.operator.Operator;
import dev.floodgate.runtime.operator.OperatorAccess;
import dev.floodgate.runtime.operator.OperatorAuth;
import dev.floodgate.runtime.operator.Role;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.List;
import java.util.Map;

/**
 * {@code POST /api/operator/keys/rotate} (behind the operator's credentials, which {@code /api/operator/*} routes
 * require): a new signing key for every edge; the old one keeps verifying until its tokens expire.
 */
public final class KeyRoutes {
    private final KeyRing keys;

    private final OperatorAccess operators;

    public KeyRoutes(KeyRing keys, OperatorAccess operators) {
        this.keys = keys;
        this.operators = operators;
    }

    /** Answer: the new current key id and every key id in the JWKS (oldest first). */
    public record Rotated(String currentKid, List<String> kids) {
    }

    public void routes(HttpRouting.Builder routing) {
        routing.post("/api/operator/keys/rotate", this::rotate);
    }

    private void rotate(ServerRequest req, ServerResponse res) {
        Operator who = OperatorAuth.require(req, Role.ADMIN);
        String before = keys.current().currentKid();
        SigningKeys now = keys.rotate();
        operators.record(who, "keys.rotate", "signing-keys", Map.of("currentKid", before),
                Map.of("currentKid", now.currentKid()));
        JsonHttp.ok(res, new Rotated(now.currentKid(), now.kids()));
    }
}
