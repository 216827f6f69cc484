package dev.floodgate.grid.stripe;

import dev.floodgate.grid.hold.Hold;
import dev.floodgate.grid.hold.HoldResult;
import dev.floodgate.grid.hold.HoldStatus;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A general-admission stripe's holds and counters, as its entry processors drive it, without a Hazelcast member. */
class StripeTest {
    private static final StockKey KEY = new StockKey("gig", "ga", 0);
    private static final long NOW = 1_000_000L;
    private static final long LATER = NOW + 60_000;

    @Test
    void aHoldTakesItsUnitsAndItsReleaseReturnsThemOnce() {
        Stripe stripe = Stripe.empty(KEY, 10);
        assertThat(stripe.take("h1", "fan-1", 3, LATER).done()).isTrue();
        assertThat(stripe.counters()).isEqualTo(new StockCounters(10, 7, 3, 0));
        assertThat(stripe.release("h1", "fan-1").done()).isTrue();
        assertThat(stripe.release("h1", "fan-1").outcome()).isEqualTo(HoldResult.Outcome.NOT_FOUND);
        assertThat(stripe.counters()).isEqualTo(new StockCounters(10, 10, 0, 0));
    }

    @Test
    void aHoldIsRefusedWhenTheStripeHasTooFewUnitsAndAnotherFanCannotTouchIt() {
        Stripe stripe = Stripe.empty(KEY, 2);
        assertThat(stripe.take("h1", "fan-1", 3, LATER).outcome()).isEqualTo(HoldResult.Outcome.NOT_ENOUGH_STOCK);
        assertThat(stripe.take("h1", "fan-1", 2, LATER).done()).isTrue();
        assertThat(stripe.take("h1", "fan-2", 2, LATER).outcome()).isEqualTo(HoldResult.Outcome.NOT_YOURS);
        assertThat(stripe.release("h1", "fan-2").outcome()).isEqualTo(HoldResult.Outcome.NOT_YOURS);
        assertThat(stripe.counters()).isEqualTo(new StockCounters(2, 0, 2, 0));
    }

    @Test
    void anExpiredHoldReturnsToStockOnceAndASoldOneNever() {
        Stripe stripe = Stripe.empty(KEY, 10);
        stripe.take("h1", "fan-1", 2, LATER);
        stripe.take("h2", "fan-2", 3, LATER);
        stripe.markInCheckout("h2", "fan-2", "order-2", NOW, LATER);
        assertThat(stripe.markSold("h2", "order-2").hold().status()).isEqualTo(HoldStatus.SOLD);
        assertThat(stripe.expire(LATER)).isEqualTo(2);
        assertThat(stripe.expire(LATER + 1)).isZero();
        assertThat(stripe.counters()).isEqualTo(new StockCounters(10, 7, 0, 3));
        assertThat(stripe.holds()).extracting(Hold::holdId).containsExactly("h2");
    }

    @Test
    void aHoldInCheckoutLivesUntilItsOrderEndsAndOnlyItsOrderSellsOrReleasesIt() {
        Stripe stripe = Stripe.empty(KEY, 10);
        stripe.take("h1", "fan-1", 2, NOW + 1_000);
        Hold inCheckout = stripe.markInCheckout("h1", "fan-1", "order-1", NOW, LATER).hold();
        assertThat(inCheckout.expiresAtMillis()).isEqualTo(LATER);
        assertThat(stripe.markInCheckout("h1", "fan-1", "order-1", NOW, LATER).done()).isTrue(); // a retry
        assertThat(stripe.release("h1", "fan-1").outcome()).isEqualTo(HoldResult.Outcome.WRONG_STATE);
        assertThat(stripe.markSold("h1", "order-other").outcome()).isEqualTo(HoldResult.Outcome.WRONG_STATE);
        assertThat(stripe.expire(NOW + 1_000)).isZero();
        assertThat(stripe.releaseForOrder("h1", "order-1").done()).isTrue();
        assertThat(stripe.releaseForOrder("h1", "order-1").outcome()).isEqualTo(HoldResult.Outcome.DONE);
        assertThat(stripe.counters()).isEqualTo(new StockCounters(10, 10, 0, 0));
    }

