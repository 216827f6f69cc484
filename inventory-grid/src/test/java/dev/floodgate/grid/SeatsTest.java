package dev.floodgate.grid;

import dev.floodgate.engines.fixture.MutableClock;
import dev.floodgate.grid.catalog.CategoryInfo;
import dev.floodgate.grid.catalog.EventInfo;
import dev.floodgate.grid.catalog.Seating;
import dev.floodgate.grid.hold.Hold;
import dev.floodgate.grid.hold.HoldResult;
import dev.floodgate.grid.hold.HoldStatus;
import dev.floodgate.grid.inventory.CapacityChange;
import dev.floodgate.grid.inventory.Inventory;
import dev.floodgate.grid.stripe.StockCounters;
import dev.floodgate.grid.stripe.Stripe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Numbered seats on a real embedded Hazelcast member: each test its own event with sections A (3x10) and B (2x5). */
class SeatsTest {
    private static final Duration TTL = Duration.ofMinutes(10);
    private static final MutableClock clock = new MutableClock(Instant.ofEpochMilli(1_800_000_000_000L));
    private static Grid grid;
    private static Inventory inventory;

    @BeforeAll
    static void start() {
        grid = Grid.start(new GridSettings("seats-test-" + UUID.randomUUID(), GridSettings.Role.MEMBER,
                List.of(), 0, 1, Duration.ofHours(1)), Grid.DEFAULT_STRIPES, clock);
        inventory = grid.inventory();
    }

    @AfterAll
    static void stop() {
        grid.close();
    }

    static Seating seating() {
        return new Seating(List.of(Seating.Section.grid("A", 3, 10), Seating.Section.grid("B", 2, 5)));
    }

    private static String newEvent() {
        String eventId = "seats-" + UUID.randomUUID().toString().substring(0, 8);
        EventInfo event = new EventInfo(eventId, "Seats", 0, 4, TTL.toMillis(),
                List.of(CategoryInfo.seated("stalls", "Stalls", 8900, "EUR", seating()),
                        new CategoryInfo("ga", "Standing", 100, 4500, "EUR")));
        grid.catalog().add(event);
        inventory.stock(event);
        return eventId;
    }

    private static HoldResult hold(String ev, String fan, String request, String... seats) {
        return inventory.holdSeats(ev, "stalls", fan, request, List.of(seats), TTL);
    }

    private static Map<String, Byte> states(String ev) {
        Map<String, Byte> out = new HashMap<>();
        for (Inventory.SectionSeats s : inventory.seatMap(ev, "stalls")) {
            for (int i = 0; i < s.seatIds().length; i++) {
                out.put(s.seatIds()[i], s.states()[i]);
            }
        }
        return out;
    }

    @Test
    void aSeatedCategoryHasOneStripePerSectionAndItsSeatCountAsCapacity() {
        String ev = newEvent();
        CategoryInfo stalls = grid.catalog().find(ev).orElseThrow().category("stalls").orElseThrow();
        assertThat(stalls.stripes()).isEqualTo(2);
        assertThat(inventory.audit(ev, "stalls")).isEqualTo(new StockCounters(40, 40, 0, 0));
        assertThat(states(ev)).hasSize(40).containsEntry("A-1-1", Stripe.SEAT_AVAILABLE)
                .containsEntry("B-2-5", Stripe.SEAT_AVAILABLE);
    }

    @Test
    void holdingSeatsTakesExactlyThoseSeats() {
        String ev = newEvent();
        HoldResult r = hold(ev, "fan-1", "r-1", "A-1-4", "A-1-5");
        assertThat(r.done()).isTrue();
        assertThat(r.hold().seats()).containsExactly("A-1-4", "A-1-5");
        assertThat(r.hold().quantity()).isEqualTo(2);
        assertThat(r.hold().holdId()).startsWith("stalls.0.");
        assertThat(states(ev)).containsEntry("A-1-4", Stripe.SEAT_HELD).containsEntry("A-1-3", Stripe.SEAT_AVAILABLE);
        assertThat(inventory.audit(ev, "stalls")).isEqualTo(new StockCounters(40, 38, 2, 0));
    }

