package dev.floodgate.contracts.http;

import dev.floodgate.contracts.error.ApiException;

import java.util.UUID;
import java.util.regex.Pattern;

/** Parsing of ids that arrive in paths and bodies: a malformed id is the client's mistake (400), never a 500. */
public final class Ids {
    /** Human-chosen ids (event and category slugs): lower-case letters, digits and dashes, 1..64 characters. */
    private static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");

    private Ids() {
    }

    public static UUID uuid(String raw, String field) {
        if (raw == null || raw.length() != 36) {
            throw ApiException.badRequest("not a valid id", field);
        }
        try {
            return UUID.fromString(raw);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("not a valid id", field);
        }
    }

    public static String slug(String raw, String field) {
        if (raw == null || !SLUG.matcher(raw).matches()) {
            throw ApiException.badRequest("must be 1-64 lower-case letters, digits or dashes", field);
        }
        return raw;
    }

    public static boolean isSlug(String raw) {
        return raw != null && SLUG.matcher(raw).matches();
    }
}
