package dev.floodgate.grid.stripe;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A fan's records in one event: the per-fan limit and retries, as pure functions. */
class FanHoldsTest {
    private static final long NOW = 1_000L;

    @Test
    void aRequestIsRecordedWhileTheFansLiveUnitsStayWithinTheLimit() {
        List<FanHolds.Entry> live = new ArrayList<>();
        assertThat(FanHolds.reserve(live, "r1", "h1", 3, 4, NOW + 10).outcome()).isEqualTo(FanHolds.Outcome.NEW);
        FanHolds.Reservation refused = FanHolds.reserve(live, "r2", "h2", 2, 4, NOW + 10);
        assertThat(refused.outcome()).isEqualTo(FanHolds.Outcome.LIMIT_REACHED);
        assertThat(refused.unitsHeld()).isEqualTo(3);
        assertThat(live).hasSize(1);
    }

    @Test
    void aRequestSeenBeforeOrAHoldRecordedByARebuildAnswersTheEarlierRecord() {
        List<FanHolds.Entry> live = new ArrayList<>();
        FanHolds.Entry first = FanHolds.reserve(live, "r1", "h1", 1, 4, NOW + 10).entry();
        assertThat(FanHolds.reserve(live, "r1", "h1", 1, 4, NOW + 10).entry()).isEqualTo(first);
        live.add(new FanHolds.Entry("rebuilt:h2", "h2", 2, NOW + 10));
        FanHolds.Reservation byHold = FanHolds.reserve(live, "r2", "h2", 2, 4, NOW + 10);
        assertThat(byHold.outcome()).isEqualTo(FanHolds.Outcome.EXISTING);
        assertThat(byHold.entry().requestId()).isEqualTo("rebuilt:h2");
    }

    @Test
    void recordsEndAtTheirHoldsTimeAndCheckoutExtendsThem() {
        FanHolds records = new FanHolds(new FanHolds.Entry[] {
                new FanHolds.Entry("r1", "h1", 1, NOW), new FanHolds.Entry("r2", "h2", 2, NOW + 5)});
        List<FanHolds.Entry> live = FanHolds.live(records, NOW);
        assertThat(live).extracting(FanHolds.Entry::holdId).containsExactly("h2");
        assertThat(FanHolds.anyLive(records, NOW + 5)).isFalse();
        assertThat(FanHolds.extend(live, "h2", NOW + 100)).isTrue();
        assertThat(FanHolds.extend(live, "h9", NOW + 100)).isFalse();
        assertThat(FanHolds.live(FanHolds.of(live), NOW + 50)).hasSize(1);
        assertThat(FanHolds.of(List.of())).isNull();
    }
}