    @Test
    void aSeatAlreadyHeldIsRefusedAndNothingOfTheRequestIsTaken() {
        String ev = newEvent();
        assertThat(hold(ev, "fan-1", "r", "A-2-2").done()).isTrue();
        HoldResult r = hold(ev, "fan-2", "r", "A-2-1", "A-2-2", "A-2-3");
        assertThat(r.outcome()).isEqualTo(HoldResult.Outcome.SEAT_TAKEN);
        assertThat(r.seats()).containsExactly("A-2-2");
        assertThat(states(ev)).containsEntry("A-2-1", Stripe.SEAT_AVAILABLE).containsEntry("A-2-3",
                Stripe.SEAT_AVAILABLE);
        assertThat(inventory.audit(ev, "stalls")).isEqualTo(new StockCounters(40, 39, 1, 0));
        // The refused request left no record behind: the fan may still hold the limit.
        assertThat(hold(ev, "fan-2", "r2", "A-3-1", "A-3-2", "A-3-3", "A-3-4").done()).isTrue();
    }

    @Test
    void anUnknownSeatIsRefusedAndNothingIsTaken() {
        String ev = newEvent();
        HoldResult r = hold(ev, "fan-1", "r", "A-1-1", "A-1-11");
        assertThat(r.outcome()).isEqualTo(HoldResult.Outcome.UNKNOWN_SEAT);
        assertThat(r.seats()).containsExactly("A-1-11");
        assertThat(hold(ev, "fan-1", "r", "Z-1-1").outcome()).isEqualTo(HoldResult.Outcome.UNKNOWN_SEAT);
        assertThat(inventory.audit(ev, "stalls")).isEqualTo(new StockCounters(40, 40, 0, 0));
    }

