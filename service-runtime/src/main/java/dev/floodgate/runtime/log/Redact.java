package dev.floodgate.runtime.log;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What never reaches a log line in clear: fans' ids are hashed ({@link #fan}) where code logs them, and as a last line
 * of defence every message is {@link #scrub scrubbed} of bearer tokens, JWTs and card numbers (Luhn-valid runs of 13
 * to 19 digits, spaces or dashes between groups allowed).
 */
public final class Redact {
    private static final Pattern BEARER = Pattern.compile("(?i)(bearer|basic)\\s+[A-Za-z0-9._~+/=-]+");
    private static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]*");
    private static final Pattern DIGITS = Pattern.compile("(?<![0-9])[0-9](?:[ -]?[0-9]){12,18}(?![0-9])");

    private Redact() {
    }

    /** A fan id as logs show it: {@code fan:} and 12 hex characters of its SHA-256; the same fan, the same hash. */
    public static String fan(String fanId) {
        if (fanId == null) {
            return "fan:none";
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("floodgate-fan:" + fanId).getBytes(StandardCharsets.UTF_8));
            return "fan:" + HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    /** {@code text} with credentials and card numbers replaced by {@code [redacted]}, {@code [token]}, {@code [card]}. */
    public static String scrub(String text) {
        if (text == null || text.isEmpty() || !mayHoldSecret(text)) {
            return text;
        }
        String out = BEARER.matcher(text).replaceAll("$1 [redacted]");
        out = JWT.matcher(out).replaceAll("[token]");
        Matcher m = DIGITS.matcher(out);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(b, luhn(m.group()) ? "[card]" : Matcher.quoteReplacement(m.group()));
        }
        m.appendTail(b);
        return b.toString();
    }

    /**
     * One pass, no allocation: whether {@code text} has anything the patterns could match (a JWT's {@code eyJ}, the
     * word bearer or basic, or 13+ digits with at most single spaces or dashes between them). Most lines have none,
     * and the regular expressions were most of a log line's cost at the edge's request rates.
     */
    static boolean mayHoldSecret(String text) {
        int digits = 0;
        boolean separator = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                if (++digits >= 13) {
                    return true;
                }
                separator = false;
            } else if ((c == ' ' || c == '-') && digits > 0 && !separator) {
                separator = true;
            } else {
                digits = 0;
                separator = false;
                if ((c == 'e' && text.startsWith("eyJ", i)) || ((c == 'b' || c == 'B')
                        && (text.regionMatches(true, i, "bearer", 0, 6) || text.regionMatches(true, i, "basic", 0, 5)))) {
                    return true;
                }
            }
        }
        return false;
    }

    static boolean luhn(String candidate) {
        int sum = 0;
        boolean twice = false;
        for (int i = candidate.length() - 1; i >= 0; i--) {
            char c = candidate.charAt(i);
            if (c < '0' || c > '9') {
                continue;
            }
            int d = c - '0';
            if (twice) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            twice = !twice;
        }
        return sum % 10 == 0;
    }
}
