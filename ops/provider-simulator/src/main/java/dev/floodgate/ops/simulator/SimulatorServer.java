package dev.floodgate.ops.simulator;

import dev.floodgate.contracts.error.ApiException;
import dev.floodgate.contracts.http.JsonHttp;
import dev.floodgate.ops.simulator.Api.ChargeList;
import dev.floodgate.ops.simulator.Api.ChargeRequest;
import dev.floodgate.ops.simulator.Api.PaymentMethod;
import dev.floodgate.ops.simulator.Api.PaymentMethodRequest;
import dev.floodgate.ops.simulator.Api.RefundList;
import dev.floodgate.ops.simulator.Api.RefundRequest;
import dev.floodgate.runtime.Cors;
import dev.floodgate.runtime.Servers;
import io.helidon.config.Config;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * <h2>Payment-provider SIMULATOR — not a payment processor</h2>
 *
 * A small HTTP server that stands in for an external card processor in development, tests and load tests. It moves
 * no money and talks to no bank. Its books (payment methods, charges, refunds, idempotency keys) are in memory, and
 * also journalled to {@code simulator.ledger-file} when that is set, so that they survive a restart as a real
 * processor's do (see {@link Ledger}). Every response carries {@code X-Simulator: true} and every log line starts
 * with {@code SIMULATOR}.
 *
 * <h3>API (Stripe-like, JSON, camelCase)</h3>
 * <ul>
 *   <li>{@code POST /v1/payment-methods} {@code {cardNumber, expMonth, expYear, cvc}} → 201
 *       {@code {id:"pm_...", last4, brand}}. The fan's browser calls this directly: Floodgate never sees a card
 *       number. Numbers failing Luhn → 400. Well-known tokens {@code pm_card_visa}, {@code pm_card_chargeDeclined},
 *       {@code pm_card_chargeDeclinedInsufficientFunds} work without this call.</li>
 *   <li>{@code POST /v1/charges}, header {@code Idempotency-Key} (required), body
 *       {@code {amountMinor, currency, paymentMethodId, reference}} → 201 (new) or 200 (replay, with
 *       {@code Idempotent-Replayed: true}) {@code {id:"ch_...", status:"succeeded"|"declined", declineCode,
 *       amountMinor, currency, paymentMethodId, reference, created}}. One charge per key, even under concurrent
 *       requests; the same key with a different body → 409.</li>
 *   <li>{@code GET /v1/charges/{id}} → 200 charge or 404.</li>
 *   <li>{@code GET /v1/charges?reference=...} or {@code ?idempotencyKey=...} → 200 {@code {data:[charge...]}}
 *       (empty when nothing was charged): "did this charge happen?" A charge shows {@code amountRefunded}.</li>
 *   <li>{@code POST /v1/refunds}, header {@code Idempotency-Key} (required), body {@code {chargeId, amountMinor,
 *       reason}} ({@code amountMinor} optional: all that is left) → 201 (new) or 200 (replay, with
 *       {@code Idempotent-Replayed: true}) {@code {id:"re_...", chargeId, status:"succeeded", amountMinor, currency,
 *       reason, reference, created}} ({@code reference}: the charge's). One refund per key; the same key with a
 *       different body → 409; unknown charge → 404; a declined charge or more than is left → 400.</li>
 *   <li>{@code GET /v1/refunds/{id}} → 200 refund or 404; {@code GET /v1/refunds?chargeId=...} → 200
 *       {@code {data:[refund...]}}.</li>
 *   <li>Test cards: {@value TestCards#SUCCEEDS} succeeds, {@value TestCards#DECLINED} declines
 *       ({@code card_declined}), {@value TestCards#INSUFFICIENT_FUNDS} declines ({@code insufficient_funds}); any
 *       other Luhn-valid number succeeds.</li>
 *   <li>Simulator only: {@code GET /v1/simulator/charges} and {@code GET /v1/simulator/refunds} (every charge or
 *       refund remembered, for audits),
 *       {@code POST /v1/simulator/reset} (forget everything, in the ledger file too; 204), {@code GET|POST /v1/simulator/faults}
 *       (see {@link Faults}), {@code GET|POST /v1/simulator/chaos} (random latency, declines, timeouts, 5xx bursts:
 *       see {@link Chaos}), {@code GET /v1/simulator/webhooks} (callback counts).</li>
 *   <li>Webhook-style callbacks of every new charge, HMAC-signed, sometimes duplicated, unordered: see
 *       {@link Webhooks}.</li>
 * </ul>
 * Errors use Floodgate's body {@code {"errors":[{"message":"...","field":"..."}]}}. Health and metrics are at
 * {@code /observe/health} and {@code /observe/metrics}.
 *
 * <h3>Configuration (classpath {@code provider-simulator.yaml})</h3>
 * {@code server.port}, {@code server.host}, {@code cors.allowed-origins}, {@code simulator.max-charges},
 * {@code simulator.max-payment-methods}, {@code simulator.ledger-file} (empty: books in memory only),
 * {@code simulator.faults.*} (see {@link Faults.Plan}), {@code simulator.chaos.*} (see {@link Chaos.Plan}),
 * {@code simulator.webhooks.*} (see {@link Webhooks.Settings}).
 */
public final class SimulatorServer implements AutoCloseable {
    public static final String DEFAULTS_RESOURCE = "provider-simulator.yaml";
    public static final HeaderName SIMULATOR_HEADER = HeaderNames.create("X-Simulator");
    public static final HeaderName IDEMPOTENCY_KEY = HeaderNames.create("Idempotency-Key");
    public static final HeaderName IDEMPOTENT_REPLAYED = HeaderNames.create("Idempotent-Replayed");
    public static final int MAX_IDEMPOTENCY_KEY_LENGTH = 255;

    private static final System.Logger LOG = System.getLogger(SimulatorServer.class.getName());

    private final WebServer server;
    private final Ledger ledger;
    private final Faults faults;
    private final Chaos chaos;
    private final Webhooks webhooks;
    /** Whether {@link #close} closes the ledger too: only when this server opened it. */
    private final boolean ownsLedger;

    private SimulatorServer(WebServer server, Ledger ledger, boolean ownsLedger, Faults faults, Chaos chaos,
                            Webhooks webhooks) {
        this.server = server;
        this.ownsLedger = ownsLedger;
        this.ledger = ledger;
        this.faults = faults;
        this.chaos = chaos;
        this.webhooks = webhooks;
    }

    /**
     * Starts on books sized from {@code simulator.*}: those kept in {@code simulator.ledger-file} when it is set (what
     * it holds is replayed), else fresh ones in memory.
     */
    public static SimulatorServer start(Config config) {
        Config sim = config.get("simulator");
        int maxCharges = sim.get("max-charges").asInt().orElse(Ledger.DEFAULT_MAX_CHARGES);
        int maxPaymentMethods = sim.get("max-payment-methods").asInt().orElse(Ledger.DEFAULT_MAX_PAYMENT_METHODS);
        Ledger ledger = sim.get("ledger-file").asString().filter(f -> !f.isBlank())
                .map(f -> Ledger.open(Path.of(f), maxCharges, maxPaymentMethods, Clock.systemUTC()))
                .orElseGet(() -> new Ledger(maxCharges, maxPaymentMethods, Clock.systemUTC()));
        try {
            return start(config, ledger, true);
        } catch (RuntimeException e) {
            ledger.close();
            throw e;
        }
    }

    /** Starts on books that outlive the server (a test restarting the "provider" keeps its charges). */
    public static SimulatorServer start(Config config, Ledger ledger) {
        return start(config, ledger, false);
    }

    private static SimulatorServer start(Config config, Ledger ledger, boolean ownsLedger) {
        Faults faults = new Faults();
        faults.set(Faults.Plan.from(config.get("simulator.faults")));
        Chaos chaos = new Chaos();
        chaos.set(Chaos.Plan.from(config.get("simulator.chaos")));
        Webhooks webhooks = new Webhooks(Webhooks.Settings.from(config.get("simulator.webhooks")), Clock.systemUTC());
        WebServer server = Servers.start("simulator", config.get("server"), Cors.from(config.get("cors")),
                routing -> routes(routing, ledger, faults, chaos, webhooks), List.of());
        SimulatorServer simulator = new SimulatorServer(server, ledger, ownsLedger, faults, chaos, webhooks);
        LOG.log(System.Logger.Level.INFO, "SIMULATOR: payment-provider simulator (not a real processor) listening on "
                + simulator.url());
        return simulator;
    }

    public int port() {
        return server.port();
    }

    /** Base URL, e.g. {@code http://127.0.0.1:8090}. */
    public String url() {
        return "http://127.0.0.1:" + port();
    }

    public Ledger ledger() {
        return ledger;
    }

    public Faults faults() {
        return faults;
    }

    public Chaos chaos() {
        return chaos;
    }

    public Webhooks webhooks() {
        return webhooks;
    }

    @Override
    public void close() {
        int port = server.port();
        server.stop();
        webhooks.close();
        if (ownsLedger) {
            ledger.close();
        }
        LOG.log(System.Logger.Level.INFO, "SIMULATOR: stopped (was on port " + port + ")");
    }

    private static void routes(HttpRouting.Builder routing, Ledger ledger, Faults faults, Chaos chaos,
                               Webhooks webhooks) {
        routing.addFilter((chain, req, res) -> {
                    res.header(SIMULATOR_HEADER, "true");
                    chain.proceed();
                })
                .post("/v1/payment-methods", guard((req, res) -> {
                    PaymentMethod method = ledger.tokenise(JsonHttp.read(req, PaymentMethodRequest.class));
                    LOG.log(System.Logger.Level.DEBUG, "SIMULATOR: tokenised a " + method.brand() + " card ending "
                            + method.last4() + " as " + method.id());
                    JsonHttp.created(res, method);
                }))
                .post("/v1/charges", guard((req, res) -> charge(req, res, ledger, faults, chaos, webhooks)))
                .get("/v1/charges/{id}", guard((req, res) -> {
                    String id = req.path().pathParameters().get("id");
                    JsonHttp.ok(res, ledger.find(id).orElseThrow(() -> ApiException.notFound("no such charge")));
                }))
                .get("/v1/charges", guard((req, res) -> {
                    var reference = req.query().first("reference").asOptional();
                    var key = req.query().first("idempotencyKey").asOptional();
                    if (reference.isPresent() == key.isPresent()) {
                        throw ApiException.badRequest("give exactly one of reference or idempotencyKey", "reference");
                    }
                    JsonHttp.ok(res, new ChargeList(reference.map(ledger::findByReference)
                            .orElseGet(() -> ledger.findByIdempotencyKey(key.get()).map(List::of).orElse(List.of()))));
                }))
                .post("/v1/refunds", guard((req, res) -> refund(req, res, ledger, faults)))
                .get("/v1/refunds/{id}", guard((req, res) -> {
                    String id = req.path().pathParameters().get("id");
                    JsonHttp.ok(res, ledger.findRefund(id).orElseThrow(() -> ApiException.notFound("no such refund")));
                }))
                .get("/v1/refunds", guard((req, res) -> {
                    String charge = req.query().first("chargeId").asOptional().orElseThrow(
                            () -> ApiException.badRequest("chargeId is required", "chargeId"));
                    JsonHttp.ok(res, new RefundList(ledger.refundsOf(charge)));
                }))
                .get("/v1/simulator/charges", guard((req, res) -> JsonHttp.ok(res, new ChargeList(ledger.charges()))))
                .get("/v1/simulator/refunds", guard((req, res) -> JsonHttp.ok(res, new RefundList(ledger.refunds()))))
                .post("/v1/simulator/reset", guard((req, res) -> {
                    ledger.reset();
                    faults.set(Faults.Plan.NONE);
                    chaos.set(Chaos.Plan.NONE);
                    LOG.log(System.Logger.Level.INFO, "SIMULATOR: reset: all charges, refunds and payment methods"
                            + " forgotten (in the ledger file too, if any)");
                    res.status(204).send();
                }))
                .get("/v1/simulator/chaos", guard((req, res) -> JsonHttp.ok(res, chaos.plan())))
                .post("/v1/simulator/chaos", guard((req, res) -> {
                    Chaos.Plan plan = JsonHttp.read(req, Chaos.Plan.class);
                    chaos.set(plan);
                    LOG.log(System.Logger.Level.INFO, "SIMULATOR: chaos plan set: " + plan);
                    JsonHttp.ok(res, chaos.plan());
                }))
                .get("/v1/simulator/webhooks", guard((req, res) -> JsonHttp.ok(res,
                        Map.of("enabled", webhooks.enabled(), "sent", webhooks.sent(), "failed", webhooks.failed()))))
                .get("/v1/simulator/faults", guard((req, res) -> JsonHttp.ok(res, faults.remaining())))
                .post("/v1/simulator/faults", guard((req, res) -> {
                    Faults.Plan plan = JsonHttp.read(req, Faults.Plan.class);
                    faults.set(plan);
                    LOG.log(System.Logger.Level.INFO, "SIMULATOR: fault plan set: " + plan);
                    JsonHttp.ok(res, faults.remaining());
                }));
    }

    /**
     * Answers {@link ApiException}s in the handler itself: the routing's error handler resets the response headers,
     * and a simulator's errors must still say {@code X-Simulator: true}.
     */
    private static Handler guard(Handler handler) {
        return (req, res) -> {
            try {
                handler.handle(req, res);
            } catch (ApiException e) {
                if (res.isSent()) {
                    throw e;
                }
                res.header(SIMULATOR_HEADER, "true");
                JsonHttp.sendError(res, e);
            }
        };
    }

    private static void charge(ServerRequest req, ServerResponse res, Ledger ledger, Faults faults, Chaos chaos,
                               Webhooks webhooks) {
        String key = req.headers().first(IDEMPOTENCY_KEY).orElse(null);
        if (key == null || key.isBlank() || key.length() > MAX_IDEMPOTENCY_KEY_LENGTH) {
            throw ApiException.badRequest("an Idempotency-Key header of 1-" + MAX_IDEMPOTENCY_KEY_LENGTH
                    + " characters is required", "Idempotency-Key");
        }
        ChargeRequest request = JsonHttp.read(req, ChargeRequest.class);
        int failBefore = faults.beforeCharge();
        if (failBefore > 0) {
            LOG.log(System.Logger.Level.INFO, "SIMULATOR: injected " + failBefore + " before charging key " + key);
            throw ApiException.of(failBefore, "SIMULATOR injected failure (nothing was charged)");
        }
        long latency = chaos.latencyMillis();
        if (latency > 0) {
            pause(latency);
        }
        if (chaos.inBurst()) {
            throw ApiException.of(503, "SIMULATOR 5xx burst (nothing was charged)");
        }
        Ledger.Outcome outcome = ledger.charge(key, request, chaos.decline());
        if (!outcome.replayed()) {
            LOG.log(System.Logger.Level.DEBUG, () -> "SIMULATOR: charge " + outcome.charge().id() + " "
                    + outcome.charge().status() + (outcome.charge().declineCode() == null ? ""
                    : " (" + outcome.charge().declineCode() + ")") + " for reference " + request.reference());
            webhooks.chargeMade(outcome.charge());
        }
        // Taken now, for this request: a held answer must not use up faults meant for later requests.
        int failAfter = faults.afterCharge();
        long delay = Math.max(faults.delayAfterCharge(), chaos.timeoutHold());
        if (delay > 0) {
            LOG.log(System.Logger.Level.INFO, "SIMULATOR: holding the answer for key " + key + " " + delay + " ms");
            pause(delay);
        }
        if (failAfter > 0) {
            LOG.log(System.Logger.Level.INFO, "SIMULATOR: injected " + failAfter + " after charging key " + key);
            throw ApiException.of(failAfter, "SIMULATOR injected failure (the charge may have been made)");
        }
        if (outcome.replayed()) {
            res.header(IDEMPOTENT_REPLAYED, "true");
            JsonHttp.ok(res, outcome.charge());
        } else {
            JsonHttp.created(res, outcome.charge());
        }
    }

    private static void refund(ServerRequest req, ServerResponse res, Ledger ledger, Faults faults) {
        String key = req.headers().first(IDEMPOTENCY_KEY).orElse(null);
        if (key == null || key.isBlank() || key.length() > MAX_IDEMPOTENCY_KEY_LENGTH) {
            throw ApiException.badRequest("an Idempotency-Key header of 1-" + MAX_IDEMPOTENCY_KEY_LENGTH
                    + " characters is required", "Idempotency-Key");
        }
        RefundRequest request = JsonHttp.read(req, RefundRequest.class);
        int failBefore = faults.beforeRefund();
        if (failBefore > 0) {
            LOG.log(System.Logger.Level.INFO, "SIMULATOR: injected " + failBefore + " before refunding key " + key);
            throw ApiException.of(failBefore, "SIMULATOR injected failure (nothing was refunded)");
        }
        Ledger.RefundOutcome outcome = ledger.refund(key, request);
        if (!outcome.replayed()) {
            LOG.log(System.Logger.Level.INFO, "SIMULATOR: refund " + outcome.refund().id() + " of "
                    + outcome.refund().amountMinor() + " on charge " + request.chargeId());
        }
        int failAfter = faults.afterRefund();
        if (failAfter > 0) {
            LOG.log(System.Logger.Level.INFO, "SIMULATOR: injected " + failAfter + " after refunding key " + key);
            throw ApiException.of(failAfter, "SIMULATOR injected failure (the refund may have been made)");
        }
        if (outcome.replayed()) {
            res.header(IDEMPOTENT_REPLAYED, "true");
            JsonHttp.ok(res, outcome.refund());
        } else {
            JsonHttp.created(res, outcome.refund());
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts from {@link #DEFAULTS_RESOURCE} with the given overrides (the local stack passes ports). */
    public static SimulatorServer start(Map<String, String> overrides) {
        return start(dev.floodgate.runtime.ServiceConfig.load(DEFAULTS_RESOURCE, overrides));
    }
}
