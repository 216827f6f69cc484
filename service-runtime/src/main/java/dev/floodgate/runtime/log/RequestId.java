package dev.floodgate.runtime.log;

import java.security.SecureRandom;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * The request id that ties one request's log lines together, across services: taken from a caller's
 * {@value #HEADER} when it is well-formed, else made here; answered in the same header; carried to the payment
 * request's Pulsar message (property {@value #MESSAGE_PROPERTY}) and from the worker to the provider.
 *
 * <p>In scope for the thread handling the request ({@link #current()}): Helidon SE runs a request's filters and handler
 * on one virtual thread, and the payment-worker sets it around each message it processes.
 */
public final class RequestId {
    public static final String HEADER = "X-Request-Id";
    public static final String MESSAGE_PROPERTY = "requestId";
    /** Longer ids are replaced rather than logged: a client must not be able to bloat every log line. */
    public static final int MAX_LENGTH = 64;

    private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();

    private RequestId() {
    }

    /** The caller's id when it is 1..{@value #MAX_LENGTH} of {@code [A-Za-z0-9._:-]}, else a new one. */
    public static String acceptOrNew(String candidate) {
        return isWellFormed(candidate) ? candidate : newId();
    }

    public static boolean isWellFormed(String candidate) {
        if (candidate == null || candidate.isEmpty() || candidate.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < candidate.length(); i++) {
            char c = candidate.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == ':' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** 20 characters of Crockford base32 from a secure random source (100 bits: no collisions in practice). */
    public static String newId() {
        byte[] bytes = new byte[20];
        RANDOM.nextBytes(bytes);
        char[] out = new char[20];
        for (int i = 0; i < out.length; i++) {
            out[i] = ALPHABET[bytes[i] & 31];
        }
        return new String(out);
    }

    /** The id of the request or message this thread is handling now, if any. */
    public static Optional<String> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    /** Runs {@code work} with {@code id} in scope (none when {@code id} is null), restoring the previous one after. */
    public static <T> T with(String id, Callable<T> work) throws Exception {
        String previous = CURRENT.get();
        set(id);
        try {
            return work.call();
        } finally {
            set(previous);
        }
    }

    /** As {@link #with(String, Callable)}, for work that throws nothing checked. */
    public static void run(String id, Runnable work) {
        String previous = CURRENT.get();
        set(id);
        try {
            work.run();
        } finally {
            set(previous);
        }
    }

    private static void set(String id) {
        if (id == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(id);
        }
    }
}
