package dev.floodgate.grid.stripe;

import dev.floodgate.grid.hold.Hold;
import dev.floodgate.grid.hold.HoldResult;
import dev.floodgate.grid.hold.HoldStatus;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A seated stripe (one section): named seats held, sold and returned with the counters, without a member. */
class SeatedStripeTest {
    private static final StockKey KEY = new StockKey("gig", "stalls", 0);
    private static final long LATER = 60_000L;

    private static Stripe section() {
        return Stripe.seated(KEY, new String[] {"A-1-1", "A-1-2", "A-1-3", "A-1-4"});
    }

    @Test
    void seatsAreHeldAllOrNothing() {
        Stripe s = section();
        assertThat(s.takeSeats("h1", "fan-1", new String[] {"A-1-2", "A-1-3"}, LATER).done()).isTrue();
        HoldResult taken = s.takeSeats("h2", "fan-2", new String[] {"A-1-1", "A-1-2"}, LATER);
        assertThat(taken.outcome()).isEqualTo(HoldResult.Outcome.SEAT_TAKEN);
        assertThat(taken.seats()).containsExactly("A-1-2");
        HoldResult unknown = s.takeSeats("h3", "fan-2", new String[] {"A-1-1", "Z-9-9"}, LATER);
        assertThat(unknown.outcome()).isEqualTo(HoldResult.Outcome.UNKNOWN_SEAT);
        assertThat(s.seatStates()).containsExactly(Stripe.SEAT_AVAILABLE, Stripe.SEAT_HELD, Stripe.SEAT_HELD,
                Stripe.SEAT_AVAILABLE);
        assertThat(s.counters()).isEqualTo(new StockCounters(4, 2, 2, 0));
    }

    @Test
    void aRetryWithTheSameSeatsAnswersTheHoldAndWithOtherSeatsIsRefused() {
        Stripe s = section();
        Hold hold = s.takeSeats("h1", "fan-1", new String[] {"A-1-1"}, LATER).hold();
        assertThat(s.takeSeats("h1", "fan-1", new String[] {"A-1-1"}, LATER).hold()).isEqualTo(hold);
        assertThat(s.takeSeats("h1", "fan-1", new String[] {"A-1-2"}, LATER).outcome())
                .isEqualTo(HoldResult.Outcome.WRONG_STATE);
        assertThat(s.take("h9", "fan-1", 1, LATER).outcome()).isEqualTo(HoldResult.Outcome.WRONG_STATE);
    }

    @Test
    void soldSeatsStaySoldAndExpiredOnesComeBack() {
        Stripe s = section();
        s.takeSeats("h1", "fan-1", new String[] {"A-1-1", "A-1-2"}, LATER);
        s.takeSeats("h2", "fan-2", new String[] {"A-1-4"}, LATER);
        s.markInCheckout("h1", "fan-1", "order-1", 0, LATER);
        s.markSold("h1", "order-1");
        assertThat(s.expire(LATER)).isEqualTo(1);
        assertThat(s.seatStates()).containsExactly(Stripe.SEAT_SOLD, Stripe.SEAT_SOLD, Stripe.SEAT_AVAILABLE,
                Stripe.SEAT_AVAILABLE);
        assertThat(s.counters()).isEqualTo(new StockCounters(4, 2, 0, 2));
    }

    @Test
    void seatEditsAddAndRemoveOnlyFreeSeatsOnce() {
        Stripe s = section();
        s.takeSeats("h1", "fan-1", new String[] {"A-1-1"}, LATER);
        assertThat(s.editSeats("op-1", new String[] {"A-1-2"}, new String[] {"A-1-1", "A-9-9"}))
                .containsExactlyInAnyOrder("A-1-2", "A-1-1", "A-9-9");
        assertThat(s.seatIds()).hasSize(4);
        assertThat(s.editSeats("op-2", new String[] {"A-2-1", "A-2-2"}, new String[] {"A-1-4"})).isEmpty();
        assertThat(s.editSeats("op-2", new String[] {"A-2-1", "A-2-2"}, new String[] {"A-1-4"})).isEmpty();
        assertThat(s.seatIds()).containsExactly("A-1-1", "A-1-2", "A-1-3", "A-2-1", "A-2-2");
        assertThat(s.counters()).isEqualTo(new StockCounters(5, 4, 1, 0));
        assertThatThrownBy(() -> s.addCapacity("op-3", 1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aRebuiltSectionTakesItsHoldsSeatsAndRefusesASeatInTwoHolds() {
        Hold sold = new Hold("h1", "gig", "stalls", "fan-1", 1, HoldStatus.SOLD, "o1", Long.MAX_VALUE,
                List.of("A-1-1"));
        Hold inCheckout = new Hold("h2", "gig", "stalls", "fan-2", 2, HoldStatus.IN_CHECKOUT, "o2", LATER,
                List.of("A-1-2", "A-1-3"));
        String[] seats = {"A-1-1", "A-1-2", "A-1-3", "A-1-4"};
        Stripe s = Stripe.seatedWith(KEY, seats, List.of(sold, inCheckout));
        assertThat(s.counters()).isEqualTo(new StockCounters(4, 1, 2, 1));
        Hold twice = new Hold("h3", "gig", "stalls", "fan-3", 1, HoldStatus.IN_CHECKOUT, "o3", LATER,
                List.of("A-1-1"));
        assertThatThrownBy(() -> Stripe.seatedWith(KEY, seats, List.of(sold, twice)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("A-1-1");
    }
}
