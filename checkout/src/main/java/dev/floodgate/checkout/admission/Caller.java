package dev.floodgate.checkout.admission;

/**
 * Who is calling, as proven by a token queue-edge signed.
 *
 * @param eventId the event an admission token was issued for; null for a plain fan token
 */
public record Caller(String fanId, String eventId) {
}
