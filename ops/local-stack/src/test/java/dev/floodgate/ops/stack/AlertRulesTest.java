package dev.floodgate.ops.stack;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The alert rules of {@code ops/observability/prometheus}: valid for Prometheus, and each alert fires on the figures
 * of its trouble and stays quiet on healthy ones ({@code alerts_test.yml}). promtool must have nothing to say.
 */
class AlertRulesTest {
    @BeforeAll
    static void tools() {
        Promtool.ready();
    }

    @Test
    void theRulesAreValid() {
        Promtool.Run check = Promtool.promtool(null, "check", "rules", "prometheus/alerts.yml");
        assertThat(check.exitCode()).as(check.output()).isZero();
        assertThat(check.output()).as(check.output()).contains("SUCCESS").doesNotContainIgnoringCase("warn");
    }

    @Test
    void eachAlertFiresOnItsTroubleAndNotOnHealthyFigures() {
        Promtool.Run test = Promtool.promtool(null, "test", "rules", "prometheus/alerts_test.yml");
        assertThat(test.exitCode()).as(test.output()).isZero();
        assertThat(test.output()).as(test.output()).contains("SUCCESS").doesNotContain("FAILED");
    }
}
