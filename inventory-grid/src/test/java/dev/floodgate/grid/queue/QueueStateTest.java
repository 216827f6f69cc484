package dev.floodgate.grid.queue;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The admission arithmetic of one queue, without a grid: rate, batches, caps and moves. */
class QueueStateTest {
    private static final long T0 = 1_000_000;

    private static final long WINDOW = 600_000;

    private static QueueState pre(String eventId, int rate, int batch) {
        return QueueState.preQueue(eventId, rate, batch, 0, WINDOW, new byte[32]);
    }

    /** 60 fans a minute in batches of 10: one batch every 10 s. */
    private static QueueState openWith(int fans) {
        QueueState state = pre("concert", 60, 10);
        for (int i = 0; i < fans; i++) {
            state = state.withJoin();
        }
        return state.movedTo(QueueStatus.OPEN, T0);
    }

    @Test
    void batchIntervalIsBatchSizeOverRate() {
        assertThat(pre("e", 60, 10).batchIntervalMillis()).isEqualTo(10_000);
        assertThat(pre("e", 1_000_000, 1).batchIntervalMillis()).isEqualTo(1);
    }

    @Test
    void openingAdmitsTheFirstBatchAtOnce() {
        assertThat(openWith(25).advancedTo(T0).admittedUpTo()).isEqualTo(10);
    }

    @Test
    void admitsOneBatchPerIntervalAsTimePasses() {
        QueueState state = openWith(100).advancedTo(T0);
        assertThat(state.advancedTo(T0 + 9_999).admittedUpTo()).isEqualTo(10);
        assertThat(state.advancedTo(T0 + 10_000).admittedUpTo()).isEqualTo(20);
        assertThat(state.advancedTo(T0 + 35_000).admittedUpTo()).isEqualTo(40);
    }

    @Test
    void advancingInStepsAdmitsTheSameAsAdvancingAtOnce() {
        QueueState stepped = openWith(100);
        for (long t = T0; t <= T0 + 60_000; t += 1_234) {
            stepped = stepped.advancedTo(t);
        }
        assertThat(stepped.advancedTo(T0 + 60_000).admittedUpTo())
                .isEqualTo(openWith(100).advancedTo(T0 + 60_000).admittedUpTo());
    }

    @Test
    void advancingAgainToTheSameTimeChangesNothing() {
        QueueState once = openWith(100).advancedTo(T0 + 20_000);
        assertThat(once.advancedTo(T0 + 20_000)).isSameAs(once);
        assertThat(once.advancedTo(T0 + 5_000)).isSameAs(once);
    }

    @Test
    void neverAdmitsBeyondTheLastPositionHandedOut() {
        QueueState state = openWith(25).advancedTo(T0 + 3_600_000);
        assertThat(state.admittedUpTo()).isEqualTo(25);
        assertThat(state.waiting()).isZero();
    }

    @Test
    void banksNoCreditWhileNobodyWaits() {
        QueueState drained = openWith(5).advancedTo(T0 + 3_600_000);
        QueueState crowd = drained;
        for (int i = 0; i < 100; i++) {
            crowd = crowd.withJoin();
        }
        assertThat(crowd.advancedTo(T0 + 3_600_000 + 1).admittedUpTo()).isEqualTo(5);
        assertThat(crowd.advancedTo(T0 + 3_610_000).admittedUpTo()).isEqualTo(15);
    }

    @Test
    void aQueueNotOpenAdmitsNobody() {
        QueueState pre = pre("e", 60, 10).withJoin().withJoin();
        assertThat(pre.advancedTo(T0 + 3_600_000).admittedUpTo()).isZero();
        QueueState paused = openWith(100).advancedTo(T0).movedTo(QueueStatus.PAUSED, T0 + 1);
        assertThat(paused.advancedTo(T0 + 3_600_000).admittedUpTo()).isEqualTo(10);
    }

    @Test
    void pausingSettlesTheElapsedTimeFirst() {
        QueueState paused = openWith(100).advancedTo(T0).movedTo(QueueStatus.PAUSED, T0 + 25_000);
        assertThat(paused.admittedUpTo()).isEqualTo(30);
    }

    @Test
    void resumingReleasesAFreshBatchAndNoCreditFromThePause() {
        QueueState resumed = openWith(100).advancedTo(T0).movedTo(QueueStatus.PAUSED, T0 + 1)
                .movedTo(QueueStatus.OPEN, T0 + 600_000);
        assertThat(resumed.advancedTo(T0 + 600_000).admittedUpTo()).isEqualTo(20);
        assertThat(resumed.advancedTo(T0 + 609_999).admittedUpTo()).isEqualTo(20);
    }

