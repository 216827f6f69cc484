package dev.floodgate.ops.simulator;

import dev.floodgate.contracts.error.ApiException;
import dev.floodgate.ops.simulator.Api.Charge;
import dev.floodgate.ops.simulator.Api.ChargeRequest;
import dev.floodgate.ops.simulator.Api.PaymentMethod;
import dev.floodgate.ops.simulator.Api.PaymentMethodRequest;
import dev.floodgate.ops.simulator.Api.Refund;
import dev.floodgate.ops.simulator.Api.RefundRequest;

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
 * with the same idempotency key (even concurrent ones) always end in one charge (or one refund): the first creates
 * it, the others get it back. A charge is never refunded beyond its amount, whatever the keys. When full, the oldest entries are forgotten (a real processor keeps idempotency keys for about a day;
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

    /** What {@link #refund} did: refunded now, or found the refund made earlier with the same key. */
    public record RefundOutcome(Refund refund, boolean replayed) {
    }

    private record RefundEntry(String idempotencyKey, RefundRequest request, Refund refund) {
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
    private final LinkedHashMap<String, RefundEntry> refundsByKey = new LinkedHashMap<>();
    private final Map<String, RefundEntry> refundsById = new HashMap<>();
    private final Map<String, List<RefundEntry>> refundsByCharge = new HashMap<>();

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
            return new Outcome(view(earlier), true);
        }
        Card card = card(request.paymentMethodId())
                .orElseThrow(() -> ApiException.badRequest("no such payment method", "paymentMethodId"));
        String declineCode = card.declineCode() == null && randomDecline ? "card_declined" : card.declineCode();
        Charge charge = new Charge(newId("ch_"), declineCode == null ? Charge.SUCCEEDED : Charge.DECLINED, declineCode,
                request.amountMinor(), request.currency(), request.paymentMethodId(), request.reference(),
                Instant.now(clock).truncatedTo(ChronoUnit.MILLIS), 0);
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

    /**
     * Refunds (part of) a succeeded charge once per idempotency key: the same key with the same request answers the
     * same refund; the same key with a different request is a 409. Unknown charge: 404; a declined one, or more than
     * is left to refund: 400. Nothing changes on an error.
     */
    public synchronized RefundOutcome refund(String idempotencyKey, RefundRequest request) {
        RefundEntry earlier = refundsByKey.get(idempotencyKey);
        if (earlier != null) {
            if (!earlier.request().equals(request)) {
                throw ApiException.of(409, "this Idempotency-Key was used with a different request",
                        "Idempotency-Key");
            }
            return new RefundOutcome(earlier.refund(), true);
        }
        Entry charged = byId.get(request.chargeId());
        if (charged == null) {
            throw ApiException.of(404, "no such charge", "chargeId");
        }
        Charge charge = charged.charge();
        if (!Charge.SUCCEEDED.equals(charge.status())) {
            throw ApiException.badRequest("only a succeeded charge can be refunded", "chargeId");
        }
        long left = charge.amountMinor() - refunded(charge.id());
        long amount = request.amountMinor() == null ? left : request.amountMinor();
        if (left == 0) {
            throw ApiException.badRequest("this charge is already refunded in full", "chargeId");
        }
        if (amount > left) {
            throw ApiException.badRequest("only " + left + " minor units are left to refund", "amountMinor");
        }
        Refund refund = new Refund(newId("re_"), charge.id(), Refund.SUCCEEDED, amount, charge.currency(),
                request.reason(), charge.reference(), Instant.now(clock).truncatedTo(ChronoUnit.MILLIS));
        RefundEntry entry = new RefundEntry(idempotencyKey, request, refund);
        refundsByKey.put(idempotencyKey, entry);
        refundsById.put(refund.id(), entry);
        refundsByCharge.computeIfAbsent(charge.id(), c -> new ArrayList<>(1)).add(entry);
        while (refundsByKey.size() > maxCharges) {
            forgetEldestRefund();
        }
        return new RefundOutcome(refund, false);
    }

    public synchronized Optional<Refund> findRefund(String refundId) {
        return Optional.ofNullable(refundsById.get(refundId)).map(RefundEntry::refund);
    }

    public synchronized List<Refund> refundsOf(String chargeId) {
        return refundsByCharge.getOrDefault(chargeId, List.of()).stream().map(RefundEntry::refund).toList();
    }

    /** Every refund still remembered, oldest first. */
    public synchronized List<Refund> refunds() {
        return refundsByKey.values().stream().map(RefundEntry::refund).toList();
    }

    public synchronized Optional<Charge> find(String chargeId) {
        return Optional.ofNullable(byId.get(chargeId)).map(this::view);
    }

    public synchronized Optional<Charge> findByIdempotencyKey(String idempotencyKey) {
        return Optional.ofNullable(byKey.get(idempotencyKey)).map(this::view);
    }

    public synchronized List<Charge> findByReference(String reference) {
        return byReference.getOrDefault(reference, List.of()).stream().map(this::view).toList();
    }

    /** Every charge still remembered, oldest first. */
    public synchronized List<Entry> entries() {
        return List.copyOf(byKey.values());
    }

    public synchronized List<Charge> charges() {
        return byKey.values().stream().map(this::view).toList();
    }

    public synchronized void reset() {
        byKey.clear();
        byId.clear();
        byReference.clear();
        cards.clear();
        refundsByKey.clear();
        refundsById.clear();
        refundsByCharge.clear();
    }

    /** The charge as it stands now: with what was refunded of it. */
    private Charge view(Entry entry) {
        return entry.charge().withAmountRefunded(refunded(entry.charge().id()));
    }

    private long refunded(String chargeId) {
        long total = 0;
        for (RefundEntry r : refundsByCharge.getOrDefault(chargeId, List.of())) {
            total += r.refund().amountMinor();
        }
        return total;
    }

    private void forgetEldestRefund() {
        Iterator<RefundEntry> eldest = refundsByKey.values().iterator();
        RefundEntry entry = eldest.next();
        eldest.remove();
        refundsById.remove(entry.refund().id());
        List<RefundEntry> same = refundsByCharge.get(entry.refund().chargeId());
        if (same != null) {
            same.remove(entry);
            if (same.isEmpty()) {
                refundsByCharge.remove(entry.refund().chargeId());
            }
        }
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
