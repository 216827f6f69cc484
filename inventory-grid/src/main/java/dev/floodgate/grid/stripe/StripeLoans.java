package dev.floodgate.grid.stripe;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A stripe's books of loans to and from the other stripes of its category: the loans it made and its receivers have
 * not confirmed yet, the number of the last loan made to each receiver, and of the last one applied from each donor.
 * Only the books; the stripe moves the units and checks its counters in the same step. Mutable like its stripe, on
 * the partition thread only.
 */
final class StripeLoans {
    /** Loans not yet confirmed by their receiver, in the order they were made. */
    private final List<Transfer> outbound;
    /** Per receiver stripe: the number of the last loan made to it. */
    private final Map<Integer, Long> lastLentTo;
    /** Per donor stripe: the number of the last loan applied from it. */
    private final Map<Integer, Long> lastAppliedFrom;

    StripeLoans(List<Transfer> outbound, Map<Integer, Long> lastLentTo, Map<Integer, Long> lastAppliedFrom) {
        this.outbound = new ArrayList<>(outbound);
        this.lastLentTo = new TreeMap<>(lastLentTo);
        this.lastAppliedFrom = new TreeMap<>(lastAppliedFrom);
    }

    /** Books a new loan of {@code units} to {@code receiver}; answers its number. */
    long lend(int receiver, int units) {
        long seq = lastLentTo.getOrDefault(receiver, 0L) + 1;
        lastLentTo.put(receiver, seq);
        outbound.add(new Transfer(receiver, seq, units));
        return seq;
    }

    /** The loans to {@code receiver} not confirmed yet, with {@code given} units lent just now. */
    Lent pendingTo(int receiver, int given) {
        List<Transfer> pending = outbound.stream().filter(t -> t.receiver() == receiver).toList();
        long[] seqs = new long[pending.size()];
        int[] units = new int[pending.size()];
        for (int i = 0; i < seqs.length; i++) {
            seqs[i] = pending.get(i).seq();
            units[i] = pending.get(i).units();
        }
        return new Lent(given, seqs, units);
    }

    List<Integer> pendingReceivers() {
        return outbound.stream().map(Transfer::receiver).distinct().toList();
    }

    /**
     * The loans of {@code donor} to apply: those numbered above the last one applied, in order, up to a gap. Books
     * them as applied and answers {last number applied, units to add}.
     */
    long[] receive(int donor, long[] seqs, int[] units) {
        long last = lastAppliedFrom.getOrDefault(donor, 0L);
        long before = last;
        long added = 0;
        for (int i = 0; i < seqs.length; i++) {
            if (seqs[i] <= last) {
                continue;
            }
            if (seqs[i] != last + 1) {
                break;
            }
            added += units[i];
            last = seqs[i];
        }
        if (last != before) {
            lastAppliedFrom.put(donor, last);
        }
        return new long[] {last, added};
    }

    /** Forgets the loans to {@code receiver} numbered up to {@code upTo}: the receiver has them. */
    boolean settle(int receiver, long upTo) {
        return outbound.removeIf(t -> t.receiver() == receiver && t.seq() <= upTo);
    }

    /** Units lent and not yet confirmed: still available stock, in transit. */
    int inFlight() {
        int units = 0;
        for (Transfer t : outbound) {
            units += t.units();
        }
        return units;
    }

    List<Transfer> outbound() {
        return outbound;
    }

    Map<Integer, Long> lastLentTo() {
        return lastLentTo;
    }

    Map<Integer, Long> lastAppliedFrom() {
        return lastAppliedFrom;
    }
}