    @Test
    void newSettingsApplyFromNowAndTimeBeforeCountsAtTheOldRate() {
        QueueState state = openWith(1000).advancedTo(T0)
                .withSettings(600, 100, 0, T0 + 10_000);   // old: +10 at T0+10s; new: 100 every 10 s
        assertThat(state.admittedUpTo()).isEqualTo(20);
        assertThat(state.advancedTo(T0 + 20_000).admittedUpTo()).isEqualTo(120);
    }

    @Test
    void onlyAllowedMovesHappen() {
        QueueState pre = pre("e", 60, 10);
        assertThat(pre.movedTo(QueueStatus.PAUSED, T0)).isNull();
        QueueState closed = pre.movedTo(QueueStatus.CLOSED, T0);
        assertThat(closed.status()).isEqualTo(QueueStatus.CLOSED);
        assertThat(closed.movedTo(QueueStatus.OPEN, T0)).isNull();
        assertThat(closed.movedTo(QueueStatus.CLOSED, T0)).isSameAs(closed);
    }

    @Test
    void aClosedQueueTakesNoJoins() {
        assertThat(pre("e", 60, 10).movedTo(QueueStatus.CLOSED, T0).acceptsJoins()).isFalse();
    }

    @Test
    void theCapOnActiveShoppersHoldsAdmissionUntilAdmissionsEnd() {
        QueueState state = openWith(100).withSettings(60, 10, 15, T0).advancedTo(T0 + 60_000);
        assertThat(state.admittedUpTo()).isEqualTo(15);
        assertThat(state.active(T0 + 60_000)).isEqualTo(15);
        long firstEnds = state.admissionEndsAt(1);
        assertThat(firstEnds).isBetween(T0 + WINDOW, T0 + WINDOW + state.bucketMillis());
        assertThat(state.advancedTo(firstEnds - 1).admittedUpTo()).isEqualTo(15);
        QueueState later = state.advancedTo(firstEnds + 10_000);
        assertThat(later.admittedUpTo()).isGreaterThan(15);
        assertThat(later.active(firstEnds + 10_000)).isLessThanOrEqualTo(15);
    }

    @Test
    void aFanWhoLeavesFreesTheirShopperSlotOnce() {
        QueueState state = openWith(100).withSettings(60, 10, 10, T0).advancedTo(T0);
        assertThat(state.active(T0)).isEqualTo(10);
        QueueState left = state.withFinished(3, T0 + 1, false);
        assertThat(left.active(T0 + 1)).isEqualTo(9);
        assertThat(left.left()).isEqualTo(1);
        assertThat(left.advancedTo(T0 + 10_000).admittedUpTo()).isEqualTo(11);
    }

    @Test
    void stockThatCannotServeMoreFansStopsAdmissionAndReturningStockResumesIt() {
        QueueState state = openWith(100).withStock(5, 0, 0).advancedTo(T0);
        assertThat(state.admittedUpTo()).isEqualTo(5);
        assertThat(state.advancedTo(T0 + 60_000).admittedUpTo()).isEqualTo(5);
        QueueState soldOut = state.withStock(0, 5, 0);
        assertThat(soldOut.soldOut()).isTrue();
        assertThat(soldOut.acceptsJoins()).isFalse();
        QueueState returned = soldOut.withStock(3, 2, 0).advancedTo(T0 + 600_000 + 60_000);
        assertThat(returned.soldOut()).isFalse();
        assertThat(returned.admittedUpTo()).isEqualTo(8);
    }

    @Test
    void aScheduledQueueOpensByItselfAtItsTime() {
        QueueState state = pre("e", 60, 10).withJoin().withJoin().withSchedule(T0 + 5_000);
        assertThat(state.advancedTo(T0 + 4_999).opened()).isFalse();
        QueueState open = state.advancedTo(T0 + 5_000);
        assertThat(open.status()).isEqualTo(QueueStatus.OPEN);
        assertThat(open.preQueueSize()).isEqualTo(2);
        assertThat(open.admittedUpTo()).isEqualTo(2);
    }