    @Test
    void atHomeTheFansLimitCountsEveryLiveHoldAndARetryAnswersTheSameHold() {
        Stripe stripe = Stripe.empty(KEY, 10);
        assertThat(stripe.takeAtHome("r1", "h1", "fan-1", 3, 4, NOW, LATER).done()).isTrue();
        assertThat(stripe.takeAtHome("r2", "h2", "fan-1", 2, 4, NOW, LATER).outcome())
                .isEqualTo(HoldResult.Outcome.LIMIT_REACHED);
        assertThat(stripe.takeAtHome("r1", "h1", "fan-1", 3, 4, NOW, LATER).hold().holdId()).isEqualTo("h1");
        assertThat(stripe.takeAtHome("r1", "h9", "fan-1", 1, 4, NOW, LATER).outcome())
                .isEqualTo(HoldResult.Outcome.WRONG_STATE);
        assertThat(stripe.takeAtHome("r3", "h3", "fan-2", 4, 4, NOW, LATER).done()).isTrue();
        assertThat(stripe.counters()).isEqualTo(new StockCounters(10, 3, 7, 0));
        assertThat(FanHolds.units(FanHolds.live(stripe.fanHolds("fan-1"), NOW))).isEqualTo(3);
    }

    @Test
    void aFanWhoseHoldWentBackMayHoldAgainAndItsRecordGoesWithTheHold() {
        Stripe stripe = Stripe.empty(KEY, 10);
        stripe.takeAtHome("r1", "h1", "fan-1", 4, 4, NOW, LATER);
        assertThat(stripe.release("h1", "fan-1").done()).isTrue();
        assertThat(stripe.fanHolds("fan-1")).isNull();
        assertThat(stripe.takeAtHome("r2", "h2", "fan-1", 4, 4, NOW, LATER).done()).isTrue();
        assertThat(stripe.expire(LATER)).isEqualTo(4);
        assertThat(stripe.fanHolds("fan-1")).isNull();
    }

    @Test
    void aRecordLostWithARebuildIsPutBackWhenTheFanRetries() {
        Hold rebuilt = new Hold("h1", "gig", "ga", "fan-1", 2, HoldStatus.HELD, null, LATER);
        Stripe stripe = new Stripe(KEY, 10, 8, 2, 0, List.of(rebuilt));
        assertThat(stripe.fanHolds("fan-1")).isNull();
        assertThat(stripe.takeAtHome("r1", "h1", "fan-1", 2, 4, NOW, LATER).hold()).isEqualTo(rebuilt);
        assertThat(FanHolds.units(FanHolds.live(stripe.fanHolds("fan-1"), NOW))).isEqualTo(2);
        assertThat(stripe.counters()).isEqualTo(new StockCounters(10, 8, 2, 0));
    }

    @Test
    void capacityEditsApplyOnceAndNeverTakeHeldUnits() {
        Stripe stripe = Stripe.empty(KEY, 5);
        stripe.take("h1", "fan-1", 4, LATER);
        assertThat(stripe.removeCapacity("op-1", 2)).isFalse();
        assertThat(stripe.removeCapacity("op-1", 1)).isTrue();
        assertThat(stripe.removeCapacity("op-1", 1)).isTrue(); // the same edit again: already done
        assertThat(stripe.addCapacity("op-2", 3)).isTrue();
        assertThat(stripe.addCapacity("op-2", 3)).isFalse();
        assertThat(stripe.counters()).isEqualTo(new StockCounters(7, 3, 4, 0));
    }

    @Test
    void aStripeWhoseCountersDoNotAddUpIsRefused() {
        assertThatThrownBy(() -> new Stripe(KEY, 10, 9, 0, 0, List.of()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("stock invariant broken");
        assertThatThrownBy(() -> new Stripe(KEY, 1, -1, 2, 0, List.of()))
                .isInstanceOf(IllegalStateException.class);
    }
}
