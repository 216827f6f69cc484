package dev.floodgate.edge.challenge;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.floodgate.contracts.error.ApiException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/**
 * What an anonymous place costs its taker: a proof of work. The edge hands out a challenge that needs no storage
 * (the event, the difficulty, an expiry and a random part, signed with an HMAC key every edge of the grid shares);
 * the visitor finds a nonce such that SHA-256(challenge + ":" + nonce) starts with {@code difficultyBits} zero bits
 * (2^bits hashes on average) and joins with it. Each challenge is accepted once, grid-wide (a spent-set entry lives
 * until the challenge would have expired anyway). Difficulty is per event, 0 (off) by default; signed-in fans never
 * solve one.
 */
public final class ProofOfWork {
    public static final String ALGORITHM = "sha256-leading-zero-bits";
    public static final int MAX_DIFFICULTY_BITS = 32;
    /** Grid maps: the shared HMAC key, per-event difficulties, spent challenges. */
    static final String SECRET_MAP = "floodgate-challenge-secret";
    static final String DIFFICULTY_MAP = "floodgate-challenge-difficulty";
    static final String SPENT_MAP = "floodgate-challenge-spent";
    static final int MAX_CHALLENGE_CHARS = 300;
    static final int MAX_NONCE_CHARS = 20;
    private static final int MAC_BYTES = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A challenge as the edge hands it out. */
    public record Challenge(String challenge, int difficultyBits, String algorithm, Instant expiresAt) {
    }

    private final IMap<String, Integer> difficulties;
    private final IMap<String, Boolean> spent;
    private final byte[] key;
    private final Clock clock;
    private final Duration ttl;
    private final int defaultDifficultyBits;

    /**
     * @param secret HMAC key from configuration ({@code challenge.secret}), or null: a random key kept in the grid,
     *               created by the first edge that needs it, so every edge verifies every other edge's challenges
     */
    public ProofOfWork(HazelcastInstance hz, Clock clock, Duration ttl, int defaultDifficultyBits, String secret) {
        checkDifficulty(defaultDifficultyBits);
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("challenge.ttl-millis must be 1..3600000");
        }
        this.difficulties = hz.getMap(DIFFICULTY_MAP);
        this.spent = hz.getMap(SPENT_MAP);
        this.clock = clock;
        this.ttl = ttl;
        this.defaultDifficultyBits = defaultDifficultyBits;
        this.key = secret != null && !secret.isBlank() ? secret.getBytes(StandardCharsets.UTF_8) : gridKey(hz);
    }

    private static byte[] gridKey(HazelcastInstance hz) {
        IMap<String, String> secrets = hz.getMap(SECRET_MAP);
        byte[] fresh = new byte[32];
        RANDOM.nextBytes(fresh);
        String mine = Base64.getEncoder().encodeToString(fresh);
        String kept = secrets.putIfAbsent("hmac", mine);
        return Base64.getDecoder().decode(kept != null ? kept : mine);
    }

    /** The event's difficulty now: the operator's setting, else the default. */
    public int difficultyBits(String eventId) {
        Integer set = difficulties.get(eventId);
        return set != null ? set : defaultDifficultyBits;
    }

    public void setDifficultyBits(String eventId, int bits) {
        checkDifficulty(bits);
        difficulties.set(eventId, bits);
    }

    /** A new challenge for the event (nothing is stored). */
    public Challenge issue(String eventId) {
        int bits = difficultyBits(eventId);
        Instant expires = clock.instant().plus(ttl).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        byte[] nonce = new byte[12];
        RANDOM.nextBytes(nonce);
        String payload = eventId + "|" + bits + "|" + expires.toEpochMilli() + "|" + HexFormat.of().formatHex(nonce);
        String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8));
        return new Challenge(encoded + "." + mac(encoded), bits, ALGORITHM, expires);
    }

    /**
     * Accepts a solved challenge for the event once, or throws: 400 when the proof is missing or malformed, 403 when
     * it is wrong, stale, for another event, easier than the event asks now, or already used. With difficulty 0
     * nothing is asked.
     */
    public void verify(String eventId, String challenge, String nonce) {
        int required = difficultyBits(eventId);
        if (required == 0) {
            return;
        }
        if (challenge == null || challenge.isBlank() || challenge.length() > MAX_CHALLENGE_CHARS) {
            throw ApiException.badRequest("this event asks for a solved challenge (POST .../queue/challenge)",
                    "challenge");
        }
        if (nonce == null || nonce.isEmpty() || nonce.length() > MAX_NONCE_CHARS || !nonce.chars().allMatch(
                c -> c >= '0' && c <= '9')) {
            throw ApiException.badRequest("nonce must be 1.." + MAX_NONCE_CHARS + " decimal digits", "nonce");
        }
        int dot = challenge.indexOf('.');
        if (dot < 1 || !MessageDigest.isEqual(mac(challenge.substring(0, dot)).getBytes(StandardCharsets.US_ASCII),
                challenge.substring(dot + 1).getBytes(StandardCharsets.US_ASCII))) {
            throw ApiException.forbidden("not a challenge of this service");
        }
        String[] parts = new String(Base64.getUrlDecoder().decode(challenge.substring(0, dot)), StandardCharsets.UTF_8)
                .split("\\|");
        if (parts.length != 4 || !parts[0].equals(eventId)) {
            throw ApiException.forbidden("this challenge is for another event");
        }
        int bits = Integer.parseInt(parts[1]);
        long expiresAt = Long.parseLong(parts[2]);
        long left = expiresAt - clock.millis();
        if (left <= 0) {
            throw ApiException.forbidden("this challenge has expired: ask for a new one");
        }
        if (bits < required) {
            throw ApiException.forbidden("this challenge is easier than the event asks now: ask for a new one");
        }
        if (leadingZeroBits(hash(challenge, nonce)) < bits) {
            throw ApiException.forbidden("wrong solution");
        }
        // Spent only once it is right: a wrong guess cannot burn someone else's challenge.
        if (spent.putIfAbsent(challenge, Boolean.TRUE, left, TimeUnit.MILLISECONDS) != null) {
            throw ApiException.forbidden("this challenge was already used");
        }
    }

    /** Finds a nonce for {@code challenge} (clients, load tests and tests; 2^bits hashes on average). */
    public static String solve(String challenge, int difficultyBits) {
        for (long n = 0; ; n++) {
            String nonce = Long.toString(n);
            if (leadingZeroBits(hash(challenge, nonce)) >= difficultyBits) {
                return nonce;
            }
        }
    }

    static byte[] hash(String challenge, String nonce) {
        try {
            return MessageDigest.getInstance("SHA-256").digest((challenge + ":" + nonce)
                    .getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    static int leadingZeroBits(byte[] digest) {
        int bits = 0;
        for (byte b : digest) {
            if (b == 0) {
                bits += 8;
                continue;
            }
            return bits + Integer.numberOfLeadingZeros(b & 0xff) - 24;
        }
        return bits;
    }

    private String mac(String encodedPayload) {
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] full = hmac.doFinal(encodedPayload.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(full, MAC_BYTES));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static void checkDifficulty(int bits) {
        if (bits < 0 || bits > MAX_DIFFICULTY_BITS) {
            throw new IllegalArgumentException("difficulty must be 0.." + MAX_DIFFICULTY_BITS + " bits");
        }
    }
}
