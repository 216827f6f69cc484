package dev.floodgate.edge.fan;

import java.time.Instant;

/** A refresh token as handed to the fan: the secret (shown once, stored only hashed) and when it stops renewing. */
public record RefreshToken(String secret, Instant expiresAt) {
    @Override
    public String toString() {
        return "RefreshToken[expiresAt=" + expiresAt + "]";
    }
}
