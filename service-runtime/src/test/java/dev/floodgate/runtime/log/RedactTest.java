package dev.floodgate.runtime.log;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RedactTest {
    @Test
    void aFanIdIsHashedTheSameWayEveryTime() {
        String fan = "3f2b8c1e-0000-4000-8000-000000000001";
        assertThat(Redact.fan(fan)).startsWith("fan:").hasSize(16).doesNotContain(fan).isEqualTo(Redact.fan(fan));
        assertThat(Redact.fan(fan)).isNotEqualTo(Redact.fan("3f2b8c1e-0000-4000-8000-000000000002"));
    }

    @Test
    void cardNumbersAreLuhnValidDigitRuns() {
        assertThat(Redact.scrub("4000000000000002")).isEqualTo("[card]");
        assertThat(Redact.scrub("pan 4242-4242-4242-4242.")).isEqualTo("pan [card].");
        assertThat(Redact.scrub("4242424242424241")).as("not Luhn-valid").isEqualTo("4242424242424241");
        assertThat(Redact.scrub("12345")).isEqualTo("12345");
    }

    @Test
    void theQuickCheckLetsThroughOnlyLinesWithNothingToScrub() {
        assertThat(Redact.mayHoldSecret("GET /api/events/gig-1/queue 200 3 ms")).isFalse();
        assertThat(Redact.mayHoldSecret("order 173324640000 placed, 12 digits")).isFalse();
        assertThat(Redact.mayHoldSecret("card 4242 4242 4242 4242")).isTrue();
        assertThat(Redact.mayHoldSecret("x eyJhbGciOi.y.z")).isTrue();
        assertThat(Redact.mayHoldSecret("Authorization: BEARER abc")).isTrue();
        assertThat(Redact.scrub("GET /api/events/gig-1/queue 200 3 ms")).isEqualTo("GET /api/events/gig-1/queue 200 3 ms");
    }
}
