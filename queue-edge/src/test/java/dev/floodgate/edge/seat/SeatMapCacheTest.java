package dev.floodgate.edge.seat;

import dev.floodgate.edge.event.SeatMap;
import dev.floodgate.edge.support.TestGrid;
import dev.floodgate.engines.fixture.MutableClock;
import dev.floodgate.grid.Grid;
import dev.floodgate.grid.catalog.CategoryInfo;
import dev.floodgate.grid.catalog.EventInfo;
import dev.floodgate.grid.catalog.Seating;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The seat map is rebuilt from the grid at most once per max age; in between every reader gets the same bytes. */
class SeatMapCacheTest {
    @Test
    void theMapIsServedFromCacheUntilItIsMaxAgeOld() {
        try (Grid grid = TestGrid.grid(MutableClock.startingNow())) {
            String ev = TestGrid.uniqueEventId("seat-map");
            EventInfo event = new EventInfo(ev, "Map", 0, 4, 60_000, List.of(CategoryInfo.seated("stalls", "Stalls",
                    8900, "EUR", new Seating(List.of(Seating.Section.grid("A", 1, 3))))));
            grid.catalog().add(event);
            grid.inventory().stock(event);
            AtomicLong now = new AtomicLong(1_000);
            SeatMap maps = new SeatMap(grid.inventory(), 500, now::get);

            byte[] first = maps.json(ev, "stalls");
            assertThat(new String(first, StandardCharsets.UTF_8)).contains("\"states\":\"AAA\"");
            assertThat(grid.inventory().holdSeats(ev, "stalls", "fan-1", "r", List.of("A-1-2"),
                    Duration.ofMinutes(1)).done()).isTrue();
            now.addAndGet(499);
            assertThat(maps.json(ev, "stalls")).isSameAs(first);
            now.addAndGet(1);
            assertThat(new String(maps.json(ev, "stalls"), StandardCharsets.UTF_8)).contains("\"states\":\"AHA\"")
                    .contains("\"held\":1");
        }
    }
}
