package dev.floodgate.checkout;

import dev.floodgate.runtime.ServiceConfig;
import dev.floodgate.runtime.log.Logs;

/** Runs checkout on its own: {@code java -cp ... dev.floodgate.checkout.Main}, configured by checkout.yaml + env. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        io.helidon.config.Config config = ServiceConfig.load("checkout.yaml");
        Logs.install(config, "checkout");
        CheckoutServer server = CheckoutServer.start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "checkout-shutdown"));
        System.out.println("checkout listening on " + server.url());
    }
}
