package dev.floodgate.edge.limit;

import dev.floodgate.runtime.http.TrustedProxies;
import dev.floodgate.contracts.error.ApiException;
import io.helidon.config.Config;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * The per-client limits of the fan-facing queue calls (config {@code limits.*}): per client address before any token
 * is checked (a flood of forged tokens must not buy a signature check each), then per fan for joins and for status
 * reads (polls and stream openings). Over the limit: 429 with {@code Retry-After} and the error body (code
 * {@code RATE_LIMITED}). The client's address is the socket peer, or behind {@code limits.trusted-proxies} the one
 * they report in {@code X-Forwarded-For} (see {@link TrustedProxies}).
 */
public final class ClientLimits {
    private final RateLimiter perAddress;
    private final RateLimiter joins;
    private final RateLimiter statuses;
    private final TrustedProxies proxies;

    public ClientLimits(RateLimiter perAddress, RateLimiter joins, RateLimiter statuses, TrustedProxies proxies) {
        this.perAddress = perAddress;
        this.joins = joins;
        this.statuses = statuses;
        this.proxies = proxies;
    }

    public static ClientLimits from(Config limits) {
        int maxKeys = limits.get("max-tracked-clients").asInt().orElse(200_000);
        return new ClientLimits(
                limiter(limits.get("per-address"), 100, 200, maxKeys),
                limiter(limits.get("join"), 1, 5, maxKeys),
                limiter(limits.get("status"), 2, 10, maxKeys),
                trustedProxies(limits));
    }

    /**
     * {@code trusted-proxies}: a list, or one comma-separated value (handy in an environment variable). The former
     * {@code trust-forwarded-for: true} trusted any peer's header, so a client could pick its own address: a
     * configuration still asking for it stops the start rather than silently limiting every fan as the proxy.
     */
    public static TrustedProxies trustedProxies(Config limits) {
        if (limits.get("trust-forwarded-for").asBoolean().orElse(false)) {
            throw new IllegalArgumentException("limits.trust-forwarded-for is gone: list the proxies' CIDRs in "
                    + "limits.trusted-proxies instead (only they may set X-Forwarded-For)");
        }
        return TrustedProxies.from(limits.get("trusted-proxies"));
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
        return proxies.clientOf(req);
    }

    private static void check(RateLimiter limiter, String key, String message) {
        long waitMillis = limiter.acquire(key);
        if (waitMillis > 0) {
            throw ApiException.tooManyRequests(message, Math.max(1, Math.ceilDiv(waitMillis, 1000)));
        }
    }
}
