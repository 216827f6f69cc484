package dev.floodgate.ops.simulator;

import dev.floodgate.contracts.error.ApiException;
import io.helidon.config.Config;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * SIMULATOR: scripted faults on {@code POST /v1/charges}, the seam for failure testing. Today it can
 * <ul>
 *   <li>fail the next N charge requests before anything is charged ({@code failBeforeCharge}),</li>
 *   <li>charge, then fail the response of the next N requests ({@code failAfterCharge}: the client never learns that
 *       the charge happened, the case idempotency keys exist for),</li>
 *   <li>charge, then hold the response of the next N requests for {@code delayMillis} ({@code delayCount}: a slow
 *       processor that the client gives up on),</li>
 *   <li>on {@code POST /v1/refunds}: fail the next N refund requests before refunding ({@code refundFailBefore}), or
 *       refund and then fail the answer ({@code refundFailAfter}: the refund exists, the client does not know).</li>
 * </ul>
 * Set at start from {@code simulator.faults.*} or at run time through {@code POST /v1/simulator/faults}.
 * Random behaviour (latency distributions, decline rates, timeouts, 5xx bursts) is {@link Chaos}; callbacks are
 * {@link Webhooks}.
 */
public final class Faults {
    /**
     * @param failBeforeCharge requests to refuse with {@code failStatus} before charging
     * @param failAfterCharge  requests to charge and then answer {@code failStatus}
     * @param failStatus       the status of injected failures (5xx)
     * @param delayMillis      how long to hold a response after charging
     * @param delayCount       how many responses to hold
     * @param refundFailBefore refund requests to refuse with {@code failStatus} before refunding
     * @param refundFailAfter  refund requests to refund and then answer {@code failStatus}
     */
    public record Plan(Integer failBeforeCharge, Integer failAfterCharge, Integer failStatus, Long delayMillis,
                       Integer delayCount, Integer refundFailBefore, Integer refundFailAfter) {
        public static final Plan NONE = new Plan(0, 0, 503, 0L, 0);

        /** Faults on charges only. */
        public Plan(Integer failBeforeCharge, Integer failAfterCharge, Integer failStatus, Long delayMillis,
                    Integer delayCount) {
            this(failBeforeCharge, failAfterCharge, failStatus, delayMillis, delayCount, 0, 0);
        }

        /** Faults on refunds only. */
        public static Plan refunds(int failBefore, int failAfter, int failStatus) {
            return new Plan(0, 0, failStatus, 0L, 0, failBefore, failAfter);
        }

        public Plan {
            failBeforeCharge = failBeforeCharge == null ? 0 : failBeforeCharge;
            failAfterCharge = failAfterCharge == null ? 0 : failAfterCharge;
            failStatus = failStatus == null ? 503 : failStatus;
            delayMillis = delayMillis == null ? 0L : delayMillis;
            delayCount = delayCount == null ? 0 : delayCount;
            refundFailBefore = refundFailBefore == null ? 0 : refundFailBefore;
            refundFailAfter = refundFailAfter == null ? 0 : refundFailAfter;
            if (failBeforeCharge < 0 || failAfterCharge < 0 || delayCount < 0 || refundFailBefore < 0
                    || refundFailAfter < 0) {
                throw ApiException.badRequest("fault counts must not be negative", null);
            }
            if (failStatus < 500 || failStatus > 599) {
                throw ApiException.badRequest("injected failures must be 5xx", "failStatus");
            }
            if (delayMillis < 0 || delayMillis > 120_000) {
                throw ApiException.badRequest("delay must be 0..120000 ms", "delayMillis");
            }
        }

        static Plan from(Config faults) {
            return new Plan(faults.get("fail-before-charge").asInt().orElse(0),
                    faults.get("fail-after-charge").asInt().orElse(0),
                    faults.get("fail-status").asInt().orElse(503),
                    faults.get("delay-millis").asLong().orElse(0L),
                    faults.get("delay-count").asInt().orElse(0),
                    faults.get("refund-fail-before").asInt().orElse(0),
                    faults.get("refund-fail-after").asInt().orElse(0));
        }
    }

    private final AtomicReference<Plan> plan = new AtomicReference<>(Plan.NONE);
    private final AtomicInteger failBefore = new AtomicInteger();
    private final AtomicInteger failAfter = new AtomicInteger();
    private final AtomicInteger delays = new AtomicInteger();
    private final AtomicInteger refundFailBefore = new AtomicInteger();
    private final AtomicInteger refundFailAfter = new AtomicInteger();

    public synchronized void set(Plan next) {
        plan.set(next);
        failBefore.set(next.failBeforeCharge());
        failAfter.set(next.failAfterCharge());
        delays.set(next.delayCount());
        refundFailBefore.set(next.refundFailBefore());
        refundFailAfter.set(next.refundFailAfter());
    }

    /** What is left of the current plan. */
    public synchronized Plan remaining() {
        Plan p = plan.get();
        return new Plan(failBefore.get(), failAfter.get(), p.failStatus(), p.delayMillis(), delays.get(),
                refundFailBefore.get(), refundFailAfter.get());
    }

    /** Before charging: the status to fail with, or 0 to go on. */
    int beforeCharge() {
        return takeOne(failBefore) ? plan.get().failStatus() : 0;
    }

    /** After charging: the status to fail with, or 0 to answer normally. */
    int afterCharge() {
        return takeOne(failAfter) ? plan.get().failStatus() : 0;
    }

    /** After charging: how long to hold the answer (0 = not at all). */
    long delayAfterCharge() {
        return takeOne(delays) ? plan.get().delayMillis() : 0L;
    }

    /** Before refunding: the status to fail with, or 0 to go on. */
    int beforeRefund() {
        return takeOne(refundFailBefore) ? plan.get().failStatus() : 0;
    }

    /** After refunding: the status to fail with, or 0 to answer normally. */
    int afterRefund() {
        return takeOne(refundFailAfter) ? plan.get().failStatus() : 0;
    }

    private static boolean takeOne(AtomicInteger counter) {
        return counter.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
    }
}
