package dev.floodgate.edge.fan;

import dev.floodgate.contracts.error.ApiException;

import java.util.Locale;
import java.util.regex.Pattern;

/** {@code POST /api/fans} body. The email is normalised to lower case; the display name is trimmed. */
public record SignUp(String email, String password, String displayName) {
    public static final int MAX_EMAIL_CHARS = 254;
    public static final int MIN_PASSWORD_CHARS = 10;
    public static final int MAX_PASSWORD_CHARS = 256;
    public static final int MAX_DISPLAY_NAME_CHARS = 100;
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+");

    public SignUp {
        email = normaliseEmail(email);
        if (password == null || password.length() < MIN_PASSWORD_CHARS) {
            throw ApiException.badRequest("must be at least " + MIN_PASSWORD_CHARS + " characters", "password");
        }
        if (password.length() > MAX_PASSWORD_CHARS) {
            throw ApiException.badRequest("must be at most " + MAX_PASSWORD_CHARS + " characters", "password");
        }
        displayName = displayName == null ? null : displayName.strip();
        if (displayName == null || displayName.isEmpty() || displayName.length() > MAX_DISPLAY_NAME_CHARS
                || displayName.chars().anyMatch(Character::isISOControl)) {
            throw ApiException.badRequest("must be 1-" + MAX_DISPLAY_NAME_CHARS + " printable characters",
                    "displayName");
        }
    }

    static String normaliseEmail(String raw) {
        String email = raw == null ? "" : raw.strip().toLowerCase(Locale.ROOT);
        if (email.length() > MAX_EMAIL_CHARS || !EMAIL.matcher(email).matches()) {
            throw ApiException.badRequest("not a valid email address", "email");
        }
        return email;
    }

    @Override
    public String toString() {
        return "SignUp[email=" + email + ", displayName=" + displayName + "]";
    }
}
