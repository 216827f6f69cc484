package dev.floodgate.loadtests;

import java.time.Duration;
import java.util.Locale;

/**
 * Every knob of the simulations, read once from system properties ({@code -Dfloodgate.fans=300}) with defaults for
 * the local stack. One place, so the simulations agree on URLs, credentials and the event they create.
 */
final class LoadSettings {
    static final String EDGE_URL = text("floodgate.edgeUrl", "http://127.0.0.1:8080");
    static final String CHECKOUT_URL = text("floodgate.checkoutUrl", "http://127.0.0.1:8081");
    static final String PROVIDER_URL = text("floodgate.providerUrl", "http://127.0.0.1:8090");
    /** The payment-worker, for the payment audit ({@code GET /api/operator/audit}). */
    static final String WORKER_URL = text("floodgate.workerUrl", "http://127.0.0.1:8082");
    static final String OPERATOR_USER = text("floodgate.operatorUser", "operator");
    static final String OPERATOR_PASSWORD = text("floodgate.operatorPassword", "floodgate-local");

    /** A fresh event per run (so a run is repeatable and its figures are only this run's): prefix + start time. */
    static final String EVENT_ID = text("floodgate.eventPrefix", "load") + "-"
            + Long.toString(System.currentTimeMillis(), 36).toLowerCase(Locale.ROOT);

    // The event's shape.
    static final int STANDING_CAPACITY = number("floodgate.capacity", 100, 1, 10_000_000);
    /** Numbered seats: sections A, B, ... of rows x seatsPerRow; 0 sections = no seated category. */
    static final int SEATED_SECTIONS = number("floodgate.seatedSections", 2, 0, 26);
    static final int SEATED_ROWS = number("floodgate.seatedRows", 5, 1, 100);
    static final int SEATS_PER_ROW = number("floodgate.seatsPerRow", 10, 1, 100);
    static final int RATE_PER_MINUTE = number("floodgate.ratePerMinute", 1200, 1, 1_000_000);
    static final int BATCH_SIZE = number("floodgate.batchSize", 20, 1, 10_000);
    static final int HOLD_TTL_SECONDS = number("floodgate.holdTtlSeconds", 600, 1, 3600);
    static final int MAX_PER_FAN = number("floodgate.maxPerFan", 4, 1, 10);
    /** Tickets each buying fan asks for. */
    static final int QUANTITY = number("floodgate.quantity", 2, 1, 10);

    // The crowd.
    static final int FANS = number("floodgate.fans", 200, 1, 1_000_000);
    static final Duration RAMP = Duration.ofSeconds(number("floodgate.rampSeconds", 10, 0, 3600));
    static final Duration MAX_QUEUE_WAIT = Duration.ofSeconds(number("floodgate.maxWaitSeconds", 120, 1, 7200));
    static final Duration POLL = Duration.ofMillis(number("floodgate.pollMillis", 1000, 100, 60_000));
    static final Duration MAX_ORDER_WAIT = Duration.ofSeconds(number("floodgate.maxOrderWaitSeconds", 60, 1, 3600));
    /** How long the closing audit waits for holds to clear (expired holds return within hold TTL + sweep). */
    static final Duration AUDIT_WAIT = Duration.ofSeconds(number("floodgate.auditWaitSeconds", 60, 0, 7200));
    /** How often a request answered 429 is retried (after its Retry-After) before the fan gives up. */
    static final int MAX_RETRIES = number("floodgate.maxRetries", 10, 0, 100);
    /** Share (percent) of buyers who pick named seats from the seat map, the rest buy standing. */
    static final int SEAT_PICK_PERCENT = number("floodgate.seatPickPercent", 30, 0, 100);
    /** Share (percent) of buyers paying with the card the simulator declines. */
    static final int DECLINE_PERCENT = number("floodgate.declinePercent", 10, 0, 100);
    /** Share (percent) of buyers who send their order twice with the same idempotency key (a double click). */
    static final int REPEAT_ORDER_PERCENT = number("floodgate.repeatOrderPercent", 10, 0, 100);

    // Soak: a steady arrival rate; admitted fans buy, leave or let their hold expire.
    static final double ARRIVALS_PER_SECOND = Double.parseDouble(text("floodgate.arrivalsPerSecond", "3"));
    static final Duration SOAK_DURATION = Duration.ofSeconds(number("floodgate.durationSeconds", 60, 1, 86_400));
    static final int BUY_PERCENT = number("floodgate.buyPercent", 50, 0, 100);
    static final int LEAVE_PERCENT = number("floodgate.leavePercent", 25, 0, 100);

    // Assertion bounds.
    static final int STATUS_P99_MILLIS = number("floodgate.statusP99Millis", 500, 1, 600_000);
    static final int ORDER_P99_MILLIS = number("floodgate.orderP99Millis", 1000, 1, 600_000);
    static final int GLOBAL_P99_MILLIS = number("floodgate.globalP99Millis", 2000, 1, 600_000);
    static final double MAX_ERROR_PERCENT = Double.parseDouble(text("floodgate.maxErrorPercent", "1.0"));

    static final String PAYING_CARD = "4242424242424242";
    static final String DECLINED_CARD = "4000000000000002";

    private LoadSettings() {
    }

    static int seatedCapacity() {
        return SEATED_SECTIONS * SEATED_ROWS * SEATS_PER_ROW;
    }

    static int capacity() {
        return STANDING_CAPACITY + seatedCapacity();
    }

    static String describe() {
        return "event " + EVENT_ID + " (" + STANDING_CAPACITY + " standing + " + seatedCapacity() + " seated, "
                + RATE_PER_MINUTE + "/min in batches of " + BATCH_SIZE + ", hold " + HOLD_TTL_SECONDS + " s) at "
                + EDGE_URL + ", checkout " + CHECKOUT_URL + ", provider " + PROVIDER_URL;
    }

    static String text(String key, String fallback) {
        String value = System.getProperty(key);
        return value == null || value.isBlank() ? fallback : value.strip();
    }

    static int number(String key, int fallback, int min, int max) {
        int value = Integer.parseInt(text(key, Integer.toString(fallback)));
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " must be " + min + ".." + max + ", was " + value);
        }
        return value;
    }
}
