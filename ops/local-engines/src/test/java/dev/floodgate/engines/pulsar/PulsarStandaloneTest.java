package dev.floodgate.engines.pulsar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floodgate.engines.fixture.Engines;
import dev.floodgate.engines.fixture.SharedEngines;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedEngines.class)
class PulsarStandaloneTest {

    @Test
    void producesAndConsumesAMessage(Engines engines) throws Exception {
        String topic = engines.topic("greetings");
        try (PulsarClient client = PulsarClient.builder().serviceUrl(engines.pulsarServiceUrl()).build();
             Consumer<String> consumer = client.newConsumer(Schema.STRING).topic(topic).subscriptionName("test")
                     .subscriptionInitialPosition(SubscriptionInitialPosition.Earliest).subscribe();
             Producer<String> producer = client.newProducer(Schema.STRING).topic(topic).create()) {
            producer.send("hello");

            Message<String> received = consumer.receive(30, TimeUnit.SECONDS);

            assertThat(received).isNotNull();
            assertThat(received.getValue()).isEqualTo("hello");
            consumer.acknowledge(received);
        }
    }

    @Test
    void brokerRestartKeepsUnacknowledgedMessages(Engines engines) throws Exception {
        String topic = engines.topic("payment-requests");
        try (PulsarClient client = PulsarClient.builder().serviceUrl(engines.pulsarServiceUrl()).build();
             Consumer<byte[]> consumer = client.newConsumer().topic(topic).subscriptionName("worker")
                     .isAckReceiptEnabled(true).subscribe();
             Producer<byte[]> producer = client.newProducer().topic(topic).enableBatching(false).create()) {
            for (int i = 1; i <= 5; i++) {
                producer.send(("m" + i).getBytes(StandardCharsets.UTF_8));
            }
            for (int i = 1; i <= 2; i++) {
                consumer.acknowledge(consumer.receive(30, TimeUnit.SECONDS)); // ack m1, m2
            }
        }
        long stopStart = System.nanoTime();

        engines.pulsar().restart();

        System.out.printf("Pulsar restart: stop %d ms, start %d ms (total %d ms)%n",
                engines.pulsar().lastStopDuration().toMillis(), engines.pulsar().lastStartDuration().toMillis(),
                (System.nanoTime() - stopStart) / 1_000_000);
        assertThat(engines.pulsar().serviceUrl()).isEqualTo(engines.pulsarServiceUrl());
        try (PulsarClient client = PulsarClient.builder().serviceUrl(engines.pulsarServiceUrl()).build();
             Consumer<byte[]> consumer = client.newConsumer().topic(topic).subscriptionName("worker").subscribe()) {
            List<String> redelivered = new ArrayList<>();
            Message<byte[]> m;
            while (redelivered.size() < 3 && (m = consumer.receive(30, TimeUnit.SECONDS)) != null) {
                redelivered.add(new String(m.getValue(), StandardCharsets.UTF_8));
            }
            assertThat(consumer.receive(200, TimeUnit.MILLISECONDS)).isNull();
            assertThat(redelivered).containsExactly("m3", "m4", "m5");
        }
    }
}
