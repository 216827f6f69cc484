package dev.floodgate.checkout;

import dev.floodgate.engines.fixture.Engines;
import dev.floodgate.grid.Grid;
import dev.floodgate.runtime.ServiceConfig;

import java.util.Map;

/** A checkout on a free port, on the test engines, trusting {@link TestIssuer}'s tokens: the API tests' server. */
final class RunningCheckout {
    private RunningCheckout() {
    }

    static CheckoutServer start(Engines engines, Grid grid, TestIssuer issuer, String topic) {
        return CheckoutServer.start(ServiceConfig.load("checkout.yaml", Map.of(
                "server.port", "0",
                "db.url", engines.jdbcUrl(), "db.user", engines.user(), "db.password", engines.password(),
                "pulsar.service-url", engines.pulsarServiceUrl(),
                "pulsar.topics.payment-requests", engines.topic(topic),
                "admission.jwks-url", issuer.jwksUrl())), grid);
    }
}
