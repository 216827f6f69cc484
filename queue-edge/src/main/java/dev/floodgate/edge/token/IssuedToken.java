package dev.floodgate.edge.token;

import java.time.Instant;

/** A signed compact token and when it stops being valid. */
public record IssuedToken(String token, Instant expiresAt) {
}
