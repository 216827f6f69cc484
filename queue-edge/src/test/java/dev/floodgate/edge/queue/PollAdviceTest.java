package dev.floodgate.edge.queue;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The advised status interval: within its bounds everywhere, longer further back, zero when nothing can change. */
class PollAdviceTest {
    private final PollAdvice advice = new PollAdvice(2_000, 25_000, 2_000);

    private static FanPlace waiting(long ticket, long ahead, Long waitSeconds) {
        return new FanPlace(FanPlace.FanState.WAITING, ticket, ahead + 1, ahead, waitSeconds, 0.5, null, false);
    }

    private static FanPlace in(FanPlace.FanState state) {
        return new FanPlace(state, 42, 42L, 0L, null, null, Instant.EPOCH, false);
    }

    @Test
    void everyAdvisedIntervalOfAFanStillWaitingLiesWithinTheBounds() {
        for (long ahead = 0; ahead <= 10_000_000; ahead = ahead * 3 + 1) {
            for (long ticket = 1; ticket < 2_000; ticket += 97) {
                assertThat(advice.pollAfterMillis(waiting(ticket, ahead, null))).isBetween(2_000L, 25_000L);
                assertThat(advice.pollAfterMillis(waiting(ticket, ahead, ahead / 7))).isBetween(2_000L, 25_000L);
            }
        }
        for (FanPlace.FanState state : new FanPlace.FanState[] {FanPlace.FanState.PRE_QUEUE,
                FanPlace.FanState.PAUSED, FanPlace.FanState.SOLD_OUT, FanPlace.FanState.ADMITTED,
                FanPlace.FanState.AWAITING_SIGN_IN}) {
            assertThat(advice.pollAfterMillis(in(state))).as(state.name()).isBetween(2_000L, 25_000L);
        }
    }

    @Test
    void fansFurtherBackAreAdvisedToAskLessOften() {
        assertThat(advice.pollAfterMillis(waiting(7, 10, null))).isEqualTo(2_000);
        assertThat(advice.pollAfterMillis(waiting(7, 1_000, null)))
                .isGreaterThan(advice.pollAfterMillis(waiting(7, 100, null)));
        assertThat(advice.pollAfterMillis(waiting(7, 100_000, null))).isGreaterThanOrEqualTo(22_500);
    }

    @Test
    void fansWhoseTurnIsOverAreToldToStopAsking() {
        assertThat(advice.pollAfterMillis(in(FanPlace.FanState.ADMISSION_EXPIRED))).isZero();
        assertThat(advice.pollAfterMillis(in(FanPlace.FanState.CLOSED))).isZero();
    }

    @Test
    void aCrowdThatJoinedTogetherIsSpreadOverTenPercentEitherSide() {
        long min = Long.MAX_VALUE;
        long max = 0;
        for (long ticket = 1; ticket <= 1_000; ticket++) {
            long ms = advice.pollAfterMillis(waiting(ticket, 800, 100L));   // 100 s away: 12.5 s, unclamped
            min = Math.min(min, ms);
            max = Math.max(max, ms);
        }
        assertThat(min).isBetween(11_250L, 11_500L);
        assertThat(max).isBetween(13_500L, 13_750L);
    }

    @Test
    void onlyFansNearTheFrontAreAdvisedToStream() {
        assertThat(advice.stream(waiting(1, 1_999, null))).isTrue();
        assertThat(advice.stream(waiting(1, 2_001, null))).isFalse();
        assertThat(advice.stream(in(FanPlace.FanState.PRE_QUEUE))).isFalse();
    }

    @Test
    void boundsThatWouldLetNewsArriveLateAreRefused() {
        assertThatThrownBy(() -> new PollAdvice(2_000, 120_000, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PollAdvice(5_000, 4_000, 10)).isInstanceOf(IllegalArgumentException.class);
    }
}
