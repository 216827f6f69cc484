package dev.floodgate.worker.payment;

import dev.floodgate.contracts.payment.PaymentRequest;
import dev.floodgate.runtime.log.RequestId;
import dev.floodgate.worker.payment.WorkerMetrics.Name;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.DeadLetterPolicy;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.apache.pulsar.client.api.SubscriptionType;
import org.apache.pulsar.client.impl.MultiplierRedeliveryBackoff;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Reads payment requests from Pulsar (Shared subscription: any number of workers split the stream) and hands each
 * to the {@link PaymentProcessor} on a virtual thread, at most {@code maxInFlight} at once. A request is acknowledged
 * only after the processor has recorded and settled it; anything else is negatively acknowledged and comes back
 * later (with growing delays), until the dead-letter policy moves it to the dead-letter topic.
 *
 * <p>Topics: the current one and, unless configured away, the version-1 topic an older checkout wrote to, so an
 * upgrade drains what was queued before it. Both are read as bytes ({@code Schema.BYTES}: one consumer over topics of
 * two schemas; a bytes consumer registers none) and decoded by {@link PaymentRequest#read}, which takes the order id
 * of either version and applies the record's validation; a message that is not such JSON is nacked like any
 * unprocessable request. Checkout's producer registers the topic's schema.
 */
public final class PaymentConsumer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PaymentConsumer.class.getName());

    private final PulsarClient client;
    private final ConsumerSettings settings;
    private final PaymentProcessor processor;
    private final WorkerMetrics metrics;
    private final Semaphore inFlight;
    private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
    private final Thread loop;
    private volatile Consumer<byte[]> consumer;
    private volatile boolean running = true;

    public PaymentConsumer(PulsarClient client, ConsumerSettings settings, PaymentProcessor processor,
                           WorkerMetrics metrics) {
        this.client = client;
        this.settings = settings;
        this.processor = processor;
        this.metrics = metrics;
        this.inFlight = new Semaphore(settings.maxInFlight());
        this.loop = Thread.ofPlatform().name("floodgate-payment-consumer").daemon().start(this::run);
    }

    /** Readiness: subscribed and connected to the broker. */
    public boolean isConnected() {
        Consumer<byte[]> c = consumer;
        return c != null && c.isConnected();
    }

    /** Payment requests being processed now (received, not yet acknowledged or nacked). */
    public int inFlight() {
        return settings.maxInFlight() - inFlight.availablePermits();
    }

    /**
     * Messages the client has fetched from the broker and not handed over yet: the backlog the Pulsar client can see
     * without an admin call (the subscription's full backlog is the broker's figure).
     */
    public int receiverQueueMessages() {
        Consumer<byte[]> c = consumer;
        if (c == null) {
            return 0;
        }
        Integer queued = c.getStats().getMsgNumInReceiverQueue();
        return queued == null ? 0 : queued;
    }

    private Consumer<byte[]> subscribe() throws PulsarClientException {
        return client.newConsumer(Schema.BYTES)
                .topics(settings.topics())
                .subscriptionName(settings.subscription())
                .subscriptionType(SubscriptionType.Shared)
                .subscriptionInitialPosition(SubscriptionInitialPosition.Earliest)
                .consumerName("floodgate-payment-worker-" + ProcessHandle.current().pid())
                .receiverQueueSize(Math.max(10, settings.maxInFlight()))
                .negativeAckRedeliveryBackoff(MultiplierRedeliveryBackoff.builder()
                        .minDelayMs(settings.nackMinDelay().toMillis())
                        .maxDelayMs(settings.nackMaxDelay().toMillis())
                        .multiplier(2)
                        .build())
                .deadLetterPolicy(DeadLetterPolicy.builder()
                        .maxRedeliverCount(settings.maxRedeliveries())
                        .deadLetterTopic(settings.deadLetterTopic())
                        .initialSubscriptionName(settings.deadLetterSubscription())
                        .build())
                .subscribe();
    }

    private void run() {
        long backoff = 0;
        while (running && consumer == null) {
            try {
                consumer = subscribe();
                LOG.log(System.Logger.Level.INFO, "subscribed to " + settings.topics() + " as "
                        + settings.subscription());
            } catch (PulsarClientException e) {
                backoff = Math.min(Math.max(backoff * 2, 500), 10_000);
                LOG.log(System.Logger.Level.WARNING, "cannot subscribe to " + settings.topics() + ", retrying in "
                        + backoff + " ms: " + e.getMessage());
                pause(backoff);
            }
        }
        while (running) {
            try {
                inFlight.acquire();
            } catch (InterruptedException e) {
                break;
            }
            Message<byte[]> message;
            try {
                message = consumer.receive(250, TimeUnit.MILLISECONDS);
            } catch (PulsarClientException e) {
                inFlight.release();
                if (running) {
                    LOG.log(System.Logger.Level.WARNING, "receive failed: " + e.getMessage());
                    pause(500);
                }
                continue;
            }
            if (message == null) {
                inFlight.release();
                continue;
            }
            try {
                handlers.execute(() -> {
                    try {
                        handle(message);
                    } finally {
                        inFlight.release();
                    }
                });
            } catch (RuntimeException e) {
                inFlight.release();
                consumer.negativeAcknowledge(message);
            }
        }
    }

    /** With the placing request's id in scope (the message's property), so every line about it carries that id. */
    private void handle(Message<byte[]> message) {
        String requestId = message.getProperty(RequestId.MESSAGE_PROPERTY);
        RequestId.run(RequestId.isWellFormed(requestId) ? requestId : null, () -> settle(message));
    }

    private void settle(Message<byte[]> message) {
        PaymentRequest request;
        try {
            request = PaymentRequest.read(message.getData());
        } catch (RuntimeException e) {
            metrics.increment(Name.MESSAGES_UNPARSABLE);
            LOG.log(System.Logger.Level.WARNING, "unreadable payment request " + message.getMessageId()
                    + " (delivery " + (message.getRedeliveryCount() + 1) + "): " + e.getMessage());
            nack(message);
            return;
        }
        PaymentProcessor.Disposition disposition;
        try {
            disposition = processor.process(request);
            // Provider circuit open: hold the message (and its in-flight slot, which slows intake) until the breaker
            // lets calls through, instead of burning redeliveries towards the dead-letter topic.
            for (int waits = 0; disposition == PaymentProcessor.Disposition.PROVIDER_OPEN && waits < 5 && running;
                 waits++) {
                processor.awaitProvider(processor.breakerDelay().plusSeconds(1));
                disposition = processor.process(request);
            }
            if (disposition == PaymentProcessor.Disposition.PROVIDER_OPEN) {
                disposition = PaymentProcessor.Disposition.RETRY_LATER;
            }
        } catch (Exception e) {
            // The database or the grid failed mid-way: every step is idempotent, so simply try again later.
            LOG.log(System.Logger.Level.WARNING, "payment request for order " + request.orderId()
                    + " failed, will be redelivered: " + e);
            disposition = PaymentProcessor.Disposition.RETRY_LATER;
        }
        switch (disposition) {
            case ACK -> {
                metrics.increment(Name.MESSAGES_ACKED);
                consumer.acknowledgeAsync(message).exceptionally(e -> {
                    // Not fatal: the request comes back and settles again as a no-op.
                    LOG.log(System.Logger.Level.WARNING, "acknowledgement of " + message.getMessageId()
                            + " failed: " + e);
                    return null;
                });
            }
            case RETRY_LATER -> {
                metrics.increment(Name.MESSAGES_RETRIED);
                nack(message);
            }
            case UNPROCESSABLE, PROVIDER_OPEN -> nack(message);
        }
    }

    /**
     * Nacks; the delivery that has used up its redeliveries is counted as dead-lettered, since the client moves it to
     * the dead-letter topic instead of delivering it again. Its order does not stay stuck: the reconciler settles it.
     */
    private void nack(Message<byte[]> message) {
        if (message.getRedeliveryCount() >= settings.maxRedeliveries()) {
            metrics.increment(Name.MESSAGES_DEAD_LETTERED);
            LOG.log(System.Logger.Level.WARNING, "payment request " + message.getMessageId() + " (key "
                    + message.getKey() + ") goes to the dead-letter topic " + settings.deadLetterTopic());
        }
        consumer.negativeAcknowledge(message);
    }

    private void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        loop.interrupt();
        try {
            loop.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        handlers.shutdown();
        try {
            handlers.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Consumer<byte[]> c = consumer;
        if (c != null) {
            try {
                c.close();
            } catch (PulsarClientException e) {
                LOG.log(System.Logger.Level.DEBUG, "closing the consumer: " + e.getMessage());
            }
        }
    }
}
