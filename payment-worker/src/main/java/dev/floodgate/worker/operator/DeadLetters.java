package dev.floodgate.worker.operator;

import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Reader;
import org.apache.pulsar.client.api.Schema;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What an operator sees of the dead-letter topic: the payment requests the worker gave up on, read with a Pulsar
 * Reader (nothing is consumed or acknowledged; the topic's own subscription keeps them until someone deals with them).
 * Their orders do not stay AWAITING_PAYMENT: the reconciler settles them once they are overdue.
 */
public final class DeadLetters {
    private final PulsarClient client;
    private final String topic;

    public DeadLetters(PulsarClient client, String topic) {
        this.client = client;
        this.topic = topic;
    }

    public record Entry(String messageId, String key, Instant publishedAt, String payload) {
    }

    public record Listing(String topic, int count, boolean truncated, List<Entry> messages) {
    }

    /** Up to {@code limit} messages, oldest first; {@code count} counts every message read (up to 10,000). */
    public Listing list(int limit) throws java.io.IOException {
        List<Entry> entries = new ArrayList<>();
        int count = 0;
        try (Reader<byte[]> reader = client.newReader(Schema.BYTES).topic(topic).startMessageId(MessageId.earliest)
                .readerName("floodgate-dlq-operator").create()) {
            while (count < 10_000 && reader.hasMessageAvailable()) {
                Message<byte[]> m = reader.readNext(2, TimeUnit.SECONDS);
                if (m == null) {
                    break;
                }
                count++;
                if (entries.size() < limit) {
                    String payload = new String(m.getValue(), StandardCharsets.UTF_8);
                    entries.add(new Entry(m.getMessageId().toString(), m.getKey(),
                            Instant.ofEpochMilli(m.getPublishTime()),
                            payload.length() > 2_000 ? payload.substring(0, 2_000) : payload));
                }
            }
        }
        return new Listing(topic, count, count >= 10_000, entries);
    }
}
