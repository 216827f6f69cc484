package dev.floodgate.edge.operator;

import dev.floodgate.edge.operator.SellOutForecast.Outlook;
import dev.floodgate.grid.history.FigureSample;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The sell-out forecast: when stock runs out at the pace of the last minutes. */
class SellOutForecastTest {
    private static final long T0 = 1_800_000_000_000L;
    private static final int CAPACITY = 1_000;

    /** A sample {@code minute} minutes after T0 with these held and sold (the rest available). */
    private static FigureSample at(double minute, int held, int sold) {
        return new FigureSample(T0 + Math.round(minute * 60_000), 0, 0, 0, held, sold, CAPACITY - held - sold,
                CAPACITY);
    }

    @Test
    void aSteadyPaceGivesTheTimeTheAvailableStockLasts() {
        // 10 sold and 2 more held per minute over 5 minutes: 12 a minute taken, 940 left -> 78.3 minutes.
        List<FigureSample> samples = List.of(at(0, 0, 0), at(5, 10, 50));

        SellOutForecast f = SellOutForecast.of(samples, 10);

        assertThat(f.outlook()).isEqualTo(Outlook.SELLING);
        assertThat(f.soldPerMinute()).isEqualTo(10.0);
        assertThat(f.heldPerMinute()).isEqualTo(2.0);
        assertThat(f.available()).isEqualTo(940);
        assertThat(f.minutesLeft()).isEqualTo(78.3);
        assertThat(f.sellsOutAt()).isEqualTo(Instant.ofEpochMilli(T0 + 5 * 60_000 + Math.round(940 / 12.0 * 60_000)));
    }

    @Test
    void holdsAloneAlreadyTakeStockOffSale() {
        SellOutForecast f = SellOutForecast.of(List.of(at(0, 0, 0), at(2, 100, 0)), 10);

        assertThat(f.outlook()).isEqualTo(Outlook.SELLING);
        assertThat(f.minutesLeft()).isEqualTo(18.0);
    }

    @Test
    void holdsExpiringFasterThanSalesIsNotSelling() {
        // 5 sold, but 20 holds ran out and came back to stock.
        SellOutForecast f = SellOutForecast.of(List.of(at(0, 30, 0), at(5, 10, 5)), 10);

        assertThat(f.outlook()).isEqualTo(Outlook.NOT_SELLING);
        assertThat(f.sellsOutAt()).isNull();
        assertThat(f.soldPerMinute()).isEqualTo(1.0);
    }

    @Test
    void noMovementIsNotSelling() {
        SellOutForecast f = SellOutForecast.of(List.of(at(0, 3, 7), at(10, 3, 7)), 10);

        assertThat(f.outlook()).isEqualTo(Outlook.NOT_SELLING);
    }

    @Test
    void nothingAvailableIsSoldOut() {
        SellOutForecast f = SellOutForecast.of(List.of(at(0, 0, 900), at(1, 20, 980)), 10);

        assertThat(f.outlook()).isEqualTo(Outlook.SOLD_OUT);
        assertThat(f.available()).isZero();
        assertThat(f.minutesLeft()).isZero();
    }

    @Test
    void underAMinuteOfSamplesIsTooEarly() {
        assertThat(SellOutForecast.of(List.of(), 10).outlook()).isEqualTo(Outlook.TOO_EARLY);
        assertThat(SellOutForecast.of(List.of(at(0, 0, 0)), 10).outlook()).isEqualTo(Outlook.TOO_EARLY);
        assertThat(SellOutForecast.of(List.of(at(0, 0, 0), at(0.5, 0, 40)), 10).outlook())
                .isEqualTo(Outlook.TOO_EARLY);
    }

    @Test
    void onlyTheLastWindowSetsThePace() {
        // A rush of 600 in the first minutes, then 1 a minute over the last 10 minutes: the ETA follows the latter.
        List<FigureSample> samples = new ArrayList<>(List.of(at(0, 0, 0), at(3, 0, 600)));
        for (int minute = 20; minute <= 30; minute++) {
            samples.add(at(minute, 0, 600 + minute - 20));
        }

        SellOutForecast f = SellOutForecast.of(samples, 10);

        assertThat(f.soldPerMinute()).isEqualTo(1.0);
        assertThat(f.minutesLeft()).isEqualTo(390.0);
        assertThat(f.windowMinutes()).isEqualTo(10);
    }
}
