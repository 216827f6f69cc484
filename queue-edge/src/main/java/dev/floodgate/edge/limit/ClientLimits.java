package dev.floodgate.edge.limit;

import dev.floodgate.contracts.error.ApiException;
import io.helidon.config.Config;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

/**
 * The per-client limits of the fan-facing queue calls (config {@code limits.*}): per client address before any token
 * is checked (a flood of forged tokens must not buy a signature check each), then per fan for joins and for status
 * reads (polls and stream openings). Over the limit: 429 with {@code Retry-After} and the error body.
 */
public final class ClientLimits {
    private final RateLimiter perAddress;
    private final RateLimiter joins;
    private final RateLimiter statuses;
    private final boolean trustForwardedFor;

    public ClientLimits(RateLimiter perAddress, RateLimiter joins, RateLimiter statuses, boolean trustForwardedFor) {
        this.perAddress = perAddress;
        this.joins = joins;
        this.statuses = statuses;
        this.trustForwardedFor = trustForwardedFor;
    }

    public static ClientLimits from(Config limits) {
        int maxKeys = limits.get("max-tracked-clients").asInt().orElse(200_000);
        return new ClientLimits(
                limiter(limits.get("per-address"), 100, 200, maxKeys),
                limiter(limits.get("join"), 1, 5, maxKeys),
                limiter(limits.get("status"), 2, 10, maxKeys),
                limits.get("trust-forwarded-for").asBoolean().orElse(false));
    }

    private static RateLimiter limiter(Config node, double perSecond, int burst, int maxKeys) {
        return new RateLimiter(node.get("per-second").asDouble().orElse(perSecond),
                node.get("burst").asInt().orElse(burst), maxKeys);
    }

    /** Before the token is checked. */
    public void address(ServerRequest req) {
        check(perAddress, "a:" + clientAddress(req), "too many requests from your address");
    }

    public void join(String fanId) {
        check(joins, fanId, "too many join requests: slow down");
    }

    public void status(String fanId) {
        check(statuses, fanId, "too many status requests: poll less often, or use the stream");
    }

    private String clientAddress(ServerRequest req) {
        if (trustForwardedFor) {
            String forwarded = req.headers().first(HeaderNames.X_FORWARDED_FOR).orElse(null);
            if (forwarded != null && !forwarded.isBlank()) {
                int comma = forwarded.indexOf(',');
                return (comma < 0 ? forwarded : forwarded.substring(0, comma)).trim();
            }
        }
        return req.remotePeer().host();
    }

    private static void check(RateLimiter limiter, String key, String message) {
        long waitMillis = limiter.acquire(key);
        if (waitMillis > 0) {
            throw ApiException.tooManyRequests(message, Math.max(1, Math.ceilDiv(waitMillis, 1000)));
        }
    }
}
