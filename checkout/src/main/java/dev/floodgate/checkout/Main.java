package dev.floodgate.checkout;

import dev.floodgate.runtime.ServiceConfig;

/** Runs checkout on its own: {@code java -cp ... dev.floodgate.checkout.Main}, configured by checkout.yaml + env. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        CheckoutServer server = CheckoutServer.start(ServiceConfig.load("checkout.yaml"));
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "checkout-shutdown"));
        System.out.println("checkout listening on " + server.url());
    }
}
