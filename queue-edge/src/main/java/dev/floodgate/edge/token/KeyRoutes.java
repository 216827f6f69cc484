package dev.floodgate.edge.token;

import dev.floodgate.contracts.http.JsonHttp;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.List;

/**
 * {@code POST /api/operator/keys/rotate} (behind the operator's credentials, which {@code /api/operator/*} routes
 * require): a new signing key for every edge; the old one keeps verifying until its tokens expire.
 */
public final class KeyRoutes {
    private final KeyRing keys;

    public KeyRoutes(KeyRing keys) {
        this.keys = keys;
    }

    /** Answer: the new current key id and every key id in the JWKS (oldest first). */
    public record Rotated(String currentKid, List<String> kids) {
    }

    public void routes(HttpRouting.Builder routing) {
        routing.post("/api/operator/keys/rotate", this::rotate);
    }

    private void rotate(ServerRequest req, ServerResponse res) {
        SigningKeys now = keys.rotate();
        JsonHttp.ok(res, new Rotated(now.currentKid(), now.kids()));
    }
}
