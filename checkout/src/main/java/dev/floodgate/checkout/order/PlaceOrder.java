package dev.floodgate.checkout.order;

import dev.floodgate.contracts.error.ApiException;
import dev.floodgate.contracts.http.Ids;

import java.util.regex.Pattern;

/**
 * A fan's request to buy what a hold holds. The card itself never reaches Floodgate: the page tokenises it with the
 * payment provider and sends the provider's payment-method id.
 */
public record PlaceOrder(String eventId, String holdId, String paymentMethodId, Buyer buyer) {
    private static final Pattern PAYMENT_METHOD = Pattern.compile("pm_[A-Za-z0-9]{1,64}");

    public PlaceOrder {
        Ids.slug(eventId, "eventId");
        if (holdId == null || holdId.isBlank() || holdId.length() > 120) {
            throw ApiException.badRequest("a hold id is required", "holdId");
        }
        if (paymentMethodId == null || !PAYMENT_METHOD.matcher(paymentMethodId).matches()) {
            throw ApiException.badRequest("a payment method id from the payment provider is required", "paymentMethodId");
        }
        if (buyer == null) {
            throw ApiException.badRequest("buyer details are required", "buyer");
        }
    }

    public record Buyer(String name, String email) {
        private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]{1,190}\\.[^@\\s.]{2,}");

        public Buyer {
            if (name == null || name.isBlank() || name.length() > 200) {
                throw ApiException.badRequest("name must be 1-200 characters", "buyer.name");
            }
            if (email == null || email.length() > 254 || !EMAIL.matcher(email).matches()) {
                throw ApiException.badRequest("a valid email address is required", "buyer.email");
            }
            name = name.strip();
            email = email.strip().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
