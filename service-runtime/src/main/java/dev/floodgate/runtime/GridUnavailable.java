package dev.floodgate.runtime;

import com.hazelcast.client.HazelcastClientOfflineException;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.core.IndeterminateOperationStateException;
import com.hazelcast.core.OperationTimeoutException;
import com.hazelcast.spi.exception.TargetDisconnectedException;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionException;
import dev.floodgate.contracts.error.ApiException;
import dev.floodgate.contracts.http.JsonHttp;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.List;
import java.util.function.BiConsumer;

/**
 * The grid's passing failures, answered as a 503 with {@code Retry-After} (code {@code UNAVAILABLE}) rather than a
 * 500: a member lost or cut off (no answer in time, a write whose backup did not confirm it, this side of a network
 * split too small to sell). Every grid operation is idempotent by request id, so the fan's page (or app) retries the
 * same request and gets a definite answer once the grid has settled. Other Hazelcast failures (serialisation, a
 * bug) stay 500s.
 */
final class GridUnavailable {
    static final List<Class<? extends RuntimeException>> PASSING = List.of(SplitBrainProtectionException.class,
            IndeterminateOperationStateException.class, OperationTimeoutException.class,
            TargetDisconnectedException.class, HazelcastClientOfflineException.class,
            HazelcastInstanceNotActiveException.class);

    private GridUnavailable() {
    }

    static void answer503(HttpRouting.Builder routing, BiConsumer<ServerRequest, ServerResponse> beforeError) {
        for (Class<? extends RuntimeException> type : PASSING) {
            routing.error(type, (req, res, e) -> {
                beforeError.accept(req, res);
                System.getLogger(GridUnavailable.class.getName()).log(System.Logger.Level.WARNING,
                        "grid unavailable on " + req.prologue().method().text() + " " + req.path().path() + ": "
                                + e.getClass().getSimpleName());
                JsonHttp.sendError(res, ApiException.unavailable(
                        "tickets are briefly unavailable; retry the same request in a moment"));
            });
        }
    }
}
