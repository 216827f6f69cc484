package dev.floodgate.ops.simulator;

import dev.floodgate.contracts.error.ApiException;
import dev.floodgate.ops.simulator.Api.Charge;
import dev.floodgate.ops.simulator.Api.ChargeRequest;
import dev.floodgate.ops.simulator.Api.PaymentMethod;
import dev.floodgate.ops.simulator.Api.PaymentMethodRequest;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * SIMULATOR: the simulated processor's books, in memory and bounded. One lock guards everything, so two requests
 * with the same idempotency key (even concurrent ones) always end in one charge: the first creates it, the others
 * get it back. When full, the oldest entries are forgotten (a real processor keeps idempotency keys for about a day;
 * this one keeps the last {@code maxCharges}).
 *
 * <p>The ledger lives apart from the HTTP server so that a test can take the server down and bring it back with the
 * same books: a processor whose front door failed but whose database did not.
 */
public final class Ledger {
    /** Well-known payment-method ids that need no tokenisation call, like a processor's test tokens. */
    public static final Map<String, String> TEST_PAYMENT_METHODS = Map.of(
            "pm_card_visa", TestCards.SUCCEEDS,
            "pm_card_chargeDeclined", TestCards.DECLINED,
            "pm_card_chargeDeclinedInsufficientFunds", TestCards.INSUFFICIENT_FUNDS);

    public static final int DEFAULT_MAX_CHARGES = 100_000;
    public static final int DEFAULT_MAX_PAYMENT_METHODS = 100_000;

    /** A charge with what created it, so that a replay can be compared with the first request. */
    public record Entry(String idempotencyKey, ChargeRequest request, Charge charge) {
    }

    /** What {@link #charge} did: created the charge now, or found the one made earlier with the same key. */
    public record Outcome(Charge charge, boolean replayed) {
    }

    private record Card(PaymentMethod method, String declineCode) {
    }

    private static final char[] ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();

    private final int maxCharges;
    private final int maxPaymentMethods;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    private final LinkedHashMap<String, Entry> byKey = new LinkedHashMap<>();
    private final Map<String, Entry> byId = new HashMap<>();
    private final Map<String, List<Entry>> byReference = new HashMap<>();
    private final LinkedHashMap<String, Card> cards = new LinkedHashMap<>();

    public Ledger(int maxCharges, int maxPaymentMethods, Clock clock) {
        if (maxCharges < 1 || maxPaymentMethods < 1) {
            throw new IllegalArgumentException("simulator ledger bounds must be positive");
        }
        this.maxCharges = maxCharges;
        this.maxPaymentMethods = maxPaymentMethods;
        this.clock = clock;
    }

    public Ledger() {
        this(DEFAULT_MAX_CHARGES, DEFAULT_MAX_PAYMENT_METHODS, Clock.systemUTC());
    }

    public synchronized PaymentMethod tokenise(PaymentMethodRequest request) {
        String number = request.cardNumber();
        PaymentMethod method = new PaymentMethod(newId("pm_"), number.substring(number.length() - 4),
                TestCards.brand(number));
        cards.put(method.id(), new Card(method, TestCards.declineCodeFor(number)));
        while (cards.size() > maxPaymentMethods) {
            Iterator<String> eldest = cards.keySet().iterator();
            eldest.next();
            eldest.remove();
        }
        return method;
    }

    /**
     * Charges the payment method once per idempotency key. The same key with the same request answers the same
     * charge; the same key with a different request is a 409 and changes nothing.
     */
    public synchronized Outcome charge(String idempotencyKey, ChargeRequest request) {
        return charge(idempotencyKey, request, false);
    }

    /** As {@link #charge(String, ChargeRequest)}; {@code randomDecline} declines a good card ({@link Chaos}). */
    public synchronized Outcome charge(String idempotencyKey, ChargeRequest request, boolean randomDecline) {
        Entry earlier = byKey.get(idempotencyKey);
        if (earlier != null) {
            if (!earlier.request().equals(request)) {
                throw ApiException.of(409, "this Idempotency-Key was used with a different request",
                        "Idempotency-Key");
            }
            return new Outcome(earlier.charge(), true);
        }
        Card card = card(request.paymentMethodId())
                .orElseThrow(() -> ApiException.badRequest("no such payment method", "paymentMethodId"));
        String declineCode = card.declineCode() == null && randomDecline ? "card_declined" : card.declineCode();
        Charge charge = new Charge(newId("ch_"), declineCode == null ? Charge.SUCCEEDED : Charge.DECLINED, declineCode,
                request.amountMinor(), request.currency(), request.paymentMethodId(), request.reference(),
                Instant.now(clock).truncatedTo(ChronoUnit.MILLIS));
        Entry entry = new Entry(idempotencyKey, request, charge);
        byKey.put(idempotencyKey, entry);
        byId.put(charge.id(), entry);
        if (request.reference() != null) {
            byReference.computeIfAbsent(request.reference(), r -> new ArrayList<>(1)).add(entry);
        }
        while (byKey.size() > maxCharges) {
            forgetEldest();
        }
        return new Outcome(charge, false);
    }

    public synchronized Optional<Charge> find(String chargeId) {
        return Optional.ofNullable(byId.get(chargeId)).map(Entry::charge);
    }

    public synchronized Optional<Charge> findByIdempotencyKey(String idempotencyKey) {
        return Optional.ofNullable(byKey.get(idempotencyKey)).map(Entry::charge);
    }

    public synchronized List<Charge> findByReference(String reference) {
        return byReference.getOrDefault(reference, List.of()).stream().map(Entry::charge).toList();
    }

    /** Every charge still remembered, oldest first. */
    public synchronized List<Entry> entries() {
        return List.copyOf(byKey.values());
    }

    public synchronized List<Charge> charges() {
        return byKey.values().stream().map(Entry::charge).toList();
    }

    public synchronized void reset() {
        byKey.clear();
        byId.clear();
        byReference.clear();
        cards.clear();
    }

    private Optional<Card> card(String paymentMethodId) {
        Card card = cards.get(paymentMethodId);
        if (card != null) {
            return Optional.of(card);
        }
        String number = TEST_PAYMENT_METHODS.get(paymentMethodId);
        return Optional.ofNullable(number).map(n -> new Card(
                new PaymentMethod(paymentMethodId, n.substring(n.length() - 4), TestCards.brand(n)),
                TestCards.declineCodeFor(n)));
    }

    private void forgetEldest() {
        Iterator<Entry> eldest = byKey.values().iterator();
        Entry entry = eldest.next();
        eldest.remove();
        byId.remove(entry.charge().id());
        String reference = entry.request().reference();
        if (reference != null) {
            List<Entry> same = byReference.get(reference);
            if (same != null) {
                same.remove(entry);
                if (same.isEmpty()) {
                    byReference.remove(reference);
                }
            }
        }
    }

    private String newId(String prefix) {
        StringBuilder id = new StringBuilder(prefix);
        for (int i = 0; i < 24; i++) {
            id.append(ALPHABET[random.nextInt(ALPHABET.length)]);
        }
        return id.toString();
    }
}
