package dev.floodgate.loadtests;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.floodgate.loadtests.LoadSettings.number;
import static dev.floodgate.loadtests.LoadSettings.text;

/**
 * The knobs of {@link FullDropSimulation}, each a system property ({@code -Dfloodgate.x=y}, or through
 * {@code ./floodgate load full-drop -Dfloodgate.x=y}). Keys shared with the other simulations (fans, capacity, hold
 * TTL, admission rate...) keep their meaning from {@link LoadSettings} but get the full drop's defaults here, applied
 * by {@link Defaults#apply()} before {@link LoadSettings} is first read.
 */
final class DropSettings {
    /** 200,000 fans for 10,000 tickets: the issue's drop. */
    static final int FULL_DROP_FANS = 200_000;
    static final int FULL_DROP_TICKETS = 10_000;

    private DropSettings() {
    }

    /**
     * Applied from {@link FullDropSimulation}'s static initialiser. A nested class, because initialising it does not
     * initialise {@link DropSettings} (whose fields read {@link LoadSettings}) first.
     */
    static final class Defaults {
        private Defaults() {
        }

        /**
         * The full drop's defaults for the shared keys, unless set on the command line. Capacity defaults to the drop's
         * ratio of tickets to fans (10,000 per 200,000, so 100 for 2,000 fans): a smaller run then still sells out, and
         * its fans still mostly learn SOLD_OUT. Standing tickets only (the seat map is the checkout rush's subject); a
         * short hold (60 s) so abandoned holds come back within the run and are sold again.
         */
        static void apply() {
            int fans = Integer.parseInt(System.getProperty("floodgate.fans", Integer.toString(FULL_DROP_FANS)).strip());
            long capacity = Math.max(1, (long) fans * FULL_DROP_TICKETS / FULL_DROP_FANS);
            Map<String, String> defaults = Map.of(
                    "floodgate.fans", Integer.toString(FULL_DROP_FANS),
                    "floodgate.capacity", Long.toString(capacity),
                    "floodgate.seatedSections", "0",
                    "floodgate.holdTtlSeconds", "60",
                    "floodgate.ratePerMinute", "6000",
                    "floodgate.batchSize", "100",
                    "floodgate.maxWaitSeconds", "900",
                    "floodgate.maxOrderWaitSeconds", "120",
                    "floodgate.auditWaitSeconds", "180");
            defaults.forEach((key, value) -> {
                String given = System.getProperty(key);
                if (given == null || given.isBlank()) {
                    System.setProperty(key, value);
                }
            });
            if (LoadSettings.FANS != Integer.parseInt(System.getProperty("floodgate.fans"))
                    || LoadSettings.SEATED_SECTIONS != Integer.parseInt(System.getProperty("floodgate.seatedSections"))) {
                throw new IllegalStateException("LoadSettings was read before the full drop's defaults were applied");
            }
        }
    }

    // The crowd's arrival.
    /** All fans arrive within this many seconds. */
    static final Duration ARRIVAL = Duration.ofSeconds(number("floodgate.arrivalSeconds", 60, 1, 3600));
    /** Share (percent) of fans who join the pre-queue, during the first {@link #OPEN_AFTER} of the arrival. */
    static final int PRE_QUEUE_PERCENT = number("floodgate.preQueuePercent", 25, 0, 100);
    /**
     * The operator opens the queue this long after the first arrival, once every pre-queue fan's join was answered
     * (waiting at most {@link #PRE_QUEUE_JOIN_WAIT} more); the rest of the crowd arrives from then until
     * {@link #ARRIVAL}.
     */
    static final Duration OPEN_AFTER = Duration.ofSeconds(number("floodgate.openAfterSeconds", 15, 1, 3600));
    static final Duration PRE_QUEUE_JOIN_WAIT = Duration.ofSeconds(number("floodgate.preQueueJoinWaitSeconds", 30, 0, 600));

