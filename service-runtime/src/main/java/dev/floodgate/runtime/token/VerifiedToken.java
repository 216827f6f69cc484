package dev.floodgate.runtime.token;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** What a verified token says: who (subject), for what (audience), until when, and its string claims. */
public record VerifiedToken(String subject, String audience, Instant expiresAt, Map<String, String> claims) {
    public VerifiedToken {
        claims = Map.copyOf(claims);
    }

    public Optional<String> claim(String name) {
        return Optional.ofNullable(claims.get(name));
    }
}
