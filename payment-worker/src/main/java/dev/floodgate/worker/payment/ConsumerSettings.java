package dev.floodgate.worker.payment;

import dev.floodgate.contracts.payment.Topics;
import dev.floodgate.runtime.ServiceConfig;
import io.helidon.config.Config;

import java.time.Duration;
import java.util.List;

/**
 * The worker's Pulsar side ({@code pulsar.*} and {@code worker.max-in-flight}).
 *
 * @param topic                 payment requests ({@code pulsar.topics.payment-requests})
 * @param topicV1               payment requests of version 1, drained as well ({@code pulsar.topics.payment-requests-v1},
 *                              blank: none); see {@link dev.floodgate.contracts.payment.PaymentRequest}
 * @param subscription          shared by every worker instance ({@code pulsar.subscription})
 * @param deadLetterTopic       where a request goes after {@code maxRedeliveries} nacks
 *                              ({@code pulsar.dead-letter.topic}, default {@code <topic>-dlq})
 * @param deadLetterSubscription created with the dead-letter topic so that its messages are kept until read
 * @param maxRedeliveries       {@code pulsar.dead-letter.max-redeliveries}
 * @param nackMinDelay          first redelivery delay of a nacked request ({@code pulsar.negative-ack.min-delay-millis})
 * @param nackMaxDelay          longest redelivery delay ({@code pulsar.negative-ack.max-delay-millis})
 * @param maxInFlight           requests handled at once ({@code worker.max-in-flight})
 */
public record ConsumerSettings(String serviceUrl, String topic, String topicV1, String subscription,
                               String deadLetterTopic, String deadLetterSubscription, int maxRedeliveries,
                               Duration nackMinDelay, Duration nackMaxDelay, int maxInFlight) {
    public static final String DEFAULT_SUBSCRIPTION = "floodgate-payment-worker";

    public ConsumerSettings {
        if (maxInFlight < 1 || maxInFlight > 1_000) {
            throw new IllegalArgumentException("worker.max-in-flight must be 1..1000");
        }
        if (topicV1 != null && (topicV1.isBlank() || topicV1.equals(topic))) {
            topicV1 = null;
        }
        if (maxRedeliveries < 1) {
            throw new IllegalArgumentException("pulsar.dead-letter.max-redeliveries must be positive");
        }
    }

    /** Every topic the worker reads: the current one, then the version-1 topic when set. */
    public List<String> topics() {
        return topicV1 == null ? List.of(topic) : List.of(topic, topicV1);
    }

    public static ConsumerSettings from(Config config) {
        Config pulsar = config.get("pulsar");
        String topic = pulsar.get("topics.payment-requests").asString().orElse(Topics.PAYMENT_REQUESTS);
        String dlq = pulsar.get("dead-letter.topic").asString().filter(s -> !s.isBlank()).orElse(topic + "-dlq");
        return new ConsumerSettings(
                pulsar.get("service-url").asString().orElse("pulsar://127.0.0.1:6650"),
                topic,
                pulsar.get("topics.payment-requests-v1").asString().orElse(Topics.PAYMENT_REQUESTS_V1),
                pulsar.get("subscription").asString().orElse(DEFAULT_SUBSCRIPTION),
                dlq,
                pulsar.get("dead-letter.subscription").asString().orElse(DEFAULT_SUBSCRIPTION + "-dlq"),
                pulsar.get("dead-letter.max-redeliveries").asInt().orElse(10),
                ServiceConfig.millis(pulsar.get("negative-ack.min-delay-millis"), 1_000),
                ServiceConfig.millis(pulsar.get("negative-ack.max-delay-millis"), 60_000),
                config.get("worker.max-in-flight").asInt().orElse(32));
    }
}