    // Who the fans are.
    /**
     * Share (percent, decimals allowed) of visitors who join anonymously (challenge, place token) and sign up while
     * waiting: each costs the edge an Argon2 hash, so it stays small and is capped by {@link #ANONYMOUS_MAX}. The
     * rest arrive with a token from the {@link TestIdentityProvider}.
     */
    static final double ANONYMOUS_PERCENT = decimal("floodgate.anonymousShare", 0, 0, 100);
    /** At most this many anonymous visitors whatever the share (each one is an Argon2 sign-up). */
    static final int ANONYMOUS_MAX = number("floodgate.anonymousMax", 2000, 0, 1_000_000);
    /** An anonymous visitor signs up this long after taking a place (uniform), or at once when AWAITING_SIGN_IN. */
    static final int SIGN_UP_AFTER_MIN_MILLIS = number("floodgate.signUpAfterMinMillis", 5000, 0, 3_600_000);
    static final int SIGN_UP_AFTER_MAX_MILLIS = number("floodgate.signUpAfterMaxMillis", 30_000, 0, 3_600_000);
    /** Hard cap on the work spent solving one challenge (2^bits hashes expected). */
    static final int MAX_CHALLENGE_BITS = number("floodgate.maxChallengeBits", 28, 0, 40);

    // The test identity provider (./floodgate load configures the same values on the edge).
    static final String IDP_HOST = text("floodgate.idp.host", "127.0.0.1");
    static final int IDP_PORT = number("floodgate.idp.port", 0, 0, 65535);
    static final String IDP_ISSUER = text("floodgate.idp.issuer", "https://load-idp.floodgate.test/");
    static final String IDP_AUDIENCE = text("floodgate.idp.audience", "floodgate-load");
    /** The edge's name for the provider: its fans' ids are {@code name:sub}. */
    static final String IDP_NAME = text("floodgate.idp.name", "loadidp");

    // Polling.
    /**
     * When a status carries no {@code pollAfterMillis} (servers before that field), the fan waits
     * {@code fansAhead x POLL_FALLBACK_MILLIS_PER_FAN_AHEAD}, with ±{@link #POLL_JITTER_PERCENT} jitter, bounded to
     * [{@link #POLL_MIN_MILLIS}, {@link #POLL_MAX_MILLIS}]; {@link #POLL_MAX_MILLIS} when fansAhead is unknown
     * (pre-queue, sold out). Far back polls seldom, near the front often, as the server's advice does.
     */
    static final int POLL_FALLBACK_MILLIS_PER_FAN_AHEAD = number("floodgate.pollFallbackMillisPerFanAhead", 2, 0, 1000);
    static final int POLL_JITTER_PERCENT = number("floodgate.pollJitterPercent", 25, 0, 90);
    static final int POLL_MIN_MILLIS = number("floodgate.pollMinMillis", 2000, 100, 600_000);
    /** Also the longest a waiting fan can take to see SOLD_OUT: keep it under {@link #SOLD_OUT_NOTICE_MAX}. */
    static final int POLL_MAX_MILLIS = number("floodgate.pollMaxMillis", 25_000, 100, 600_000);
    /**
     * A fan whose next poll is further away than this sends {@code Connection: close}, so it holds no socket (a file
     * on the edge and in the injector) while it waits; closer ones keep the connection alive, as a browser would.
     */
    static final int KEEP_ALIVE_MAX_IDLE_MILLIS = number("floodgate.keepAliveMaxIdleMillis", 5000, 0, 600_000);

    // Shopping.
    /** Think time (uniform) before holding, and again before paying. */
    static final int THINK_MIN_MILLIS = number("floodgate.thinkMinMillis", 1000, 0, 600_000);
    static final int THINK_MAX_MILLIS = number("floodgate.thinkMaxMillis", 4000, 0, 600_000);
    /** Share (percent) of admitted fans who hold tickets and walk away (the hold must expire and be sold again). */
    static final int ABANDON_PERCENT = number("floodgate.abandonPercent", 10, 0, 100);

