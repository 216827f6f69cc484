package dev.floodgate.runtime.pulsar;

import io.helidon.config.Config;
import org.apache.pulsar.client.api.AuthenticationFactory;
import org.apache.pulsar.client.api.ClientBuilder;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A service's Pulsar client from its {@code pulsar} config node, the same for checkout and the payment-worker:
 * <ul>
 *   <li>{@code service-url}: {@code pulsar://host:6650}, or {@code pulsar+ssl://host:6651} for TLS;</li>
 *   <li>{@code tls.trust-certs-file}: PEM of the CA that signed the brokers' certificates (else the JVM's trust
 *   store); host names are always verified;</li>
 *   <li>{@code auth.token} (from a secret: {@code PULSAR_AUTH_TOKEN}) or {@code auth.token-file}: the client's
 *   token, for brokers with token authentication.</li>
 * </ul>
 * A token over plain {@code pulsar://} is refused at start unless {@code auth.allow-plaintext-token} is true
 * (loopback tests): a token sent in clear is a token given away.
 */
public final class PulsarClients {
    private PulsarClients() {
    }

    public static PulsarClient from(Config pulsar) throws PulsarClientException {
        String url = pulsar.get("service-url").asString().orElse("pulsar://127.0.0.1:6650");
        boolean tls = url.startsWith("pulsar+ssl://");
        ClientBuilder builder = PulsarClient.builder().serviceUrl(url).operationTimeout(10, TimeUnit.SECONDS);
        if (tls) {
            builder.enableTlsHostnameVerification(true).allowTlsInsecureConnection(false);
            pulsar.get("tls.trust-certs-file").asString().ifPresent(builder::tlsTrustCertsFilePath);
        }
        String token = token(pulsar.get("auth"));
        if (token != null) {
            if (!tls && !pulsar.get("auth.allow-plaintext-token").asBoolean().orElse(false)) {
                throw new IllegalArgumentException("pulsar.auth.token needs a pulsar+ssl:// service-url (or "
                        + "pulsar.auth.allow-plaintext-token: true on a trusted network)");
            }
            builder.authentication(AuthenticationFactory.token(token));
        }
        return builder.build();
    }

    private static String token(Config auth) {
        String inline = auth.get("token").asString().orElse("").strip();
        String file = auth.get("token-file").asString().orElse("").strip();
        if (!inline.isEmpty() && !file.isEmpty()) {
            throw new IllegalArgumentException("set pulsar.auth.token or pulsar.auth.token-file, not both");
        }
        if (!file.isEmpty()) {
            try {
                return Files.readString(Path.of(file)).strip();
            } catch (IOException e) {
                throw new UncheckedIOException("pulsar.auth.token-file cannot be read: " + file, e);
            }
        }
        return inline.isEmpty() ? null : inline;
    }
}
