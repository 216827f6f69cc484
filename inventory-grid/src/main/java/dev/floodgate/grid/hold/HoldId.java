package dev.floodgate.grid.hold;

import dev.floodgate.contracts.http.Ids;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;

/**
 * A hold's id names where the hold lives: {@code <categoryId>.<stripe>.<uuid>}. Any member can find the stripe
 * entry of a hold from its id alone, with no index to keep in step.
 */
public record HoldId(String categoryId, int stripe, UUID uuid) {
    public HoldId {
        if (!Ids.isSlug(categoryId) || stripe < 0) {
            throw new IllegalArgumentException("bad hold id parts");
        }
    }

    /** The same fan retrying the same request gets the same id, so a retried hold is found, not doubled. */
    public static HoldId forRequest(String categoryId, int stripe, String fanId, String requestId) {
        UUID uuid = UUID.nameUUIDFromBytes((fanId + '\n' + requestId).getBytes(StandardCharsets.UTF_8));
        return new HoldId(categoryId, stripe, uuid);
    }

    public static Optional<HoldId> parse(String text) {
        if (text == null || text.length() > 120) {
            return Optional.empty();
        }
        String[] parts = text.split("\\.", -1);
        if (parts.length != 3 || !Ids.isSlug(parts[0]) || parts[1].isEmpty() || parts[1].length() > 3
                || !parts[1].chars().allMatch(Character::isDigit) || parts[2].length() != 36) {
            return Optional.empty();
        }
        try {
            return Optional.of(new HoldId(parts[0], Integer.parseInt(parts[1]), UUID.fromString(parts[2])));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return categoryId + "." + stripe + "." + uuid;
    }
}