    @Test
    void theMeasuredRateFollowsWhatWasAdmittedNotTheSetting() {
        QueueState state = openWith(1000).advancedTo(T0 + 59_999);
        assertThat(state.admittedUpTo()).isEqualTo(60);
        assertThat(state.measuredRatePerSecond(T0 + 60_000)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.05));
        QueueState capped = openWith(1000).withSettings(60, 10, 10, T0).advancedTo(T0 + 59_999);
        assertThat(capped.measuredRatePerSecond(T0 + 60_000)).isLessThan(0.2);
    }

    @Test
    void admissionEndsAreKnownForEveryRunningAdmissionWithoutStoringFans() {
        QueueState state = openWith(5000);
        for (long t = T0; t <= T0 + 30 * 60_000; t += 10_000) {
            state = state.advancedTo(t);
            long now = t;
            long newest = state.admittedUpTo();
            assertThat(state.admissionEndsAt(newest)).isGreaterThan(now);
            assertThat(state.admissionEndsAt(newest + 1)).isEqualTo(-1);
        }
        // Admitted half an hour ago: long over.
        assertThat(state.admissionEndsAt(1)).isLessThan(T0 + 30 * 60_000);
    }

    @Test
    void stockIsKeptBackOnlyForAdmittedShoppersWhoHaveNotTakenAnyYet() {
        QueueState state = openWith(100).withStock(5, 0, 0).advancedTo(T0);
        assertThat(state.admittedUpTo()).isEqualTo(5);
        assertThat(state.awaitingTake(T0)).isEqualTo(5);
        QueueState allHold = state;
        for (long place = 1; place <= 5; place++) {
            allHold = allHold.withTook(place, T0 + 1);
        }
        assertThat(allHold.awaitingTake(T0 + 1)).isZero();
        // Two holds run out while their shoppers are still admitted (they walked away): those tickets are for sale.
        QueueState twoBack = allHold.withStock(2, 3, 0).advancedTo(T0 + 10_000);
        assertThat(twoBack.admittedUpTo()).isEqualTo(7);
        assertThat(state.withStock(2, 3, 0).advancedTo(T0 + 10_000).admittedUpTo())
                .as("without knowing who took stock, the five are still waited for").isEqualTo(5);
    }

    @Test
    void takingStockCountsOncePerShopperAndNotAfterTheirAdmissionEnded() {
        QueueState state = openWith(100).withStock(20, 0, 0).advancedTo(T0);
        QueueState took = state.withTook(1, T0 + 1);
        assertThat(took.withTook(1, T0 + 2).withTook(1, T0 + 3).awaitingTake(T0 + 3))
                .as("a bucket's takers never exceed its shoppers").isGreaterThanOrEqualTo(0);
        assertThat(took.awaitingTake(T0 + 1)).isEqualTo(9);
        long over = took.admissionEndsAt(2) + 1;
        assertThat(took.withTook(2, over)).isSameAs(took);
    }

    @Test
    void aShopperWhoTookStockAndLeftIsCountedOnceNotAsTwo() {
        QueueState state = openWith(100).withStock(20, 0, 0).advancedTo(T0);
        QueueState leftAfterBuying = state.withTook(1, T0 + 1).withFinished(1, T0 + 2, true);
        assertThat(leftAfterBuying.active(T0 + 2)).isEqualTo(9);
        assertThat(leftAfterBuying.awaitingTake(T0 + 2)).isEqualTo(9);
        QueueState leftWithout = state.withFinished(2, T0 + 2, false);
        assertThat(leftWithout.awaitingTake(T0 + 2)).isEqualTo(9);
    }

    @Test
    void aShopperWhoTakesNothingIsWaitedForOnlyTheReserveTime() {
        QueueState state = QueueState.preQueue("e", 60, 10, 0, WINDOW, 60_000, new byte[32]);
        for (int i = 0; i < 100; i++) {
            state = state.withJoin();
        }
        state = state.movedTo(QueueStatus.OPEN, T0).withStock(5, 0, 0).advancedTo(T0);
        assertThat(state.admittedUpTo()).isEqualTo(5);
        assertThat(state.advancedTo(T0 + 30_000).admittedUpTo()).isEqualTo(5);
        long reserveOver = state.admissionEndsAt(1) - WINDOW + 60_000;
        QueueState later = state.advancedTo(reserveOver + 10_000);
        assertThat(later.admittedUpTo()).isEqualTo(10);
        assertThat(later.awaitingTake(reserveOver + 10_000)).as("only the five just admitted").isEqualTo(5);
        assertThat(later.active(reserveOver + 10_000)).as("still shoppers until their window ends").isEqualTo(10);
    }

    @Test
    void theReserveTimeIsAtMostTheAdmissionWindow() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> QueueState.preQueue("e", 60, 10, 0, WINDOW, WINDOW + 1, new byte[32]))
                .isInstanceOf(IllegalStateException.class);
    }
}
