package dev.floodgate.ops.simulator;

import dev.floodgate.contracts.http.Json;
import dev.floodgate.ops.simulator.Api.Charge;
import dev.floodgate.runtime.HttpClients;
import io.helidon.config.Config;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * SIMULATOR: webhook-style callbacks, as real processors send them: after each new charge, a
 * {@code charge.succeeded} or {@code charge.declined} event is POSTed to {@code simulator.webhooks.url}, signed
 * {@code X-Provider-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>}. Like the real thing
 * it is at-least-once and unordered: each is sent after a random delay up to {@code max-delay-millis} (so callbacks
 * overtake each other and the charge's own HTTP answer), duplicated with probability {@code duplicate-rate}, and
 * retried up to 3 times on failure. Off when no URL is set.
 */
public final class Webhooks implements AutoCloseable {
    public static final String SIGNATURE_HEADER = "X-Provider-Signature";
    private static final System.Logger LOG = System.getLogger(Webhooks.class.getName());
    private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();

    public record Settings(String url, String secret, long maxDelayMillis, double duplicateRate) {
        public static final Settings OFF = new Settings(null, null, 0, 0);

        static Settings from(Config webhooks) {
            String url = webhooks.get("url").asString().filter(s -> !s.isBlank()).orElse(null);
            if (url == null) {
                return OFF;
            }
            String secret = webhooks.get("secret").asString().orElse("");
            if (secret.length() < 16) {
                throw new IllegalArgumentException("simulator.webhooks.secret must have 16+ characters");
            }
            return new Settings(url, secret, webhooks.get("max-delay-millis").asLong().orElse(200L),
                    webhooks.get("duplicate-rate").asDouble().orElse(0.0));
        }
    }

    /** The callback body. */
    public record Event(String id, String type, long created, Charge data) {
    }

    private final Settings settings;
    private final Clock clock;
    private static final HeaderName SIGNATURE = HeaderNames.create(SIGNATURE_HEADER);
    // Helidon's client, not java.net.http: about half the CPU per callback here (one callback per charge). Borrowed
    // per callback: one WebClient shared by the senders can misread responses (see HttpClients).
    private final HttpClients.Confined http = HttpClients.confined(64, Duration.ofSeconds(5), builder -> builder
            .connectTimeout(Duration.ofSeconds(2)).readTimeout(Duration.ofSeconds(5)).followRedirects(false));
    private final ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor();
    private final SecureRandom random = new SecureRandom();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    public Webhooks(Settings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    public boolean enabled() {
        return settings.url() != null;
    }

    /** Callbacks delivered with a 2xx answer (duplicates count). */
    public long sent() {
        return sent.get();
    }

    public long failed() {
        return failed.get();
    }

    /** Queues the callback(s) of a newly made charge. */
    void chargeMade(Charge charge) {
        if (!enabled()) {
            return;
        }
        Event event = new Event(eventId(), "charge." + charge.status(), clock.instant().getEpochSecond(), charge);
        byte[] body = Json.write(event);
        int copies = ThreadLocalRandom.current().nextDouble() < settings.duplicateRate() ? 2 : 1;
        for (int i = 0; i < copies; i++) {
            senders.execute(() -> deliver(event.id(), body));
        }
    }

    private void deliver(String eventId, byte[] body) {
        long delay = settings.maxDelayMillis() <= 0 ? 0 : ThreadLocalRandom.current().nextLong(settings.maxDelayMillis() + 1);
        for (int attempt = 1; attempt <= 4; attempt++) {
            if (delay > 0) {
                LockSupport.parkNanos(Duration.ofMillis(delay).toNanos());
            }
            try {
                String t = Long.toString(clock.instant().getEpochSecond());
                int status = http.call(client -> {
                    try (HttpClientResponse res = client.post(settings.url())
                            .header(HeaderNames.CONTENT_TYPE, "application/json")
                            .header(SIGNATURE, "t=" + t + ",v1=" + sign(settings.secret(), t, body))
                            .submit(body)) {
                        res.entity().consume();
                        return res.status().code();
                    }
                });
                if (status / 100 == 2) {
                    sent.incrementAndGet();
                    return;
                }
                LOG.log(System.Logger.Level.DEBUG, "SIMULATOR: webhook " + eventId + " answered " + status);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "SIMULATOR: webhook " + eventId + " failed: " + e);
                if (Thread.currentThread().isInterrupted()) {
                    Thread.currentThread().interrupt(); // closing: stop retrying
                    return;
                }
            }
            delay = 200L * (1L << attempt);
        }
        failed.incrementAndGet();
    }

    /** Hex HMAC-SHA256 of {@code t + "." + body}. */
    public static String sign(String secret, String t, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((t + ".").getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private String eventId() {
        StringBuilder id = new StringBuilder("evt_");
        for (int i = 0; i < 20; i++) {
            id.append(ALPHABET[random.nextInt(ALPHABET.length)]);
        }
        return id.toString();
    }

    @Override
    public void close() {
        senders.shutdownNow();
    }
}
