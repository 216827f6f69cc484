package dev.floodgate.edge.hold;

import dev.floodgate.grid.hold.Hold;

import java.time.Instant;

/** A fan's hold as the API shows it. */
public record HoldView(String holdId, String categoryId, int quantity, String status, Instant expiresAt) {
    static HoldView of(Hold hold) {
        return new HoldView(hold.holdId(), hold.categoryId(), hold.quantity(), hold.status().name(),
                hold.expiresAtMillis() == Long.MAX_VALUE ? null : Instant.ofEpochMilli(hold.expiresAtMillis()));
    }
}
