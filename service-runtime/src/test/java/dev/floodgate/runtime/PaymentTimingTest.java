package dev.floodgate.runtime;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PaymentTimingTest {
    private static Config config(Map<String, String> values) {
        return Config.just(ConfigSources.create(values));
    }

    @Test
    void defaultsKeepTheHoldFifteenMinutesForATenMinutePayment() {
        PaymentTiming timing = PaymentTiming.from(config(Map.of()));

        assertThat(timing).isEqualTo(PaymentTiming.DEFAULTS);
        assertThat(timing.holdExtension()).isEqualTo(Duration.ofMinutes(15));
        assertThat(timing.paymentTimeout()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void readsTheOneKeySet() {
        PaymentTiming timing = PaymentTiming.from(config(Map.of(
                "timing.hold-extension-millis", "420000", "timing.payment-timeout-millis", "300000")));

        assertThat(timing).isEqualTo(new PaymentTiming(Duration.ofMinutes(7), Duration.ofMinutes(5)));
    }

    @Test
    void theHoldMayOutliveThePaymentByExactlyTheMargin() {
        assertThat(new PaymentTiming(Duration.ofMinutes(12), Duration.ofMinutes(10)).holdExtension())
                .isEqualTo(Duration.ofMinutes(10).plus(PaymentTiming.MARGIN));
    }

    @Test
    void aHoldThatDoesNotOutliveThePaymentByTheMarginIsRefusedNamingTheKeys() {
        assertThatThrownBy(() -> new PaymentTiming(Duration.ofMinutes(12).minusMillis(1), Duration.ofMinutes(10)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timing.hold-extension-millis (719999)")
                .hasMessageContaining("timing.payment-timeout-millis (600000)")
                .hasMessageContaining("120000 ms");
        assertThatThrownBy(() -> PaymentTiming.from(config(Map.of("timing.payment-timeout-millis", "900000"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timing.hold-extension-millis (900000) must exceed timing.payment-timeout-millis");
        assertThatThrownBy(() -> PaymentTiming.from(config(Map.of("timing.hold-extension-millis", "60000"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timing.hold-extension-millis (60000) must exceed");
    }

    @Test
    void aPaymentTimeoutMustBePositive() {
        assertThatThrownBy(() -> new PaymentTiming(Duration.ofMinutes(15), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timing.payment-timeout-millis must be positive");
        assertThatThrownBy(() -> PaymentTiming.from(config(Map.of("timing.payment-timeout-millis", "-1"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timing.payment-timeout-millis must not be negative");
    }

    @Test
    void theKeysEachServiceReadBeforeAreRefusedRatherThanIgnored() {
        PaymentTiming.RETIRED_KEYS.forEach((retired, replacement) ->
                assertThatThrownBy(() -> PaymentTiming.from(config(Map.of(retired, "600000"))))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessage(retired + " is no longer read: set " + replacement
                                + " instead (the same key for every service)"));
        assertThat(PaymentTiming.RETIRED_KEYS).containsOnlyKeys("checkout.hold-extension-millis",
                "grid.rebuild-checkout-hold-millis", "checkout.payment-timeout-millis",
                "reconciler.payment-timeout-millis");
    }
}
