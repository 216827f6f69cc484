package dev.floodgate.checkout.pulsar;

import dev.floodgate.engines.fixture.TestCertificates;
import dev.floodgate.engines.pulsar.Hs256;
import dev.floodgate.engines.pulsar.PulsarStandalone;
import dev.floodgate.engines.support.ProcessSupport;
import dev.floodgate.runtime.pulsar.PulsarClients;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Pulsar with token authentication and TLS, as a deployment should run it, through the services' own client factory
 * ({@link PulsarClients}, what checkout and the payment-worker build from their {@code pulsar} config): a client with
 * the CA and a token gets through over {@code pulsar+ssl://}; no token, or a client trusting another CA, does not.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PulsarSecurityTest {
    private Path dir;
    private TestCertificates certs;
    private PulsarStandalone pulsar;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("pulsar-security");
        ProcessSupport.chmod(dir, "rwxr-xr-x");
        certs = TestCertificates.makeIn(dir.resolve("certs"));
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        pulsar = PulsarStandalone.builder().dataDir(dir.resolve("pulsar")).fastUnsafe(true)
                .security(new PulsarStandalone.Security(secret, new PulsarStandalone.Tls(certs.serverCertificate(),
                        certs.serverKey(), certs.caCertificate())))
                .build().start();
    }

    @AfterAll
    void stop() {
        if (pulsar != null) {
            pulsar.close();
        }
    }

    private static Config pulsarConfig(Map<String, String> values) {
        Map<String, String> keyed = new HashMap<>();
        values.forEach((k, v) -> keyed.put("pulsar." + k, v));
        return Config.just(ConfigSources.create(keyed)).get("pulsar");
    }

    @Test
    void aServiceWithTheCaAndATokenSendsAndReceivesOverTls() throws Exception {
        String topic = "persistent://public/default/secured-" + System.nanoTime();
        try (PulsarClient client = PulsarClients.from(pulsarConfig(Map.of("service-url", pulsar.tlsServiceUrl(),
                "tls.trust-certs-file", certs.caCertificate().toString(), "auth.token", pulsar.token("checkout"))));
             Consumer<String> consumer = client.newConsumer(Schema.STRING).topic(topic).subscriptionName("s")
                     .subscriptionInitialPosition(SubscriptionInitialPosition.Earliest).subscribe();
             Producer<String> producer = client.newProducer(Schema.STRING).topic(topic).create()) {
            producer.send("paid");
            Message<String> got = consumer.receive(30, TimeUnit.SECONDS);
            assertThat(got).isNotNull();
            assertThat(got.getValue()).isEqualTo("paid");
        }
    }

    @Test
    void withoutATokenNothingIsProducedEvenOverTls() throws Exception {
        try (PulsarClient client = PulsarClients.from(pulsarConfig(Map.of("service-url", pulsar.tlsServiceUrl(),
                "tls.trust-certs-file", certs.caCertificate().toString())))) {
            assertThatThrownBy(() -> client.newProducer(Schema.STRING)
                    .topic("persistent://public/default/no-token").sendTimeout(5, TimeUnit.SECONDS).create())
                    .isInstanceOf(PulsarClientException.class);
        }
        byte[] otherSecret = new byte[32];
        java.util.Arrays.fill(otherSecret, (byte) 7);
        try (PulsarClient client = PulsarClients.from(pulsarConfig(Map.of("service-url", pulsar.tlsServiceUrl(),
                "tls.trust-certs-file", certs.caCertificate().toString(),
                "auth.token", Hs256.token("checkout", otherSecret))))) {
            assertThatThrownBy(() -> client.newProducer(Schema.STRING)
                    .topic("persistent://public/default/forged-token").create())
                    .as("a token signed with another secret").isInstanceOf(PulsarClientException.class);
        }
    }

    @Test
    void aClientTrustingAnotherAuthorityRefusesTheBroker() throws Exception {
        Path stranger = TestCertificates.otherAuthority(dir.resolve("other"));
        try (PulsarClient client = PulsarClients.from(pulsarConfig(Map.of("service-url", pulsar.tlsServiceUrl(),
                "tls.trust-certs-file", stranger.toString(), "auth.token", pulsar.token("checkout"))))) {
            assertThatThrownBy(() -> client.newProducer(Schema.STRING)
                    .topic("persistent://public/default/wrong-ca").create())
                    .isInstanceOf(PulsarClientException.class);
        }
    }

    @Test
    void aTokenOverPlainTcpIsRefusedAtStartUnlessAllowed() {
        assertThatThrownBy(() -> PulsarClients.from(pulsarConfig(Map.of("service-url", pulsar.serviceUrl(),
                "auth.token", pulsar.token("checkout"))))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pulsar+ssl://");
    }
}
