package dev.floodgate.grid.hold;

import dev.floodgate.contracts.http.Ids;

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

    /**
     * The same fan retrying the same request gets the same id, so a retried hold is found, not doubled. The 128 bits
     * come from two seeded 64-bit hashes of the fan and request ids: an accidental clash is as unlikely as for a
     * random UUID, at a fraction of the cost of MD5 (this runs on every hold). Ids are not secrets: every use of a
     * hold checks its fan.
     */
    public static HoldId forRequest(String categoryId, int stripe, String fanId, String requestId) {
        long a = 0x9E3779B97F4A7C15L;
        long b = 0xC2B2AE3D27D4EB4FL;
        for (String part : new String[]{fanId, requestId}) {
            for (int i = 0; i < part.length(); i++) {
                char c = part.charAt(i);
                a = (a ^ c) * 0x100000001B3L;
                b = Long.rotateLeft(b ^ (c * 0xFF51AFD7ED558CCDL), 29) * 0xC4CEB9FE1A85EC53L;
            }
            a = (a ^ part.length()) * 0x100000001B3L; // the length ends each part: ("ab","c") is not ("a","bc")
            b = Long.rotateLeft(b ^ part.length(), 29) * 0xC4CEB9FE1A85EC53L;
        }
        return new HoldId(categoryId, stripe, new UUID(mix(a ^ Long.rotateLeft(b, 32)), mix(b + a)));
    }

    /** MurmurHash3's 64-bit finaliser: every input bit reaches every output bit. */
    private static long mix(long x) {
        x = (x ^ (x >>> 33)) * 0xFF51AFD7ED558CCDL;
        x = (x ^ (x >>> 33)) * 0xC4CEB9FE1A85EC53L;
        return x ^ (x >>> 33);
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
