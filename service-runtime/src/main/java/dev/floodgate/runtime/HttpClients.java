package dev.floodgate.runtime;

import dev.floodgate.contracts.error.ApiException;
import io.helidon.webclient.api.WebClient;
import io.helidon.webclient.api.WebClientConfig;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * HTTP clients that keep connections alive and are safe to share between threads.
 *
 * <p>Why not one shared {@link WebClient}: Helidon 4.2.0's HTTP/1 client offers a finished connection back to its
 * cache and only then starts the idle monitor that reads one byte from it to notice a close. A second thread can take
 * the connection in that gap and send a request; the monitor then reads the first byte of that request's response and
 * the caller sees "TTP/1.1 ..." (helidon-io/helidon#10861, fixed in later 4.x, which this machine's registry does
 * not serve). A connection reused by the thread that returned it cannot meet the race, so each thread here borrows a
 * whole client (with its own connection cache) for one call and gives it back when the call is over.
 */
public final class HttpClients {
    private HttpClients() {
    }

    /**
     * @param maxConcurrent calls (and so clients, and kept-alive connections per destination) at once; more wait
     * @param maxWait       how long a call waits for a free client before it fails with a 503
     * @param configure     base URI, timeouts... of every client (the connection cache is always the client's own)
     */
    public static Confined confined(int maxConcurrent, Duration maxWait, Consumer<WebClientConfig.Builder> configure) {
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("maxConcurrent must be at least 1");
        }
        return new Confined(maxConcurrent, maxWait, configure);
    }

    /** A bounded set of clients, each used by one call at a time. */
    public static final class Confined {
        private final Semaphore permits;
        private final ConcurrentLinkedDeque<WebClient> idle = new ConcurrentLinkedDeque<>();
        private final Duration maxWait;
        private final Consumer<WebClientConfig.Builder> configure;

        private Confined(int maxConcurrent, Duration maxWait, Consumer<WebClientConfig.Builder> configure) {
            this.permits = new Semaphore(maxConcurrent, true);
            this.maxWait = maxWait;
            this.configure = configure;
        }

        /**
         * Runs {@code call} with a client no other thread uses meanwhile. The call must read or close every response
         * it opens before it returns (try-with-resources), so the connection is back in that client's cache.
         */
        public <T> T call(Function<WebClient, T> call) {
            try {
                if (!permits.tryAcquire(maxWait.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw ApiException.unavailable("too many outgoing HTTP calls at once, retry shortly");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw ApiException.unavailable("interrupted while waiting for an HTTP client");
            }
            // Most recently used first: its connections are the warmest.
            WebClient client = idle.pollFirst();
            if (client == null) {
                client = newClient();
            }
            try {
                return call.apply(client);
            } finally {
                idle.offerFirst(client);
                permits.release();
            }
        }

        private WebClient newClient() {
            WebClientConfig.Builder builder = WebClient.builder();
            configure.accept(builder);
            return builder.shareConnectionCache(false).build();
        }
    }
}
