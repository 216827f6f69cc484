package dev.floodgate.grid.hold;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** A hold id is derived from the fan and request ids: stable for retries, distinct for anything else. */
class HoldIdTest {
    @Test
    void theSameFanAndRequestAlwaysGetTheSameId() {
        assertThat(HoldId.forRequest("ga", 3, "fan-1", "r-1")).isEqualTo(HoldId.forRequest("ga", 3, "fan-1", "r-1"));
    }

    @Test
    void movingTheBoundaryBetweenFanAndRequestGivesAnotherId() {
        assertThat(HoldId.forRequest("ga", 0, "ab", "c").uuid()).isNotEqualTo(HoldId.forRequest("ga", 0, "a", "bc").uuid());
        assertThat(HoldId.forRequest("ga", 0, "a\n", "b").uuid()).isNotEqualTo(HoldId.forRequest("ga", 0, "a", "\nb").uuid());
    }

    @Test
    void aMillionNearlyIdenticalRequestsGetAMillionIds() {
        Set<java.util.UUID> seen = new HashSet<>();
        for (int i = 0; i < 1_000_000; i++) {
            seen.add(HoldId.forRequest("ga", 0, "fan-" + (i % 1000), "request-" + (i / 1000)).uuid());
        }
        assertThat(seen).hasSize(1_000_000);
    }

    @Test
    void anIdReadsBackFromItsText() {
        HoldId id = HoldId.forRequest("vip", 12, "fan-1", "r-1");
        assertThat(HoldId.parse(id.toString())).contains(id);
    }
}
