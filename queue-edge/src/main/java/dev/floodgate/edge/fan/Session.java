package dev.floodgate.edge.fan;

import java.time.Instant;

/**
 * Answer to sign-up, sign-in and renewal: a short-lived fan token (audience {@code floodgate-fan}) for the APIs, and
 * the refresh token that renews it ({@code POST /api/sessions/refresh}).
 */
public record Session(String token, String fanId, Instant expiresAt, String refreshToken, Instant refreshExpiresAt) {
    @Override
    public String toString() {
        return "Session[fanId=" + fanId + ", expiresAt=" + expiresAt + ", refreshExpiresAt=" + refreshExpiresAt + "]";
    }
}
