package dev.floodgate.worker.gateway;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.floodgate.contracts.http.Json;
import dev.floodgate.runtime.HttpClients;
import dev.floodgate.runtime.log.AccessLog;
import dev.floodgate.runtime.log.RequestId;
import io.helidon.faulttolerance.CircuitBreaker;
import io.helidon.faulttolerance.CircuitBreakerOpenException;
import io.helidon.faulttolerance.Retry;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.ClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The worker's HTTP client of the card processor (Helidon WebClient over real HTTP). Each charge is sent with the
 * order id as {@code Idempotency-Key} (each refund with {@code refund:<order id>}) and retried with exponential backoff and jitter (Helidon fault-tolerance
 * {@link Retry}) on timeouts, connection errors, 5xx, 408, 409 and 429 — each retry is safe because of the key.
 * A decline or any other 4xx is an answer, not a failure, and is returned at once.
 *
 * <p>Why 409 is retried rather than final: a provider answers 409 when a request with the same key is still in
 * flight (or was different): in both cases a charge may exist, so the order must not be failed on it.
 */
public final class ProviderGateway {
    public static final HeaderName IDEMPOTENCY_KEY = HeaderNames.create("Idempotency-Key");
    private static final System.Logger LOG = System.getLogger(ProviderGateway.class.getName());
    private static final int MAX_REASON_LENGTH = 300;
    /** Calls to the provider at once (and kept-alive connections); above the worker's messages in flight. */
    private static final int MAX_CONCURRENT_CALLS = 128;

    /** The provider's replies are read leniently: a real provider adds fields over time. */
    private static final ObjectMapper LENIENT = Json.MAPPER.copy()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final ProviderSettings settings;
    /** Clients borrowed per call: one shared WebClient can misread responses under concurrency (HttpClients). */
    private final HttpClients.Confined clients;
    private final Retry retry;
    private final CircuitBreaker breaker;
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong shortCircuited = new AtomicLong();
    private final ProviderMeters meters;

    public ProviderGateway(ProviderSettings settings) {
        this.settings = settings;
        this.clients = HttpClients.confined(MAX_CONCURRENT_CALLS, settings.readTimeout(), builder -> builder
                .baseUri(settings.url())
                .connectTimeout(settings.connectTimeout())
                .readTimeout(settings.readTimeout())
                .followRedirects(false));
        BackoffPolicy backoff = new BackoffPolicy(settings.maxAttempts(), settings.initialBackoff().toMillis(),
                settings.maxBackoff().toMillis(), settings.jitter());
        this.retry = Retry.builder()
                .name("floodgate-provider-charge")
                .retryPolicy(backoff)
                .calls(settings.maxAttempts())
                .applyOn(Set.of(RetryableFailure.class))
                .overallTimeout(settings.worstCase())
                .build();
        // Around each attempt, inside the retry: attempts that taught nothing (timeouts, 5xx...) count as failures;
        // declines and other answers are successes. Once open, charges fail fast without a call for the delay,
        // and their messages are nacked and come back later (the outcome stays unknown, nothing was asked).
        this.breaker = CircuitBreaker.builder()
                .name("floodgate-provider")
                .volume(settings.breakerVolume())
                .errorRatio(settings.breakerErrorRatio())
                .delay(settings.breakerDelay())
                .successThreshold(settings.breakerSuccessThreshold())
                .applyOn(Set.of(RetryableFailure.class))
                .build();
        this.meters = new ProviderMeters(breaker);
    }

    /** CLOSED, OPEN or HALF_OPEN. */
    public CircuitBreaker.State breakerState() {
        return breaker.state();
    }

    /** Charges refused without a call because the breaker was open. */
    public long shortCircuited() {
        return shortCircuited.get();
    }

    public ProviderSettings settings() {
        return settings;
    }

    /** Retries made so far by this gateway (all charges together). */
    public long retries() {
        return retries.get();
    }

    /**
     * Charges once per idempotency key.
     *
     * @throws ProviderUnavailableException no answer after every attempt: the outcome is unknown
     */
    public ChargeResult charge(ChargeCommand command) throws ProviderUnavailableException {
        return withRetries("charging", command.idempotencyKey(), attempt -> attempt(command, attempt));
    }

    /**
     * Refunds once per idempotency key, with the same retries, backoff and circuit breaker as charges (each retry
     * is safe because of the key).
     *
     * @throws ProviderUnavailableException no answer after every attempt: the refund may or may not exist
     */
    public RefundResult refund(RefundCommand command) throws ProviderUnavailableException {
        return withRetries("refunding", command.idempotencyKey(), attempt -> refundAttempt(command, attempt));
    }

