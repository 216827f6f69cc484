package dev.floodgate.edge.queue;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.floodgate.contracts.error.ApiException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Short-lived, single-use tickets that open one fan's status stream of one event
 * ({@code GET .../queue/stream?ticket=...}), for clients that cannot send an {@code Authorization} header (a
 * browser's {@code EventSource}). The long-lived fan token never goes into a URL; the ticket does, so it is worth
 * little: random (256 bits), valid {@link #VALIDITY}, bound to the fan and the event, and spent by the first stream
 * it opens (a reconnect asks for a new one).
 *
 * <p>Stored in the grid (any edge redeems what another issued) under the SHA-256 of the ticket, so whoever reads the
 * grid cannot use what is stored; the value is {@code eventId \n fanId \n expiresAtMillis}. The grid entry lives a
 * little longer than the ticket (its own TTL cleans up what was never used); the expiry checked is the edge's clock.
 */
public final class StreamTickets {
    public static final String MAP = "floodgate-stream-tickets";
    public static final Duration VALIDITY = Duration.ofSeconds(60);
    /** A ticket is 43 base64url characters; anything much longer is not worth hashing. */
    static final int MAX_TICKET_CHARS = 100;
    private static final Duration GRID_SLACK = Duration.ofSeconds(10);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final IMap<String, String> tickets;
    private final LongSupplier clockMillis;

    public StreamTickets(HazelcastInstance hz, LongSupplier clockMillis) {
        this.tickets = hz.getMap(MAP);
        this.clockMillis = clockMillis;
    }

    /** A new ticket for this fan's stream of this event. */
    public Issued issue(String eventId, String fanId) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String ticket = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        long expiresAt = clockMillis.getAsLong() + VALIDITY.toMillis();
        tickets.set(key(ticket), eventId + '\n' + fanId + '\n' + expiresAt,
                VALIDITY.plus(GRID_SLACK).toMillis(), TimeUnit.MILLISECONDS);
        return new Issued(ticket, Instant.ofEpochMilli(expiresAt));
    }

    /**
     * Spends the ticket and answers the fan it speaks for: 401 when unknown, already used or expired, 403 when it
     * was issued for another event (it is spent all the same).
     */
    public String redeem(String ticket, String eventId) {
        if (ticket == null || ticket.isEmpty() || ticket.length() > MAX_TICKET_CHARS) {
            throw rejected();
        }
        String grant = tickets.remove(key(ticket));
        if (grant == null) {
            throw rejected();
        }
        String[] parts = grant.split("\n", 3);
        if (parts.length != 3 || clockMillis.getAsLong() >= Long.parseLong(parts[2])) {
            throw rejected();
        }
        if (!parts[0].equals(eventId)) {
            throw ApiException.forbidden("this stream ticket is for another event");
        }
        return parts[1];
    }

    private static ApiException rejected() {
        return ApiException.unauthorized("stream ticket rejected: unknown, already used or expired (ask for a new "
                + "one with POST .../queue/stream-ticket)");
    }

    private static String key(String ticket) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(ticket.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Body of {@code POST .../queue/stream-ticket}. */
    public record Issued(String ticket, Instant expiresAt) {
    }
}
