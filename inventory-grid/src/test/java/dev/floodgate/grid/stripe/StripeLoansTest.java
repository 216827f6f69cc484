package dev.floodgate.grid.stripe;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Loans between two stripes of one category, step by step as the grid makes them: units move exactly once however
 * often a step is repeated, and the category's counters add up at every step.
 */
class StripeLoansTest {
    private static final StockKey DONOR = new StockKey("gig", "ga", 0);
    private static final StockKey RECEIVER = new StockKey("gig", "ga", 1);

    private static StockCounters category(Stripe a, Stripe b) {
        return a.counters().plus(b.counters());
    }

    @Test
    void aLoanMovesItsUnitsOnceAndTheCategoryAddsUpAtEveryStep() {
        Stripe donor = Stripe.empty(DONOR, 10);
        Stripe receiver = Stripe.empty(RECEIVER, 0);
        StockCounters before = category(donor, receiver);

        Lent lent = donor.lend("op-1", 1, 4);
        assertThat(lent.given()).isEqualTo(4);
        assertThat(donor.inFlight()).isEqualTo(4);
        assertThat(category(donor, receiver)).isEqualTo(before); // in flight counts as the donor's, available

        long last = receiver.receive(0, lent.seqs(), lent.units());
        assertThat(receiver.receive(0, lent.seqs(), lent.units())).isEqualTo(last); // delivered twice: once
        assertThat(receiver.counters()).isEqualTo(new StockCounters(4, 4, 0, 0));
        assertThat(donor.settle(1, last)).isTrue();
        assertThat(donor.settle(1, last)).isFalse();
        assertThat(donor.inFlight()).isZero();
        assertThat(category(donor, receiver)).isEqualTo(before);
        assertThat(donor.counters()).isEqualTo(new StockCounters(6, 6, 0, 0));
    }

    @Test
    void aRetriedLendGivesNothingMoreAndAnswersThePendingLoans() {
        Stripe donor = Stripe.empty(DONOR, 10);
        Lent first = donor.lend("op-1", 1, 3);
        Lent again = donor.lend("op-1", 1, 3);
        assertThat(again.given()).isZero();
        assertThat(again.seqs()).containsExactly(first.seqs());
        assertThat(donor.counters()).isEqualTo(new StockCounters(10, 10, 0, 0));
        assertThat(donor.pendingReceivers()).containsExactly(1);
    }

    @Test
    void aReceiverAppliesLoansInOrderAndStopsAtAGap() {
        Stripe donor = Stripe.empty(DONOR, 10);
        donor.lend("op-1", 1, 1);
        donor.lend("op-2", 1, 2);
        Lent both = donor.lend("op-3", 1, 3);
        Stripe receiver = Stripe.empty(RECEIVER, 0);
        // Loan 1 lost on the way: nothing after it may land first.
        assertThat(receiver.receive(0, new long[] {2, 3}, new int[] {2, 3})).isZero();
        assertThat(receiver.counters().capacity()).isZero();
        assertThat(receiver.receive(0, both.seqs(), both.units())).isEqualTo(3);
        assertThat(receiver.counters()).isEqualTo(new StockCounters(6, 6, 0, 0));
    }

    @Test
    void aStripeLendsOnlyWhatIsAvailableAndNeverToItselfOrFromASeatedSection() {
        Stripe donor = Stripe.empty(DONOR, 3);
        donor.take("h1", "fan-1", 2, Long.MAX_VALUE - 1);
        assertThat(donor.lend("op-1", 1, 5).given()).isEqualTo(1);
        assertThat(donor.lend("op-2", 1, 5).given()).isZero();
        assertThat(donor.lend("op-3", 0, 5).given()).isZero();
        Stripe section = Stripe.seated(new StockKey("gig", "stalls", 0), new String[] {"A-1-1", "A-1-2"});
        assertThat(section.lend("op-4", 1, 1).given()).isZero();
    }
}
