package dev.floodgate.ops.simulator;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.floodgate.contracts.error.ApiException;
import dev.floodgate.contracts.error.ErrorCode;
import dev.floodgate.ops.simulator.Api.Charge;
import dev.floodgate.ops.simulator.Api.ChargeRequest;
import dev.floodgate.ops.simulator.Api.PaymentMethod;
import dev.floodgate.ops.simulator.Api.PaymentMethodRequest;
import dev.floodgate.ops.simulator.Api.Refund;
import dev.floodgate.ops.simulator.Api.RefundRequest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
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
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * SIMULATOR: the simulated processor's books, in memory and bounded. One lock guards everything, so two requests
 * with the same idempotency key (even concurrent ones) always end in one charge (or one refund): the first creates
 * it, the others get it back. A charge is never refunded beyond its amount, whatever the keys. When full, the oldest entries are forgotten (a real processor keeps idempotency keys for about a day;
 * this one keeps the last {@code maxCharges}).
 *
 * <p>The ledger lives apart from the HTTP server so that a test can take the server down and bring it back with the
 * same books: a processor whose front door failed but whose database did not.
 *
 * <p>Opened on a file ({@link #open}), every change is journalled ({@link LedgerJournal}: one JSON line per payment
 * method, charge or refund made) and a new ledger on the same file replays it, so the books outlive the process too,
 * as a real processor's do. Nothing is answered before the line it depends on is on disk, be it the call that made
 * the change, a replay with the same key or a read. Built with the constructor, the books are in memory only.
 */
public final class Ledger implements AutoCloseable {
    /** Well-known payment-method ids that need no tokenisation call, like a processor's test tokens. */
    public static final Map<String, String> TEST_PAYMENT_METHODS = Map.of(
            "pm_card_visa", TestCards.SUCCEEDS,
            "pm_card_chargeDeclined", TestCards.DECLINED,
            "pm_card_chargeDeclinedInsufficientFunds", TestCards.INSUFFICIENT_FUNDS);

    public static final int DEFAULT_MAX_CHARGES = 100_000;
    public static final int DEFAULT_MAX_PAYMENT_METHODS = 100_000;

    /** One change to the books, as journalled: one JSON line, {@code type} naming which. */
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
    @JsonSubTypes({
            @JsonSubTypes.Type(value = Card.class, name = "paymentMethod"),
            @JsonSubTypes.Type(value = Entry.class, name = "charge"),
            @JsonSubTypes.Type(value = RefundEntry.class, name = "refund")})
    sealed interface Change permits Card, Entry, RefundEntry {
    }

    /** A charge with what created it, so that a replay can be compared with the first request. */
    public record Entry(String idempotencyKey, ChargeRequest request, Charge charge) implements Change {
    }

    /** What {@link #charge} did: created the charge now, or found the one made earlier with the same key. */
    public record Outcome(Charge charge, boolean replayed) {
    }

    /** What {@link #refund} did: refunded now, or found the refund made earlier with the same key. */
    public record RefundOutcome(Refund refund, boolean replayed) {
    }

    record RefundEntry(String idempotencyKey, RefundRequest request, Refund refund) implements Change {
    }

    /** A tokenised card: what it answers, and how charges on it end. The card number itself is never kept. */
    record Card(PaymentMethod method, String declineCode) implements Change {
    }

    private static final System.Logger LOG = System.getLogger(Ledger.class.getName());
    private static final char[] ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();

    private final int maxCharges;
    private final int maxPaymentMethods;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    /** Null: books in memory only. */
    private final LedgerJournal journal;
    private int compactAtLines;

    private final LinkedHashMap<String, Entry> byKey = new LinkedHashMap<>();
    private final Map<String, Entry> byId = new HashMap<>();
    private final Map<String, List<Entry>> byReference = new HashMap<>();
    private final LinkedHashMap<String, Card> cards = new LinkedHashMap<>();
    private final LinkedHashMap<String, RefundEntry> refundsByKey = new LinkedHashMap<>();
    private final Map<String, RefundEntry> refundsById = new HashMap<>();
    private final Map<String, List<RefundEntry>> refundsByCharge = new HashMap<>();

    /** Books in memory only: gone with the process. */
    public Ledger(int maxCharges, int maxPaymentMethods, Clock clock) {
        this(maxCharges, maxPaymentMethods, clock, null);
    }

    private Ledger(int maxCharges, int maxPaymentMethods, Clock clock, Path journalFile) {
        if (maxCharges < 1 || maxPaymentMethods < 1) {
            throw new IllegalArgumentException("simulator ledger bounds must be positive");
        }
        this.maxCharges = maxCharges;
        this.maxPaymentMethods = maxPaymentMethods;
        this.clock = clock;
        if (journalFile == null) {
            this.journal = null;
            return;
        }
        long t0 = System.nanoTime();
        try {
            this.journal = LedgerJournal.open(journalFile, this::apply);
        } catch (IOException e) {
            throw new UncheckedIOException("SIMULATOR: cannot open the ledger " + journalFile, e);
        }
        this.compactAtLines = compactionThresholdLines();
        LOG.log(System.Logger.Level.INFO, String.format("SIMULATOR: ledger %s replayed in %d ms: %d lines, %d charges,"
                        + " %d refunds, %d payment methods remembered", journalFile,
                (System.nanoTime() - t0) / 1_000_000, journal.lines(), byKey.size(), refundsByKey.size(), cards.size()));
        compactIfLarge(); // the bounds may have shrunk since the file was written
    }

    /**
     * Books kept in {@code journalFile} (created if missing, with its folders): what it holds is replayed now, within
     * the bounds given (the oldest beyond them forgotten, as they would have been), and every change is appended.
     */
    public static Ledger open(Path journalFile, int maxCharges, int maxPaymentMethods, Clock clock) {
        return new Ledger(maxCharges, maxPaymentMethods, clock, journalFile);
    }

    public Ledger() {
        this(DEFAULT_MAX_CHARGES, DEFAULT_MAX_PAYMENT_METHODS, Clock.systemUTC());
    }

    public PaymentMethod tokenise(PaymentMethodRequest request) {
        return durably(() -> {
            String number = request.cardNumber();
            PaymentMethod method = new PaymentMethod(newId("pm_"), number.substring(number.length() - 4),
                    TestCards.brand(number));
            record(new Card(method, TestCards.declineCodeFor(number)), "nothing was tokenised");
            return method;
        });
    }

    /**
     * Charges the payment method once per idempotency key. The same key with the same request answers the same
     * charge; the same key with a different request is a 409 and changes nothing.
     */
    public Outcome charge(String idempotencyKey, ChargeRequest request) {
        return charge(idempotencyKey, request, false);
    }

    /** As {@link #charge(String, ChargeRequest)}; {@code randomDecline} declines a good card ({@link Chaos}). */
    public Outcome charge(String idempotencyKey, ChargeRequest request, boolean randomDecline) {
        return durably(() -> chargeOnce(idempotencyKey, request, randomDecline));
    }

    private Outcome chargeOnce(String idempotencyKey, ChargeRequest request, boolean randomDecline) {
        Entry earlier = byKey.get(idempotencyKey);
        if (earlier != null) {
            if (!earlier.request().equals(request)) {
                throw ApiException.of(409, "this Idempotency-Key was used with a different request",
                        "Idempotency-Key").withCode(ErrorCode.IDEMPOTENCY_KEY_REUSED);
            }
            return new Outcome(view(earlier), true);
        }
        Card card = card(request.paymentMethodId())
                .orElseThrow(() -> ApiException.badRequest("no such payment method", "paymentMethodId"));
        String declineCode = card.declineCode() == null && randomDecline ? "card_declined" : card.declineCode();
        Charge charge = new Charge(newId("ch_"), declineCode == null ? Charge.SUCCEEDED : Charge.DECLINED, declineCode,
                request.amountMinor(), request.currency(), request.paymentMethodId(), request.reference(),
                Instant.now(clock).truncatedTo(ChronoUnit.MILLIS), 0);
        record(new Entry(idempotencyKey, request, charge), "nothing was charged");
        return new Outcome(charge, false);
    }

    /**
     * Refunds (part of) a succeeded charge once per idempotency key: the same key with the same request answers the
     * same refund; the same key with a different request is a 409. Unknown charge: 404; a declined one, or more than
     * is left to refund: 400. Nothing changes on an error.
     */
    public RefundOutcome refund(String idempotencyKey, RefundRequest request) {
        return durably(() -> refundOnce(idempotencyKey, request));
    }

    private RefundOutcome refundOnce(String idempotencyKey, RefundRequest request) {
        RefundEntry earlier = refundsByKey.get(idempotencyKey);
        if (earlier != null) {
            if (!earlier.request().equals(request)) {
                throw ApiException.of(409, "this Idempotency-Key was used with a different request",
                        "Idempotency-Key").withCode(ErrorCode.IDEMPOTENCY_KEY_REUSED);
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
        record(new RefundEntry(idempotencyKey, request, refund), "nothing was refunded");
        return new RefundOutcome(refund, false);
    }

    public Optional<Refund> findRefund(String refundId) {
        return durably(() -> Optional.ofNullable(refundsById.get(refundId)).map(RefundEntry::refund));
    }

    public List<Refund> refundsOf(String chargeId) {
        return durably(() -> refundsByCharge.getOrDefault(chargeId, List.of()).stream().map(RefundEntry::refund)
                .toList());
    }

    /** Every refund still remembered, oldest first. */
    public List<Refund> refunds() {
        return durably(() -> refundsByKey.values().stream().map(RefundEntry::refund).toList());
    }

    public Optional<Charge> find(String chargeId) {
        return durably(() -> Optional.ofNullable(byId.get(chargeId)).map(this::view));
    }

    public Optional<Charge> findByIdempotencyKey(String idempotencyKey) {
        return durably(() -> Optional.ofNullable(byKey.get(idempotencyKey)).map(this::view));
    }

    public List<Charge> findByReference(String reference) {
        return durably(() -> byReference.getOrDefault(reference, List.of()).stream().map(this::view).toList());
    }

    /** Every charge still remembered, oldest first. */
    public List<Entry> entries() {
        return durably(() -> List.copyOf(byKey.values()));
    }

    public List<Charge> charges() {
        return durably(() -> byKey.values().stream().map(this::view).toList());
    }

    /** Payment methods still remembered, oldest first (the well-known test tokens are not among them). */
    public List<PaymentMethod> paymentMethods() {
        return durably(() -> cards.values().stream().map(Card::method).toList());
    }

    /** Forgets everything, in the journal too. */
    public synchronized void reset() {
        if (journal != null) {
            try {
                journal.truncate();
            } catch (IOException e) {
                throw unavailable("the books were not reset", e);
            }
        }
        byKey.clear();
        byId.clear();
        byReference.clear();
        cards.clear();
        refundsByKey.clear();
        refundsById.clear();
        refundsByCharge.clear();
    }

    /** Closes the journal (the books in memory stay readable, but no change is taken after this). */
    @Override
    public synchronized void close() {
        if (journal != null) {
            try {
                journal.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "SIMULATOR: closing the ledger failed (every answered change"
                        + " was forced already): " + e);
            }
        }
    }

    /**
     * Runs {@code change} under the one lock, then, outside it, waits until the journal holds every line written
     * so far: nothing is answered (not even a replay or a read of a change another request made) before the change
     * it shows is on disk, while concurrent requests share one force (see {@link LedgerJournal}).
     */
    private <T> T durably(Supplier<T> change) {
        T answer;
        long seenSeq;
        synchronized (this) {
            answer = change.get();
            seenSeq = journal == null ? 0 : journal.appended();
        }
        if (journal != null) {
            try {
                journal.awaitDurable(seenSeq);
            } catch (IOException e) {
                throw unavailable("the answer cannot be made durable; it may or may not be kept", e);
            }
        }
        return answer;
    }

    /** Journals {@code change} (if journalled), then applies it: a change that cannot be written is not made. */
    private void record(Change change, String whenNotWritten) {
        if (journal != null) {
            try {
                journal.append(change);
            } catch (IOException e) {
                throw unavailable(whenNotWritten, e);
            }
        }
        apply(change);
        compactIfLarge();
    }

    /** Puts a change in the books, forgetting the oldest beyond the bounds: the same live or replayed. */
    private void apply(Change change) {
        switch (change) {
            case Card card -> {
                cards.put(card.method().id(), card);
                while (cards.size() > maxPaymentMethods) {
                    Iterator<String> eldest = cards.keySet().iterator();
                    eldest.next();
                    eldest.remove();
                }
            }
            case Entry entry -> {
                byKey.put(entry.idempotencyKey(), entry);
                byId.put(entry.charge().id(), entry);
                if (entry.request().reference() != null) {
                    byReference.computeIfAbsent(entry.request().reference(), r -> new ArrayList<>(1)).add(entry);
                }
                while (byKey.size() > maxCharges) {
                    forgetEldest();
                }
            }
            case RefundEntry entry -> {
                refundsByKey.put(entry.idempotencyKey(), entry);
                refundsById.put(entry.refund().id(), entry);
                refundsByCharge.computeIfAbsent(entry.refund().chargeId(), c -> new ArrayList<>(1)).add(entry);
                while (refundsByKey.size() > maxCharges) {
                    forgetEldestRefund();
                }
            }
        }
    }

    /**
     * Forgotten entries stay in the file until it is rewritten with the live ones. The live ones are at most
     * {@code maxCharges} charges + as many refunds + {@code maxPaymentMethods} cards; rewriting once the file holds
     * twice that keeps it within 2x of the books and costs one rewrite per that many changes (amortised: one line
     * rewritten per line appended). The rewrite runs under the lock: a pause of one sequential write of the live
     * books (~30 MB at the default bounds) once per ~300,000 changes.
     */
    private int compactionThresholdLines() {
        long live = 2L * maxCharges + maxPaymentMethods;
        return (int) Math.min(Integer.MAX_VALUE, 2 * live);
    }

    private void compactIfLarge() {
        if (journal == null || journal.lines() <= compactAtLines) {
            return;
        }
        int before = journal.lines();
        // Per kind, oldest first: forgetting is per kind, so this order replays into the same books.
        List<Change> live = Stream.of(cards.values().stream(), byKey.values().stream(), refundsByKey.values().stream())
                .flatMap(s -> s.map(Change.class::cast)).toList();
        try {
            journal.rewrite(live);
            compactAtLines = compactionThresholdLines();
            LOG.log(System.Logger.Level.INFO, "SIMULATOR: ledger compacted from " + before + " to " + live.size()
                    + " lines");
        } catch (IOException e) {
            // Still correct, only larger: try again after as many changes again.
            compactAtLines = (int) Math.min(Integer.MAX_VALUE, 2L * before);
            LOG.log(System.Logger.Level.WARNING, "SIMULATOR: ledger compaction failed, the file keeps growing: " + e);
        }
    }

    private static ApiException unavailable(String what, IOException cause) {
        LOG.log(System.Logger.Level.ERROR, "SIMULATOR: ledger I/O failed (" + what + "): " + cause);
        return ApiException.of(503, "SIMULATOR ledger could not be written: " + what);
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