    private <T> T withRetries(String what, String key, java.util.function.IntFunction<T> attempt)
            throws ProviderUnavailableException {
        AtomicInteger attempts = new AtomicInteger();
        try {
            return retry.invoke(() -> breaker.invoke(() -> {
                if (attempts.incrementAndGet() > 1) {
                    retries.incrementAndGet();
                }
                return attempt.apply(attempts.get());
            }));
        } catch (CircuitBreakerOpenException e) {
            shortCircuited.incrementAndGet();
            throw new ProviderUnavailableException("provider circuit breaker open, not called for " + key,
                    attempts.get(), true, e);
        } catch (RetryableFailure e) {
            throw new ProviderUnavailableException("no answer from the provider for " + key + " (" + e.getMessage()
                    + ")", attempts.get(), e);
        } catch (RuntimeException e) {
            // The retry's overall timeout or anything unexpected: still an unknown outcome, never a failed order.
            throw new ProviderUnavailableException(what + " " + key + " failed: " + e, attempts.get(), e);
        }
    }

    /**
     * Asks the provider whether a charge was made under this key ({@code GET /v1/charges?idempotencyKey=}); one
     * attempt, for reconciliation of unknown outcomes.
     */
    public Optional<ProviderCharge> findByIdempotencyKey(String idempotencyKey) throws ProviderUnavailableException {
        try {
            Answer res = exchange(c -> traced(c.get("/v1/charges").queryParam("idempotencyKey", idempotencyKey)).request());
            if (res.status() != 200) {
                throw new ProviderUnavailableException("charge lookup answered HTTP " + res.status(), 1, null);
            }
            List<ProviderCharge> found = LENIENT.readValue(res.body(), ChargeList.class).data();
            return found.isEmpty() ? Optional.empty() : Optional.of(found.getFirst());
        } catch (IOException | RuntimeException e) {
            throw new ProviderUnavailableException("charge lookup failed: " + e, 1, e);
        }
    }

    /**
     * Every charge the provider lists at {@code path} (for audits; the simulator serves
     * {@code /v1/simulator/charges}, a real processor a paginated list). One attempt.
     */
    public List<ProviderCharge> listCharges(String path) throws ProviderUnavailableException {
        try {
            Answer res = exchange(c -> traced(c.get(path)).request());
            if (res.status() != 200) {
                throw new ProviderUnavailableException("charge listing answered HTTP " + res.status(), 1, null);
            }
            return LENIENT.readValue(res.body(), ChargeList.class).data();
        } catch (IOException | RuntimeException e) {
            throw new ProviderUnavailableException("charge listing failed: " + e, 1, e);
        }
    }

    /**
     * Every refund the provider lists at {@code path} (for audits; the simulator serves {@code /v1/simulator/refunds}).
     * One attempt.
     */
    public List<ProviderRefund> listRefunds(String path) throws ProviderUnavailableException {
        try {
            Answer res = exchange(c -> traced(c.get(path)).request());
            if (res.status() != 200) {
                throw new ProviderUnavailableException("refund listing answered HTTP " + res.status(), 1, null);
            }
            return LENIENT.readValue(res.body(), RefundList.class).data();
        } catch (IOException | RuntimeException e) {
            throw new ProviderUnavailableException("refund listing failed: " + e, 1, e);
        }
    }

    private RefundResult refundAttempt(RefundCommand command, int attempt) {
        Answer answer = post("/v1/refunds", command.idempotencyKey(), command.body(), attempt, "refund");
        if (answer.status() == 200 || answer.status() == 201) {
            ProviderRefund refund = answer.read(ProviderRefund.class, "refund");
            if (refund.id() == null || !ProviderRefund.SUCCEEDED.equals(refund.status())) {
                // A refund still pending at the provider (real processors have those) is asked about again later.
                throw new RetryableFailure("refund without an id or not succeeded (" + refund.status() + ") in HTTP "
                        + answer.status(), null);
            }
            return new RefundResult.Succeeded(refund.id(), attempt);
        }
        return new RefundResult.Rejected(answer.status(), "HTTP " + answer.status() + ": " + reason(answer.body()),
                attempt);
    }

