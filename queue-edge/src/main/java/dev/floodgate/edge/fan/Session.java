package dev.floodgate.edge.fan;

import java.time.Instant;

/** Answer to sign-up and sign-in: a fan token (audience {@code floodgate-fan}) and who it is for. */
public record Session(String token, String fanId, Instant expiresAt) {
}
