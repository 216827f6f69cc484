package dev.floodgate.worker.webhook;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.floodgate.contracts.error.ApiException;
import dev.floodgate.contracts.http.Json;
import dev.floodgate.contracts.http.JsonHttp;
import dev.floodgate.contracts.order.OrderStatus;
import dev.floodgate.orders.OrderRow;
import dev.floodgate.runtime.Database;
import dev.floodgate.worker.gateway.ProviderCharge;
import dev.floodgate.worker.payment.ChargeRecord;
import dev.floodgate.worker.payment.PaymentProcessor;
import dev.floodgate.worker.payment.PaymentStore;
import dev.floodgate.worker.payment.WorkerMetrics.Name;
import dev.floodgate.worker.payment.WorkerMetrics;
import dev.floodgate.worker.refund.Refunds;
import io.helidon.config.Config;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The provider's webhook-style callbacks, {@code POST /webhooks/provider}: "charge X succeeded / was declined".
 * Providers send them at least once, possibly twice, possibly out of order; each is verified ({@link
 * WebhookSignature}, secret {@code provider.webhook-secret}, tolerance {@code provider.webhook-tolerance-seconds})
 * and applied idempotently through the same settlement as the worker's own answer: an order still awaiting payment
 * settles (often before the worker's HTTP answer arrives); a succeeded charge of an order that already ended unpaid
 * is refunded ({@link Refunds}, once however often the callback comes); a settled order, a duplicate, or a callback
 * for an order we do not know is acknowledged with 200 and changes nothing. A charge's outcome never changes at the provider, so the
 * order of arrival does not matter. Without a secret the route is not served at all.
 */
public final class WebhookRoutes {
    public static final HeaderName SIGNATURE = HeaderNames.create("X-Provider-Signature");
    private static final System.Logger LOG = System.getLogger(WebhookRoutes.class.getName());
    private static final ObjectMapper LENIENT = Json.MAPPER.copy()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Event(String id, String type, ProviderCharge data) {
    }

    private final WebhookSignature signature;
    private final PaymentStore store;
    private final PaymentProcessor processor;
    private final WorkerMetrics metrics;

    private WebhookRoutes(WebhookSignature signature, PaymentStore store, PaymentProcessor processor,
                          WorkerMetrics metrics) {
        this.signature = signature;
        this.store = store;
        this.processor = processor;
        this.metrics = metrics;
    }

    public static WebhookRoutes from(Config provider, PaymentStore store, PaymentProcessor processor,
                                     WorkerMetrics metrics) {
        WebhookSignature signature = provider.get("webhook-secret").asString().filter(s -> !s.isBlank())
                .map(secret -> new WebhookSignature(secret,
                        provider.get("webhook-tolerance-seconds").asLong().orElse(300L), Clock.systemUTC()))
                .orElse(null);
        return new WebhookRoutes(signature, store, processor, metrics);
    }

    public void register(HttpRouting.Builder routing) {
        if (signature == null) {
            return;
        }
        routing.post("/webhooks/provider", (req, res) -> {
            byte[] body = JsonHttp.readBytes(req, 64 * 1024);
            if (!signature.verify(req.headers().first(SIGNATURE).orElse(null), body)) {
                metrics.increment(Name.WEBHOOKS_REJECTED);
                throw ApiException.unauthorized("webhook signature is not valid");
            }
            metrics.increment(Name.WEBHOOKS_ACCEPTED);
            Event event;
            try {
                event = LENIENT.readValue(body, Event.class);
            } catch (IOException e) {
                throw ApiException.badRequest("webhook body is not an event", null);
            }
            if (event == null) {
                // The JSON literal null reads as no event at all (found by WorkerFuzzTest: it was a 500).
                throw ApiException.badRequest("webhook body is not an event", null);
            }
            try {
                JsonHttp.ok(res, Map.of("result", apply(event)));
            } catch (SQLException e) {
                // The provider retries callbacks that fail: 503 asks for exactly that.
                throw Database.isUnavailable(e) ? ApiException.unavailable("try again later")
                        : new IllegalStateException("webhook failed", e);
            }
        });
    }

    String apply(Event event) throws SQLException {
        ProviderCharge charge = event.data();
        if (charge == null || charge.reference() == null || charge.id() == null
                || !(ProviderCharge.SUCCEEDED.equals(charge.status()) || ProviderCharge.DECLINED.equals(charge.status()))) {
            return "ignored";
        }
        UUID orderId;
        try {
            orderId = UUID.fromString(charge.reference());
        } catch (IllegalArgumentException e) {
            return "ignored";
        }
        Optional<OrderRow> order = store.findOrder(orderId);
        if (order.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "provider callback " + event.id() + " for unknown order " + orderId);
            return "unknown-order";
        }
        boolean succeeded = ProviderCharge.SUCCEEDED.equals(charge.status());
        OrderStatus status = order.get().status();
        if (status != OrderStatus.AWAITING_PAYMENT && !(succeeded && status != OrderStatus.PAID)) {
            return "already-settled";
        }
        if (status != OrderStatus.AWAITING_PAYMENT) {
            // A charge that landed after the order ended unpaid (expired, failed): the fan was charged for nothing.
            // Settling records the refund it owes and asks the provider (same key every time: once in effect).
            if (processor.refunds().find(orderId).map(r -> r.status() == Refunds.Status.SUCCEEDED).orElse(false)) {
                return "already-refunded";
            }
            processor.settle(order.get(), new PaymentStore.Outcome(ChargeRecord.Status.SUCCEEDED, charge.id(), null,
                    null, 0), 0);
            return processor.refunds().find(orderId)
                    .map(r -> r.status() == Refunds.Status.SUCCEEDED ? "refunded"
                            : "refund-" + r.status().name().toLowerCase(java.util.Locale.ROOT))
                    .orElse("already-settled");
        }
        PaymentStore.Outcome outcome = ProviderCharge.SUCCEEDED.equals(charge.status())
                ? new PaymentStore.Outcome(ChargeRecord.Status.SUCCEEDED, charge.id(), null, null, 0)
                : new PaymentStore.Outcome(ChargeRecord.Status.DECLINED, charge.id(),
                charge.declineCode() == null ? "declined" : charge.declineCode(),
                "card declined: " + (charge.declineCode() == null ? "declined" : charge.declineCode()), 0);
        processor.settle(order.get(), outcome, 0);
        metrics.increment(Name.WEBHOOKS_SETTLED);
        return "settled";
    }

    static String text(byte[] body) {
        return new String(body, StandardCharsets.UTF_8);
    }
}
