package dev.floodgate.edge.hold;

import dev.floodgate.grid.hold.Hold;

import java.time.Instant;
import java.util.List;

/** A fan's hold as the API shows it; {@code seats}: the seat ids of a seated hold, else null. */
public record HoldView(String holdId, String categoryId, int quantity, List<String> seats, String status,
                       Instant expiresAt) {
    static HoldView of(Hold hold) {
        return new HoldView(hold.holdId(), hold.categoryId(), hold.quantity(),
                hold.seats().isEmpty() ? null : hold.seats(), hold.status().name(),
                hold.expiresAtMillis() == Long.MAX_VALUE ? null : Instant.ofEpochMilli(hold.expiresAtMillis()));
    }
}