    @Test
    void malformedSeatRequestsAreRejected() {
        String ev = newEvent();
        assertThatThrownBy(() -> hold(ev, "fan-1", "r", "A-1-1", "B-1-1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> hold(ev, "fan-1", "r", "A-1-1", "A-1-1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> hold(ev, "fan-1", "r", "A_1_1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> hold(ev, "fan-1", "r")).isInstanceOf(IllegalArgumentException.class);
        assertThat(inventory.audit(ev, "stalls")).isEqualTo(new StockCounters(40, 40, 0, 0));
    }

    @Test
    void aRetryReturnsTheSameHoldAndOtherSeatsUnderTheSameRequestAreRefused() {
        String ev = newEvent();
        HoldResult first = hold(ev, "fan-1", "r-1", "B-1-1", "B-1-2");
        HoldResult again = hold(ev, "fan-1", "r-1", "B-1-1", "B-1-2");
        assertThat(again.done()).isTrue();
        assertThat(again.hold()).isEqualTo(first.hold());
        assertThat(hold(ev, "fan-1", "r-1", "B-1-3").outcome()).isEqualTo(HoldResult.Outcome.WRONG_STATE);
        assertThat(hold(ev, "fan-1", "r-1", "A-1-3").outcome()).isEqualTo(HoldResult.Outcome.WRONG_STATE);
        assertThat(inventory.audit(ev, "stalls")).isEqualTo(new StockCounters(40, 38, 2, 0));
    }

    @Test
    void aRequestIdUsedInOneCategoryIsRefusedInAnotherAndNothingChanges() {
        String ev = newEvent();
        assertThat(hold(ev, "fan-1", "same", "A-1-1").done()).isTrue();
        assertThat(inventory.hold(ev, "ga", "fan-1", "same", 1, TTL).outcome())
                .isEqualTo(HoldResult.Outcome.WRONG_STATE);
        assertThat(inventory.hold(ev, "ga", "fan-2", "other", 1, TTL).done()).isTrue();
        assertThat(hold(ev, "fan-2", "other", "A-1-2").outcome()).isEqualTo(HoldResult.Outcome.WRONG_STATE);
        assertThat(inventory.audit(ev, "ga")).isEqualTo(new StockCounters(100, 99, 1, 0));
        assertThat(inventory.audit(ev, "stalls")).isEqualTo(new StockCounters(40, 39, 1, 0));
    }

    @Test
    void thePerFanLimitCountsSeatsAndGeneralAdmissionTogether() {
        String ev = newEvent();
        assertThat(inventory.hold(ev, "ga", "fan-1", "g", 2, TTL).done()).isTrue();
        assertThat(hold(ev, "fan-1", "s", "A-1-1", "A-1-2", "A-1-3").outcome())
                .isEqualTo(HoldResult.Outcome.LIMIT_REACHED);
        assertThat(hold(ev, "fan-1", "s", "A-1-1", "A-1-2").done()).isTrue();
        assertThat(inventory.audit(ev, "stalls")).isEqualTo(new StockCounters(40, 38, 2, 0));
    }

    @Test
    void releaseFreesTheSeatsAndOnlyTheFanMayRelease() {
        String ev = newEvent();
        Hold h = hold(ev, "fan-1", "r", "A-3-9", "A-3-10").hold();
        assertThat(inventory.release(ev, h.holdId(), "fan-2").outcome()).isEqualTo(HoldResult.Outcome.NOT_YOURS);
        assertThat(states(ev)).containsEntry("A-3-9", Stripe.SEAT_HELD);
        assertThat(inventory.release(ev, h.holdId(), "fan-1").done()).isTrue();
        assertThat(states(ev)).containsEntry("A-3-9", Stripe.SEAT_AVAILABLE).containsEntry("A-3-10",
                Stripe.SEAT_AVAILABLE);
        assertThat(hold(ev, "fan-2", "r", "A-3-10").done()).isTrue();
        assertThat(inventory.audit(ev, "stalls")).isEqualTo(new StockCounters(40, 39, 1, 0));
    }

    @Test
    void checkoutThenSaleMarksTheSeatsSoldAndADeclineReturnsThem() {
        String ev = newEvent();
        Hold paid = hold(ev, "fan-1", "r", "B-2-1", "B-2-2").hold();
        Hold declined = hold(ev, "fan-2", "r", "B-2-3").hold();
        assertThat(inventory.markInCheckout(ev, paid.holdId(), "fan-1", "o-1", Duration.ofMinutes(15)).done()).isTrue();
        assertThat(inventory.markInCheckout(ev, declined.holdId(), "fan-2", "o-2", Duration.ofMinutes(15)).done())
                .isTrue();
        assertThat(inventory.markSold(ev, paid.holdId(), "o-1").done()).isTrue();
        assertThat(inventory.markSold(ev, paid.holdId(), "o-1").done()).isTrue(); // idempotent
        assertThat(inventory.releaseForOrder(ev, declined.holdId(), "o-2").done()).isTrue();
        assertThat(inventory.releaseForOrder(ev, declined.holdId(), "o-2").done()).isTrue();
        assertThat(states(ev)).containsEntry("B-2-1", Stripe.SEAT_SOLD).containsEntry("B-2-2", Stripe.SEAT_SOLD)
                .containsEntry("B-2-3", Stripe.SEAT_AVAILABLE);
        assertThat(inventory.find(ev, paid.holdId()).orElseThrow().status()).isEqualTo(HoldStatus.SOLD);
        assertThat(hold(ev, "fan-3", "r", "B-2-2").outcome()).isEqualTo(HoldResult.Outcome.SEAT_TAKEN);
        assertThat(inventory.audit(ev, "stalls")).isEqualTo(new StockCounters(40, 38, 0, 2));
    }

    @Test
    void anExpiredSeatHoldReturnsItsSeatsOnce() {
        String ev = newEvent();
        Hold h = hold(ev, "fan-1", "r", "A-1-1").hold();
        clock.advance(TTL);
        int swept = grid.expiry().orElseThrow().sweep();
        assertThat(swept).isGreaterThanOrEqualTo(1);
        assertThat(inventory.find(ev, h.holdId())).isEmpty();
        assertThat(states(ev)).containsEntry("A-1-1", Stripe.SEAT_AVAILABLE);
        assertThat(inventory.audit(ev, "stalls")).isEqualTo(new StockCounters(40, 40, 0, 0));
        assertThat(inventory.release(ev, h.holdId(), "fan-1").outcome()).isEqualTo(HoldResult.Outcome.NOT_FOUND);
        assertThat(inventory.audit(ev, "stalls")).isEqualTo(new StockCounters(40, 40, 0, 0));
    }

    @Test
    void aQuantityOnASeatedCategoryPicksAdjacentSeatsNearTheMiddleOfTheFrontRow() {
        String ev = newEvent();
        HoldResult r = inventory.hold(ev, "stalls", "fan-1", "best", 3, TTL);
        assertThat(r.done()).isTrue();
        assertThat(r.hold().seats()).containsExactly("A-1-4", "A-1-5", "A-1-6");
        // A retry answers the same hold.
        assertThat(inventory.hold(ev, "stalls", "fan-1", "best", 3, TTL).hold()).isEqualTo(r.hold());
        // The front row has 4 and 3 left on either side: 4 together come from there, then row 2.
        assertThat(inventory.hold(ev, "stalls", "fan-2", "best", 4, TTL).hold().seats())
                .containsExactly("A-1-7", "A-1-8", "A-1-9", "A-1-10");
        assertThat(inventory.hold(ev, "stalls", "fan-3", "best", 4, TTL).hold().seats())
                .containsExactly("A-2-4", "A-2-5", "A-2-6", "A-2-7");
        assertThat(inventory.audit(ev, "stalls")).isEqualTo(new StockCounters(40, 29, 11, 0));
    }

    @Test
    void operatorsAddSeatsAndRemoveOnlyAvailableOnes() {
        String ev = newEvent();
        assertThat(hold(ev, "fan-1", "r", "B-1-1").done()).isTrue();
        Inventory.SeatChange refused = inventory.changeSeats(ev, "stalls", List.of(), List.of("B-1-1", "B-1-2"));
        assertThat(refused.outcome()).isEqualTo(Inventory.SeatChange.Outcome.NOT_AVAILABLE);
        assertThat(refused.seats()).containsExactly("B-1-1");
        assertThat(states(ev)).containsEntry("B-1-2", Stripe.SEAT_AVAILABLE);
        assertThat(inventory.changeSeats(ev, "stalls", List.of("B-1-1"), List.of()).outcome())
                .isEqualTo(Inventory.SeatChange.Outcome.BAD_SEATS);
        assertThat(inventory.changeSeats(ev, "stalls", List.of(), List.of("B-9-1")).outcome())
                .isEqualTo(Inventory.SeatChange.Outcome.BAD_SEATS);

        Inventory.SeatChange done = inventory.changeSeats(ev, "stalls", List.of("B-3-1", "B-3-2", "B-1-6"),
                List.of("B-1-2"));
        assertThat(done.outcome()).isEqualTo(Inventory.SeatChange.Outcome.DONE);
        assertThat(done.counters()).isEqualTo(new StockCounters(42, 41, 1, 0));
        CategoryInfo stalls = grid.catalog().find(ev).orElseThrow().category("stalls").orElseThrow();
        assertThat(stalls.capacity()).isEqualTo(42);
        assertThat(stalls.seating().sections().get(1).rows()).extracting(Seating.Row::rowId)
                .containsExactly("1", "2", "3");
        assertThat(stalls.seating().sections().get(1).rows().getFirst().seats()).containsExactly(1, 3, 4, 5, 6);
        assertThat(hold(ev, "fan-2", "r", "B-3-2").done()).isTrue();
        assertThat(hold(ev, "fan-3", "r", "B-1-2").outcome()).isEqualTo(HoldResult.Outcome.UNKNOWN_SEAT);
        assertThat(inventory.audit(ev, "stalls")).isEqualTo(new StockCounters(42, 40, 2, 0));
        assertThat(inventory.changeCapacity(ev, "stalls", 50).outcome()).isEqualTo(CapacityChange.Outcome.SEATED);
    }
}
