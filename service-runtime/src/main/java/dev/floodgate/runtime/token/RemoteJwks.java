package dev.floodgate.runtime.token;

import dev.floodgate.contracts.error.ApiException;
import io.helidon.security.jwt.jwk.Jwk;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParsingException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The public keys of one token issuer, fetched from its JWKS URL over HTTP (Helidon WebClient) and kept in memory:
 * an external identity provider's at the edge, the edges' own ({@code /.well-known/jwks.json}) at checkout.
 *
 * <ul>
 *   <li>A fetch takes at most {@code jwksTimeout} (connect and answer), answers at most {@link #MAX_JWKS_BYTES} and
 *   {@link #MAX_KEYS} keys; only RSA and EC signature keys with a {@code kid} are kept (a symmetric key in a JWKS is
 *   never used).</li>
 *   <li>Keys older than {@code jwksRefresh} are refetched in the background on the next use (the old ones keep
 *   serving); a {@code kid} the keys do not have is refetched at once (the provider rotated).</li>
 *   <li>Fetches are at least {@code jwksMinRefetch} apart, whatever asks: a flood of made-up {@code kid}s costs the
 *   provider one request per interval.</li>
 *   <li>Fails closed: no keys younger than {@code jwksMaxStale} (never fetched, or the provider down for that long)
 *   is a 503 for every token of that provider; a {@code kid} unknown after a fetch is a rejection.</li>
 * </ul>
 */
public final class RemoteJwks {
    static final int MAX_JWKS_BYTES = 256 * 1024;
    static final int MAX_KEYS = 100;
    private static final System.Logger LOG = System.getLogger(RemoteJwks.class.getName());
    private static final Set<String> KEY_TYPES = Set.of("RSA", "EC");

    private record Keys(Map<String, Jwk> byKid, long fetchedAtMillis) {
    }

    private final JwksSource config;
    private final Clock clock;
    private final WebClient client;
    private final ExecutorService fetcher = Executors.newVirtualThreadPerTaskExecutor();
    private final Object fetchLock = new Object();
    private volatile Keys keys;
    private volatile long lastAttemptMillis = Long.MIN_VALUE / 2;
    private volatile boolean lastAttemptFailed;

    public RemoteJwks(JwksSource config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.client = WebClient.builder()
                .connectTimeout(config.timeout())
                .readTimeout(config.timeout())
                .followRedirects(false)
                .shareConnectionCache(false)
                .build();
    }

    /**
     * The key named {@code kid}, or empty (unknown even after a refetch, or a refetch was done less than
     * {@code jwksMinRefetch} ago). 503 when no usable keys can be had.
     */
    public Optional<Jwk> key(String kid) {
        long now = clock.millis();
        Keys current = keys;
        if (usable(current, now)) {
            Jwk key = current.byKid.get(kid);
            if (key != null) {
                if (now - current.fetchedAtMillis >= config.refresh().toMillis()) {
                    refreshInBackground();
                }
                return Optional.of(key);
            }
        }
        synchronized (fetchLock) {
            current = keys;
            now = clock.millis();
            if (usable(current, now) && current.byKid.containsKey(kid)) {
                return Optional.of(current.byKid.get(kid));
            }
            if (now - lastAttemptMillis < config.minRefetch().toMillis()) {
                if (!usable(current, now) || lastAttemptFailed) {
                    throw unavailable();
                }
                return Optional.empty();
            }
            if (!fetchNow()) {
                throw unavailable();
            }
            return Optional.ofNullable(keys.byKid.get(kid));
        }
    }

    private boolean usable(Keys k, long now) {
        return k != null && now - k.fetchedAtMillis < config.maxStale().toMillis();
    }

    private ApiException unavailable() {
        return ApiException.unavailable("the " + config.name() + " cannot be reached to check this token; try again "
                + "shortly");
    }

    private void refreshInBackground() {
        if (clock.millis() - lastAttemptMillis < config.minRefetch().toMillis()) {
            return;
        }
        try {
            fetcher.execute(() -> {
                synchronized (fetchLock) {
                    if (clock.millis() - lastAttemptMillis >= config.minRefetch().toMillis()) {
                        fetchNow();
                    }
                }
            });
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "JWKS refresh not started: " + e);
        }
    }

    /** One fetch (under the lock); answers whether it gave keys. */
    private boolean fetchNow() {
        lastAttemptMillis = clock.millis();
        Future<Map<String, Jwk>> call = fetcher.submit(this::download);
        try {
            Map<String, Jwk> fetched = call.get(config.timeout().toMillis(), TimeUnit.MILLISECONDS);
            keys = new Keys(fetched, clock.millis());
            lastAttemptFailed = false;
            return true;
        } catch (TimeoutException e) {
            call.cancel(true);
            return failed("took longer than " + config.timeout().toMillis() + " ms");
        } catch (ExecutionException e) {
            return failed(String.valueOf(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed("interrupted");
        }
    }

    private boolean failed(String why) {
        lastAttemptFailed = true;
        LOG.log(System.Logger.Level.WARNING, "JWKS of " + config.name() + " (" + config.url()
                + ") not fetched: " + why);
        return false;
    }

    private Map<String, Jwk> download() throws IOException {
        byte[] body;
        try (HttpClientResponse res = client.get(config.url().toString()).request()) {
            if (res.status().code() != 200) {
                throw new IOException("answered HTTP " + res.status().code());
            }
            try (InputStream in = res.inputStream()) {
                body = in.readNBytes(MAX_JWKS_BYTES + 1);
            }
        }
        if (body.length > MAX_JWKS_BYTES) {
            throw new IOException("JWKS larger than " + MAX_JWKS_BYTES + " bytes");
        }
        return parse(body);
    }

    static Map<String, Jwk> parse(byte[] body) throws IOException {
        JsonObject json;
        try (var reader = Json.createReader(new ByteArrayInputStream(body))) {
            json = reader.readObject();
        } catch (JsonParsingException | IllegalStateException | ClassCastException e) {
            throw new IOException("JWKS is not a JSON object");
        }
        JsonValue list = json.get("keys");
        if (!(list instanceof JsonArray array)) {
            throw new IOException("JWKS has no keys array");
        }
        Map<String, Jwk> byKid = new HashMap<>();
        for (JsonValue value : array) {
            if (byKid.size() >= MAX_KEYS) {
                break;
            }
            if (!(value instanceof JsonObject key)) {
                continue;
            }
            String kty = string(key, "kty");
            String kid = string(key, "kid");
            String use = string(key, "use");
            if (kid == null || kid.isEmpty() || !KEY_TYPES.contains(kty) || (use != null && !"sig".equals(use))) {
                continue;
            }
            try {
                byKid.put(kid, Jwk.create(key));
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "JWKS key " + kid + " skipped: " + e);
            }
        }
        return Map.copyOf(byKid);
    }

    private static String string(JsonObject o, String name) {
        JsonValue v = o.get(name);
        return v instanceof JsonString s ? s.getString() : null;
    }

    public void close() {
        fetcher.shutdownNow();
    }
}
