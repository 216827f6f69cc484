package dev.floodgate.edge.fan;

import dev.floodgate.contracts.error.ApiException;

/** {@code POST /api/sessions/refresh} body. Its form is checked when it is used (a bad token is a 401, not a 400). */
public record Refresh(String refreshToken) {
    public Refresh {
        if (refreshToken == null || refreshToken.isEmpty()) {
            throw ApiException.badRequest("is required", "refreshToken");
        }
    }

    @Override
    public String toString() {
        return "Refresh[]";
    }
}
