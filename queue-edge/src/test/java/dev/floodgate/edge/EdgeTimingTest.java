package dev.floodgate.edge;

import dev.floodgate.grid.Grid;
import dev.floodgate.runtime.ServiceConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The queue edge reads the hold/payment timing rule (service-runtime's PaymentTiming) first thing at start and refuses to
 * start when it is broken: before it opens a database pool, reaches Pulsar or touches the grid, so no engine is needed
 * here (and no grid is given).
 */
class EdgeTimingTest {
    private static final Grid NO_GRID = null;

    @Test
    void refusesToStartWhenTheHoldDoesNotOutliveThePaymentTimeout() {
        var config = ServiceConfig.load(EdgeSettings.DEFAULTS, Map.of(
                "timing.hold-extension-millis", "600000", "timing.payment-timeout-millis", "600000"));

        assertThatThrownBy(() -> EdgeServer.start(config, NO_GRID))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timing.hold-extension-millis (600000) must exceed "
                        + "timing.payment-timeout-millis (600000) by at least 120000 ms");
    }

    @Test
    void refusesToStartWhenAKeyTheTimingReplacedIsStillSet() {
        var config = ServiceConfig.load(EdgeSettings.DEFAULTS, Map.of("reconciler.payment-timeout-millis", "300000"));

        assertThatThrownBy(() -> EdgeServer.start(config, NO_GRID))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reconciler.payment-timeout-millis is no longer read: set "
                        + "timing.payment-timeout-millis instead");
    }
}
