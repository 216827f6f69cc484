package dev.floodgate.checkout.outbox;

import dev.floodgate.contracts.http.Json;
import dev.floodgate.contracts.payment.PaymentRequest;
import dev.floodgate.runtime.log.RequestId;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.TypedMessageBuilder;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Moves committed payment requests from the outbox table to Pulsar. A row is deleted only after the broker has
 * acknowledged the message, in the same transaction that locked it, so a crash or a broker outage at any point
 * leads to a resend, never a loss. Several checkout instances share the work (SKIP LOCKED). A resend can duplicate a
 * message; the payment worker is idempotent by order id, so a duplicate has no effect.
 *
 * <p>A row holds the message as {@link PaymentRequest} (version 2) and goes to its topic with that schema. A row an
 * older checkout wrote (version 1: the order's fields copied in, on the v1 topic) is sent as it is, byte for byte, to
 * its own topic, whose registered v1 schema checks it ({@code AUTO_PRODUCE_BYTES}): an upgrade loses no queued
 * payment, and no v2 message ever lands on a v1 topic (Pulsar would refuse the schema, and old workers could not read
 * it). The worker drains the v1 topic too.
 */
public final class OutboxRelay implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(OutboxRelay.class.getName());

    private final DataSource dataSource;
    private final PulsarClient pulsar;
    private final int batchSize;
    private final Duration pollInterval;
    private final Duration sendTimeout;
    private final Map<String, Producer<PaymentRequest>> producers = new ConcurrentHashMap<>();
    /** Producers for rows written by an older checkout (see the class comment), by topic. */
    private final Map<String, Producer<byte[]>> verbatimProducers = new ConcurrentHashMap<>();
    private final Object signal = new Object();
    private final AtomicLong relayed = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;
    private boolean woken;

    public OutboxRelay(DataSource dataSource, PulsarClient pulsar, int batchSize, Duration pollInterval,
                       Duration sendTimeout) {
        if (batchSize < 1 || batchSize > 1000) {
            throw new IllegalArgumentException("outbox batch size must be 1..1000");
        }
        this.dataSource = dataSource;
        this.pulsar = pulsar;
        this.batchSize = batchSize;
        this.pollInterval = pollInterval;
        this.sendTimeout = sendTimeout;
        this.thread = Thread.ofPlatform().name("floodgate-outbox-relay").daemon().start(this::run);
    }

    /** Asks the relay to look now rather than at its next poll (called after an order commits). */
    public void wakeUp() {
        synchronized (signal) {
            woken = true;
            signal.notifyAll();
        }
    }

    public long relayed() {
        return relayed.get();
    }

    /** Rows not yet relayed (for health and metrics). */
    public long pending() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select count(*) from checkout.outbox");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            return -1;
        }
    }

    private void run() {
        long backoffMillis = 0;
        while (running) {
            try {
                int moved = relayBatch();
                backoffMillis = 0;
                if (moved == batchSize) {
                    continue;
                }
            } catch (Exception e) {
                backoffMillis = Math.min(Math.max(backoffMillis * 2, 200), 5_000);
                LOG.log(System.Logger.Level.WARNING, "outbox relay failed, retrying in " + backoffMillis + " ms: " + e);
            }
            await(backoffMillis > 0 ? backoffMillis : pollInterval.toMillis());
        }
    }

    /** Relays up to one batch; answers how many rows it moved. */
    int relayBatch() throws SQLException, PulsarClientException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                List<Long> ids = new ArrayList<>();
                List<CompletableFuture<MessageId>> acks = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("select id, topic, message_key, payload::text, request_id"
                        + " from checkout.outbox order by id limit ? for update skip locked")) {
                    ps.setInt(1, batchSize);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            // Pipelined: the whole batch is in flight at once (in order, per producer) ...
                            TypedMessageBuilder<?> message = message(rs.getString(2), rs.getString(3),
                                    rs.getString(4));
                            String requestId = rs.getString(5);
                            if (requestId != null) {
                                message.property(RequestId.MESSAGE_PROPERTY, requestId);
                            }
                            acks.add(message.sendAsync());
                            ids.add(rs.getLong(1));
                        }
                    }
                }
                // ... and no row is deleted before the broker has acknowledged every message of the batch. Any
                // failure rolls the whole batch back: its rows are sent again later (duplicates are harmless).
                awaitAcks(acks);
                if (!ids.isEmpty()) {
                    try (PreparedStatement ps = c.prepareStatement("delete from checkout.outbox where id = any(?)")) {
                        Array array = c.createArrayOf("bigint", ids.toArray());
                        ps.setArray(1, array);
                        ps.executeUpdate();
                    }
                }
                c.commit();
                relayed.addAndGet(ids.size());
                return ids.size();
            } catch (SQLException | PulsarClientException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private void awaitAcks(List<CompletableFuture<MessageId>> acks) throws PulsarClientException {
        // Each send fails by itself after the producer's send timeout; the margin only guards against a lost future.
        long deadline = System.nanoTime() + sendTimeout.toNanos() + TimeUnit.SECONDS.toNanos(5);
        for (CompletableFuture<MessageId> ack : acks) {
            try {
                ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() instanceof CompletionException ce && ce.getCause() != null
                        ? ce.getCause() : e.getCause();
                if (cause instanceof PulsarClientException pce) {
                    throw pce;
                }
                throw new PulsarClientException(cause);
            } catch (TimeoutException e) {
                throw new PulsarClientException.TimeoutException("no broker acknowledgement within "
                        + sendTimeout.toMillis() + " ms (+5 s)");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PulsarClientException(e);
            }
        }
    }

    /** The row's message: a {@link PaymentRequest}, or the payload as stored when an older checkout wrote it. */
    private TypedMessageBuilder<?> message(String topic, String key, String payload) throws PulsarClientException {
        PaymentRequest request;
        try {
            request = Json.read(payload, PaymentRequest.class);
        } catch (RuntimeException notVersion2) {
            // Not this version's shape: the topic's own schema is the judge (a row matching none fails the batch,
            // which is retried, as any unsendable row always was).
            return producer(verbatimProducers, topic, Schema.AUTO_PRODUCE_BYTES()).newMessage().key(key)
                    .value(payload.getBytes(StandardCharsets.UTF_8));
        }
        return producer(producers, topic, Schema.JSON(PaymentRequest.class)).newMessage().key(key).value(request);
    }

    private <T> Producer<T> producer(Map<String, Producer<T>> byTopic, String topic, Schema<T> schema)
            throws PulsarClientException {
        Producer<T> existing = byTopic.get(topic);
        if (existing != null) {
            return existing;
        }
        // No client-side batching: each message is persisted and acknowledged on its own; a batch of rows is
        // deleted only once all of its messages are acknowledged.
        Producer<T> created = pulsar.newProducer(schema)
                .topic(topic)
                .enableBatching(false)
                .sendTimeout((int) sendTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .blockIfQueueFull(true)
                .create();
        byTopic.put(topic, created);
        return created;
    }

    private void await(long millis) {
        synchronized (signal) {
            if (!woken && running) {
                try {
                    signal.wait(millis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    running = false;
                }
            }
            woken = false;
        }
    }

    @Override
    public void close() {
        running = false;
        wakeUp();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producers.values().forEach(p -> p.closeAsync());
        verbatimProducers.values().forEach(p -> p.closeAsync());
    }
}