    // Connections.
    /**
     * Fans come from this many loopback source addresses (127.0.1.1, 127.0.1.2, ...; the whole 127/8 is on loopback
     * here), so each address stays inside the edge's production per-address limit (100/s, burst 200) and the injector
     * has 28,000 ephemeral ports per address. 0: the default address only.
     */
    static final int LOCAL_ADDRESSES = number("floodgate.localAddresses", 250, 0, 65_000);
    static final String LOCAL_ADDRESS_PREFIX = text("floodgate.localAddressPrefix", "127.0.1.");
    /** Comma-separated edges; each fan is pinned to one of them (round robin). Default: {@code floodgate.edgeUrl}. */
    static final List<String> EDGE_URLS = List.of(text("floodgate.edgeUrls", LoadSettings.EDGE_URL).split("\\s*,\\s*"));

    /**
     * A fan refused at the door as sold out comes back after a pause (uniform in this range) while tickets may still
     * come back and its patience ({@code floodgate.maxWaitSeconds}) lasts, as a fan on a sold-out page refreshes.
     */
    static final int SOLD_OUT_RETRY_MIN_MILLIS = number("floodgate.soldOutRetryMinMillis", 15_000, 100, 600_000);
    static final int SOLD_OUT_RETRY_MAX_MILLIS = number("floodgate.soldOutRetryMaxMillis", 45_000, 100, 600_000);

    // Bounds.
    static final int JOIN_P99_MILLIS = number("floodgate.joinP99Millis", 500, 1, 600_000);
    /** Longest time from sell-out to a waiting fan learning SOLD_OUT. */
    static final Duration SOLD_OUT_NOTICE_MAX = Duration.ofSeconds(number("floodgate.soldOutNoticeMaxSeconds", 30, 1, 3600));
    /** How often the watcher reads the event's stock (the resolution of the sell-out moment). */
    static final Duration FIGURES_EVERY = Duration.ofMillis(number("floodgate.figuresPollMillis", 1000, 100, 60_000));

    static int preQueueFans() {
        return (int) ((long) LoadSettings.FANS * PRE_QUEUE_PERCENT / 100);
    }

    static int anonymousCap() {
        return (int) Math.min(ANONYMOUS_MAX, Math.round(LoadSettings.FANS * ANONYMOUS_PERCENT / 100));
    }

    /** 127.0.1.1 ... in order, wrapping into the next octet past .254 (127.0.1.255 is skipped as a broadcast look-alike). */
    static List<String> localAddresses() {
        List<String> out = new ArrayList<>();
        String[] prefix = LOCAL_ADDRESS_PREFIX.split("\\.");
        int a = Integer.parseInt(prefix[0]), b = Integer.parseInt(prefix[1]), c = Integer.parseInt(prefix[2]);
        for (int i = 0; out.size() < LOCAL_ADDRESSES; i++) {
            int host = 1 + i % 254, net = c + i / 254;
            out.add(a + "." + (b + net / 256) + "." + (net % 256) + "." + host);
        }
        return out;
    }

    static String describe() {
        return LoadSettings.FANS + " fans in " + ARRIVAL.toSeconds() + " s (" + preQueueFans() + " in the pre-queue, "
                + "queue opened after " + OPEN_AFTER.toSeconds() + " s), " + LoadSettings.capacity() + " tickets, "
                + LoadSettings.QUANTITY + " per buyer, " + ABANDON_PERCENT + "% abandon, " + LoadSettings.DECLINE_PERCENT
                + "% declined; refused as sold out: join again after " + SOLD_OUT_RETRY_MIN_MILLIS + ".."
                + SOLD_OUT_RETRY_MAX_MILLIS + " ms; identity: test provider " + IDP_ISSUER + ", anonymous share " + ANONYMOUS_PERCENT
                + "% (cap " + ANONYMOUS_MAX + "); " + (LOCAL_ADDRESSES == 0 ? "one source address" : LOCAL_ADDRESSES
                + " source addresses from " + LOCAL_ADDRESS_PREFIX + "1") + "; edges " + EDGE_URLS;
    }

    private static double decimal(String key, double fallback, double min, double max) {
        double value = Double.parseDouble(text(key, Double.toString(fallback)));
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " must be " + min + ".." + max + ", was " + value);
        }
        return value;
    }
}
