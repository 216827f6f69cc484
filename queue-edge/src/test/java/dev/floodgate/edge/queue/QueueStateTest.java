package dev.floodgate.edge.queue;

import dev.floodgate.grid.queue.QueueState;
import dev.floodgate.grid.queue.QueueStatus;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The admission arithmetic of one queue, without a grid: rate, batches, caps and moves. */
class QueueStateTest {
    private static final long T0 = 1_000_000;

    /** 60 fans a minute in batches of 10: one batch every 10 s. */
    private static QueueState openWith(int fans) {
        QueueState state = QueueState.preQueue("concert", 60, 10);
        for (int i = 0; i < fans; i++) {
            state = state.withJoin();
        }
        return state.movedTo(QueueStatus.OPEN, T0);
    }

    @Test
    void batchIntervalIsBatchSizeOverRate() {
        assertThat(QueueState.preQueue("e", 60, 10).batchIntervalMillis()).isEqualTo(10_000);
        assertThat(QueueState.preQueue("e", 1_000_000, 1).batchIntervalMillis()).isEqualTo(1);
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
        QueueState pre = QueueState.preQueue("e", 60, 10).withJoin().withJoin();
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
                .withSettings(600, 100, T0 + 10_000);   // old: +10 at T0+10s; new: 100 every 10 s
        assertThat(state.admittedUpTo()).isEqualTo(20);
        assertThat(state.advancedTo(T0 + 20_000).admittedUpTo()).isEqualTo(120);
    }

    @Test
    void onlyAllowedMovesHappen() {
        QueueState pre = QueueState.preQueue("e", 60, 10);
        assertThat(pre.movedTo(QueueStatus.PAUSED, T0)).isNull();
        QueueState closed = pre.movedTo(QueueStatus.CLOSED, T0);
        assertThat(closed.status()).isEqualTo(QueueStatus.CLOSED);
        assertThat(closed.movedTo(QueueStatus.OPEN, T0)).isNull();
        assertThat(closed.movedTo(QueueStatus.CLOSED, T0)).isSameAs(closed);
    }

    @Test
    void aClosedQueueTakesNoJoins() {
        assertThat(QueueState.preQueue("e", 60, 10).movedTo(QueueStatus.CLOSED, T0).acceptsJoins()).isFalse();
    }
}
