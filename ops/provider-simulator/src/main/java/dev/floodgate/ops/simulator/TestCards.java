package dev.floodgate.ops.simulator;

import java.util.Map;

/**
 * SIMULATOR: the card numbers the simulated processor knows, the Luhn check, and the brand guess. Every other number
 * that passes Luhn is approved, like a processor's test mode.
 */
public final class TestCards {
    public static final String SUCCEEDS = "4242424242424242";
    public static final String DECLINED = "4000000000000002";
    public static final String INSUFFICIENT_FUNDS = "4000000000009995";

    /** Decline code by card number; cards not listed succeed. */
    private static final Map<String, String> DECLINES = Map.of(
            DECLINED, "card_declined",
            INSUFFICIENT_FUNDS, "insufficient_funds");

    private TestCards() {
    }

    /** The decline code the card will always get, or null when its charges succeed. */
    public static String declineCodeFor(String cardNumber) {
        return DECLINES.get(cardNumber);
    }

    public static boolean passesLuhn(String digits) {
        if (digits == null || digits.length() < 12 || digits.length() > 19) {
            return false;
        }
        int sum = 0;
        boolean doubleIt = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
            int d = c - '0';
            if (doubleIt) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            doubleIt = !doubleIt;
        }
        return sum % 10 == 0;
    }

    public static String brand(String cardNumber) {
        if (cardNumber.startsWith("4")) {
            return "visa";
        }
        if (cardNumber.startsWith("34") || cardNumber.startsWith("37")) {
            return "amex";
        }
        int two = Integer.parseInt(cardNumber.substring(0, 2));
        int four = Integer.parseInt(cardNumber.substring(0, 4));
        if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) {
            return "mastercard";
        }
        return "unknown";
    }
}
