package dev.floodgate.runtime;

import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;

import java.util.function.BooleanSupplier;

/** Readiness checks for {@code /observe/health}: "can this service do its work right now". */
public final class Readiness {
    private Readiness() {
    }

    /** Up while {@code up} answers true; a check that throws counts as down (fail closed). */
    public static HealthCheck check(String name, BooleanSupplier up) {
        return new HealthCheck() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public HealthCheckType type() {
                return HealthCheckType.READINESS;
            }

            @Override
            public HealthCheckResponse call() {
                boolean ok;
                try {
                    ok = up.getAsBoolean();
                } catch (RuntimeException e) {
                    ok = false;
                }
                return HealthCheckResponse.builder().status(ok).build();
            }
        };
    }
}
