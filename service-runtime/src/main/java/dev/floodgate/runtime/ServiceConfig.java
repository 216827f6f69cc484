package dev.floodgate.runtime;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * How a service reads its configuration (Helidon Config), highest priority first: environment variables
 * ({@code DB_URL} overrides {@code db.url}; {@code _dash_} stands for a dash), system properties, an operator's
 * {@code application.yaml} in the working directory if present, the file named by {@value #CONFIG_FILE_PROPERTY}
 * (the distribution's {@code conf/<role>.yaml}) if set, then the service's own defaults on the class path.
 */
public final class ServiceConfig {
    /** System property naming a YAML file read above the defaults and below {@code ./application.yaml}. */
    public static final String CONFIG_FILE_PROPERTY = "floodgate.config";

    private ServiceConfig() {
    }

    public static Config load(String defaultsResource) {
        return load(defaultsResource, Map.of());
    }

    /** As {@link #load(String)}, with {@code overrides} above everything (the local stack uses this for ports and URLs). */
    public static Config load(String defaultsResource, Map<String, String> overrides) {
        var builder = Config.builder().disableEnvironmentVariablesSource().disableSystemPropertiesSource();
        builder.addSource(ConfigSources.create(overrides));
        builder.addSource(ConfigSources.environmentVariables());
        builder.addSource(ConfigSources.systemProperties());
        if (Files.isRegularFile(Path.of("application.yaml"))) {
            builder.addSource(ConfigSources.file("application.yaml"));
        }
        // The distribution's launcher names its role's file (conf/<role>.yaml, a ConfigMap in Kubernetes): below
        // an application.yaml, so an operator's file in the working directory still wins.
        String roleFile = System.getProperty(CONFIG_FILE_PROPERTY, "");
        if (!roleFile.isBlank()) {
            if (!Files.isRegularFile(Path.of(roleFile))) {
                throw new IllegalArgumentException(CONFIG_FILE_PROPERTY + " names no file: " + roleFile);
            }
            builder.addSource(ConfigSources.file(roleFile));
        }
        builder.addSource(ConfigSources.classpath(defaultsResource));
        return builder.build();
    }

    /** A duration written as milliseconds under a key that says so ({@code ...-millis}). */
    public static Duration millis(Config config, long defaultMillis) {
        long value = config.asLong().orElse(defaultMillis);
        if (value < 0) {
            throw new IllegalArgumentException(config.key() + " must not be negative");
        }
        return Duration.ofMillis(value);
    }
}