    private ChargeResult attempt(ChargeCommand command, int attempt) {
        Answer answer = post("/v1/charges", command.idempotencyKey(), command.body(), attempt, "charge");
        if (answer.status() == 200 || answer.status() == 201) {
            ProviderCharge charge = answer.read(ProviderCharge.class, "charge");
            if (charge.id() == null) {
                throw new RetryableFailure("a charge without an id in HTTP " + answer.status(), null);
            }
            return switch (charge.status() == null ? "" : charge.status()) {
                case ProviderCharge.SUCCEEDED -> new ChargeResult.Succeeded(charge.id(), attempt);
                case ProviderCharge.DECLINED -> new ChargeResult.Declined(charge.id(),
                        charge.declineCode() == null ? "declined" : charge.declineCode(), attempt);
                default -> throw new RetryableFailure("unknown charge status " + charge.status(), null);
            };
        }
        return new ChargeResult.Rejected(answer.status(), "HTTP " + answer.status() + ": " + reason(answer.body()),
                attempt);
    }

    /** A provider answer that is neither a transport failure nor a retryable status. */
    private record Answer(int status, String body) {
        <T> T read(Class<T> type, String what) {
            try {
                return LENIENT.readValue(body, type);
            } catch (IOException e) {
                throw new RetryableFailure("unreadable " + what + " in HTTP " + status, e);
            }
        }
    }

    /**
     * One idempotent POST to the provider. Transport failures (connection refused or reset, read timeout, broken
     * stream: nothing was learnt) and 408/409/429/5xx answers are retryable; anything else is answered.
     */
    private Answer post(String path, String idempotencyKey, Object body, int attempt, String what) {
        Answer answer;
        long started = meters.started();
        try {
            answer = exchange(c -> traced(c.post(path))
                    .header(IDEMPOTENCY_KEY, idempotencyKey)
                    .header(HeaderNames.CONTENT_TYPE, "application/json")
                    .header(HeaderNames.ACCEPT, "application/json")
                    .submit(Json.write(body)));
        } catch (RuntimeException e) {
            meters.ended(started, what, "error");
            LOG.log(System.Logger.Level.DEBUG, () -> "provider " + what + " attempt " + attempt + " for "
                    + idempotencyKey + " failed: " + e);
            throw new RetryableFailure(rootMessage(e), e);
        }
        int status = answer.status();
        boolean retryable = status == 408 || status == 409 || status == 429 || status >= 500;
        meters.ended(started, what, retryable ? "retryable" : "answered");
        if (retryable) {
            LOG.log(System.Logger.Level.DEBUG, () -> "provider " + what + " attempt " + attempt + " for "
                    + idempotencyKey + " answered HTTP " + status);
            throw new RetryableFailure("HTTP " + status, null);
        }
        return answer;
    }

    /** One request through a borrowed client, its whole body read before the client goes back. */
    private Answer exchange(Function<WebClient, HttpClientResponse> send) {
        // The retry and breaker may call from another thread: the payment request's id goes with the call.
        String requestId = RequestId.current().orElse(null);
        return clients.call(c -> {
            try (HttpClientResponse res = sendWith(requestId, send, c)) {
                return new Answer(res.status().code(), res.entity().hasEntity() ? res.as(String.class) : "");
            }
        });
    }

    private static HttpClientResponse sendWith(String requestId, Function<WebClient, HttpClientResponse> send,
                                               WebClient c) {
        HttpClientResponse[] res = new HttpClientResponse[1];
        RequestId.run(requestId, () -> res[0] = send.apply(c));
        return res[0];
    }

    /** The provider's logs can then be searched for the same id as ours (the simulator's access log has it). */
    private static <T extends ClientRequest<T>> T traced(T request) {
        RequestId.current().ifPresent(id -> request.header(AccessLog.HEADER, id));
        return request;
    }

    /** The first error message of our error body, or the start of whatever came. */
    private static String reason(String body) {
        try {
            JsonNode message = LENIENT.readTree(body).path("errors").path(0).path("message");
            if (message.isTextual()) {
                return truncate(message.asText());
            }
        } catch (IOException | RuntimeException e) {
            // not JSON: fall through
        }
        return truncate(body.isBlank() ? "no reason given" : body);
    }

    private static String truncate(String text) {
        return text.length() <= MAX_REASON_LENGTH ? text : text.substring(0, MAX_REASON_LENGTH);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }

    @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
    record ChargeList(List<ProviderCharge> data) {
    }

    @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
    record RefundList(List<ProviderRefund> data) {
    }

    /** An attempt that taught nothing: worth another try with the same key. */
    static final class RetryableFailure extends RuntimeException {
        RetryableFailure(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }
}
