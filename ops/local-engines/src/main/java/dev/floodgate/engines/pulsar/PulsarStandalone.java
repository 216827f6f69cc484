package dev.floodgate.engines.pulsar;

import dev.floodgate.engines.support.ProcessSupport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;

/**
 * The real Apache Pulsar standalone broker (one bookie, RocksDB metadata), run in a child JVM: Pulsar halts its JVM
 * on fatal errors, calls System.exit on bad arguments and clashes with the shaded client, so it must not share ours.
 * The broker class path comes from the resource written by ops/pulsar-runtime at build time.
 */
public final class PulsarStandalone implements AutoCloseable {

    static final String CLASSPATH_RESOURCE = "/dev/floodgate/engines/pulsar/broker.classpath";
    private static final String PORTS_FILE = "floodgate-ports.properties";
    /** {@code false} turns the broker JVM's AOT cache off. */
    public static final String AOT_PROPERTY = "floodgate.pulsar.aot";
    /** Where the launcher jar and AOT caches live; default ~/.cache/floodgate/pulsar. */
    public static final String CACHE_DIR_PROPERTY = "floodgate.pulsar.cacheDir";

    /**
     * How to run the broker. Ports 0: chosen on the first start, saved in the data folder and reused by later starts
     * and restarts (the bookie must keep its port: it is recorded in the bookie's cookie).
     */
    public record Settings(Path dataDir, int brokerPort, int webPort, boolean fastUnsafe, boolean aotCache,
                           Duration startTimeout, Duration stopTimeout, List<String> jvmArgs,
                           Map<String, String> brokerConfig, Security security) {
        public Settings {
            Objects.requireNonNull(dataDir, "dataDir");
            dataDir = dataDir.toAbsolutePath().normalize();
            startTimeout = startTimeout == null ? Duration.ofSeconds(90) : startTimeout;
            stopTimeout = stopTimeout == null ? Duration.ofSeconds(30) : stopTimeout;
            jvmArgs = List.copyOf(jvmArgs == null ? List.of() : jvmArgs);
            brokerConfig = Map.copyOf(brokerConfig == null ? Map.of() : brokerConfig);
        }
    }

    /**
     * Who may connect, and how: {@code tokenSecretKey} (HS256 secret, null: no authentication) makes the broker
     * accept only clients with a token it signed (see {@link #token(String)}; role {@value #ADMIN_ROLE} is the
     * superuser the standalone itself uses); {@code tls} adds a TLS port ({@link #tlsServiceUrl()}) serving that
     * certificate. The plain port stays open on 127.0.0.1 for the broker's own parts; a deployment closes it.
     */
    public record Security(byte[] tokenSecretKey, Tls tls) {
        public static final Security NONE = new Security(null, null);

        public Security {
            if (tokenSecretKey != null && tokenSecretKey.length < 32) {
                throw new IllegalArgumentException("a token secret key needs 32+ bytes");
            }
            tokenSecretKey = tokenSecretKey == null ? null : tokenSecretKey.clone();
        }
    }

    /** PEM files: the broker's certificate chain and key (PKCS#8), and the CA its own clients trust. */
    public record Tls(Path certificatePem, Path privateKeyPem, Path trustedCaPem) {
    }

    public static final String ADMIN_ROLE = "admin";

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private Path dataDir;
        private int brokerPort;
        private int webPort;
        private boolean fastUnsafe;
        private boolean aotCache = !"false".equalsIgnoreCase(System.getProperty(AOT_PROPERTY));
        private Duration startTimeout = Duration.ofSeconds(90);
        private Duration stopTimeout = Duration.ofSeconds(30);
        private final List<String> jvmArgs = new ArrayList<>();
        private final Map<String, String> brokerConfig = new LinkedHashMap<>();
        private Security security = Security.NONE;

        /** Token authentication and/or a TLS port (see {@link Security}). */
        public Builder security(Security security) { this.security = security; return this; }
        public Builder dataDir(Path dataDir) { this.dataDir = dataDir; return this; }
        public Builder brokerPort(int port) { this.brokerPort = port; return this; }
        public Builder webPort(int port) { this.webPort = port; return this; }
        /** Bookie journal without fsync: for tests, loses data on an OS crash (not on a broker crash). */
        public Builder fastUnsafe(boolean fastUnsafe) { this.fastUnsafe = fastUnsafe; return this; }
        /**
         * JDK 25+: the first start records an AOT cache (its stop then takes ~20 s longer), later starts load it and
         * are about twice as fast. Shared by all data folders; see {@link #CACHE_DIR_PROPERTY}.
         */
        public Builder aotCache(boolean aotCache) { this.aotCache = aotCache; return this; }
        public Builder startTimeout(Duration timeout) { this.startTimeout = timeout; return this; }
        public Builder stopTimeout(Duration timeout) { this.stopTimeout = timeout; return this; }
        /** Extra flags for the broker JVM, after ours (so they win). */
        public Builder jvmArg(String arg) { jvmArgs.add(arg); return this; }
        /** Any broker.conf/standalone.conf key; wins over our defaults. */
        public Builder config(String key, String value) { brokerConfig.put(key, value); return this; }

        public Settings settings() {
            return new Settings(dataDir, brokerPort, webPort, fastUnsafe, aotCache, startTimeout, stopTimeout, jvmArgs,
                    brokerConfig, security == null ? Security.NONE : security);
        }

        public PulsarStandalone build() {
            return new PulsarStandalone(settings());
        }
    }

    private final Settings settings;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process broker;
    private OutputStream lifeline; // the child's stdin: closes when this JVM dies, and the child follows
    private int brokerPort;
    private int webPort;
    private int bookiePort;
    private int tlsPort;
    private Duration lastStartDuration = Duration.ZERO;
    private Duration lastStopDuration = Duration.ZERO;
    private boolean shutdownHookAdded;
    private Path aotTraining; // the cache file this run records, moved into place after a clean exit
    private Path aotFinal;

    public PulsarStandalone(Settings settings) {
        this.settings = settings;
    }

    public synchronized PulsarStandalone start() {
        if (isRunning()) {
            return this;
        }
        long t0 = System.nanoTime();
        try {
            Path dataDir = settings.dataDir();
            Files.createDirectories(dataDir.resolve("conf"));
            choosePorts();
            Path conf = writeConf();
            Path log4j = writeLog4jConf();
            if (!shutdownHookAdded) {
                Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "pulsar-stop-" + brokerPort));
                shutdownHookAdded = true;
            }
            broker = ProcessSupport.launch(new ProcessBuilder(command(conf, log4j))
                    .directory(dataDir.toFile()) // anything Pulsar writes to a relative path lands here
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile())));
            lifeline = broker.getOutputStream();
            awaitReady(System.nanoTime() + settings.startTimeout().toNanos());
        } catch (IOException | RuntimeException e) {
            stop();
            String msg = "Pulsar did not start; log " + logFile() + ":\n" + ProcessSupport.tail(logFile(), 40);
            throw e instanceof IOException io ? new UncheckedIOException(msg, io) : new IllegalStateException(msg, e);
        }
        lastStartDuration = Duration.ofNanos(System.nanoTime() - t0);
        return this;
    }

    /** SIGTERM (the broker's own shutdown hook closes it cleanly), then SIGKILL after the stop timeout. */
    public synchronized void stop() {
        Process p = broker;
        broker = null;
        if (p == null) {
            return;
        }
        long t0 = System.nanoTime();
        boolean clean = true;
        if (p.isAlive()) {
            ProcessSupport.signal(p.pid(), "TERM"); // not destroy(): that also closes stdin, our lifeline
            // a recording run writes its AOT cache while exiting
            Duration timeout = aotTraining == null ? settings.stopTimeout() : settings.stopTimeout().plusMinutes(3);
            if (!ProcessSupport.awaitExit(p.toHandle(), timeout)) {
                ProcessSupport.killTree(p.toHandle());
                clean = false;
            }
        }
        try {
            lifeline.close();
        } catch (IOException ignored) {
            // the child is gone already
        }
        finishAotTraining(clean);
        lastStopDuration = Duration.ofNanos(System.nanoTime() - t0);
    }

    /** Stop and start again on the same ports and data. */
    public synchronized void restart() {
        stop();
        start();
    }

    /** Like a crash: SIGKILL, no clean shutdown. Call {@link #start()} to bring it back. */
    public synchronized void kill() {
        Process p = broker;
        broker = null;
        if (p != null) {
            ProcessSupport.killTree(p.toHandle());
        }
        finishAotTraining(false);
    }

    @Override
    public void close() {
        stop();
    }

    public synchronized boolean isRunning() {
        return broker != null && broker.isAlive();
    }

    public synchronized String serviceUrl() {
        return "pulsar://127.0.0.1:" + requirePorts().brokerPort;
    }

    /** {@code pulsar+ssl://} on the TLS port (only with {@link Security#tls()}). */
    public synchronized String tlsServiceUrl() {
        if (settings.security().tls() == null) {
            throw new IllegalStateException("this Pulsar serves no TLS");
        }
        requirePorts();
        return "pulsar+ssl://127.0.0.1:" + tlsPort;
    }

    /** A token for {@code role}, signed with the configured secret (what a service puts in pulsar.auth.token). */
    public String token(String role) {
        byte[] key = settings.security().tokenSecretKey();
        if (key == null) {
            throw new IllegalStateException("this Pulsar has no token authentication");
        }
        return Hs256.token(role, key);
    }

    public synchronized String httpUrl() {
        return "http://127.0.0.1:" + requirePorts().webPort;
    }

    public Settings settings() { return settings; }
    public synchronized Duration lastStartDuration() { return lastStartDuration; }
    public synchronized Duration lastStopDuration() { return lastStopDuration; }
    public synchronized long pid() { return broker == null ? -1 : broker.pid(); }

    /** Broker output (WARN and up) and anything the child JVM prints, beside the data folder. */
    public Path logFile() {
        return settings.dataDir().resolveSibling(settings.dataDir().getFileName() + ".log");
    }

    /** Creates a namespace (e.g. "public/orders-test") through the admin REST API; fine if it exists. */
    public void createNamespace(String namespace) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/admin/v2/namespaces/" + namespace))
                .PUT(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30)).build());
        if (r.statusCode() != 204 && r.statusCode() != 200 && r.statusCode() != 409) {
            throw new IllegalStateException("could not create namespace " + namespace + ": HTTP " + r.statusCode() + " " + r.body());
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    private PulsarStandalone requirePorts() {
        if (brokerPort == 0) {
            throw new IllegalStateException("Pulsar not started yet: no ports chosen");
        }
        return this;
    }

    /** Explicit ports win; else the saved ones if still free; the bookie's saved port is kept no matter what. */
    private void choosePorts() throws IOException {
        Path file = settings.dataDir().resolve(PORTS_FILE);
        Properties saved = new Properties();
        if (Files.exists(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                saved.load(in);
            }
        }
        brokerPort = pickPort(settings.brokerPort(), brokerPort, saved.getProperty("broker"));
        webPort = pickPort(settings.webPort(), webPort, saved.getProperty("web"));
        if (settings.security().tls() != null && tlsPort == 0) {
            do {
                tlsPort = ProcessSupport.freePort();
            } while (tlsPort == brokerPort || tlsPort == webPort);
        }
        String savedBookie = saved.getProperty("bookie");
        if (savedBookie != null) {
            bookiePort = Integer.parseInt(savedBookie);
            if (!ProcessSupport.portFree(bookiePort)) {
                throw new IllegalStateException("the bookie's port " + bookiePort + " (recorded in " + settings.dataDir()
                        + ") is taken; free it or delete the data folder");
            }
        } else {
            do {
                bookiePort = ProcessSupport.freePort();
            } while (bookiePort == brokerPort || bookiePort == webPort);
        }
        Properties now = new Properties();
        now.setProperty("broker", Integer.toString(brokerPort));
        now.setProperty("web", Integer.toString(webPort));
        now.setProperty("bookie", Integer.toString(bookiePort));
        try (OutputStream out = Files.newOutputStream(file)) {
            now.store(out, "ports of this Pulsar standalone, reused by the next start");
        }
    }

    private int pickPort(int configured, int current, String saved) {
        if (configured != 0) {
            return configured;
        }
        if (current != 0) {
            return current; // a restart of this instance keeps its ports
        }
        if (saved != null && ProcessSupport.portFree(Integer.parseInt(saved))) {
            return Integer.parseInt(saved);
        }
        int port;
        do {
            port = ProcessSupport.freePort();
        } while (port == brokerPort || port == webPort);
        return port;
    }

    private Path writeConf() throws IOException {
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("clusterName", "standalone");
        conf.put("advertisedAddress", "127.0.0.1");
        conf.put("bindAddress", "127.0.0.1");
        conf.put("brokerServicePort", Integer.toString(brokerPort));
        conf.put("webServicePort", Integer.toString(webPort));
        conf.put("managedLedgerDefaultEnsembleSize", "1");
        conf.put("managedLedgerDefaultWriteQuorum", "1");
        conf.put("managedLedgerDefaultAckQuorum", "1");
        conf.put("functionsWorkerEnabled", "false");
        conf.put("transactionCoordinatorEnabled", "false");
        // the payment-request outbox relay relies on producer de-duplication
        conf.put("brokerDeduplicationEnabled", "true");
        // acks of single messages inside a batch survive a restart only with batch-index acks
        conf.put("acknowledgmentAtBatchIndexLevelEnabled", "true");
        conf.put("allowAutoTopicCreation", "true");
        conf.put("allowAutoTopicCreationType", "non-partitioned");
        conf.put("webSocketServiceEnabled", "false");
        conf.put("exposeTopicLevelMetricsInPrometheus", "false");
        // small machine: fewer threads than the per-core defaults
        conf.put("numIOThreads", "2");
        conf.put("numHttpServerThreads", "4");
        conf.put("numOrderedExecutorThreads", "2");
        conf.put("bookkeeperClientNumWorkerThreads", "2");
        conf.put("numAddWorkerThreads", "1");
        conf.put("numReadWorkerThreads", "2");
        conf.put("brokerShutdownTimeoutMs", "10000");
        if (settings.fastUnsafe()) {
            conf.put("journalSyncData", "false");
        }
        Security security = settings.security();
        if (security.tokenSecretKey() != null) {
            conf.put("authenticationEnabled", "true");
            conf.put("authenticationProviders", "org.apache.pulsar.broker.authentication.AuthenticationProviderToken");
            conf.put("tokenSecretKey", "data:;base64," + java.util.Base64.getEncoder()
                    .encodeToString(security.tokenSecretKey()));
            conf.put("superUserRoles", ADMIN_ROLE);
            conf.put("brokerClientAuthenticationPlugin", "org.apache.pulsar.client.impl.auth.AuthenticationToken");
            conf.put("brokerClientAuthenticationParameters", "token:" + token(ADMIN_ROLE));
        }
        if (security.tls() != null) {
            conf.put("brokerServicePortTls", Integer.toString(tlsPort));
            conf.put("tlsCertificateFilePath", security.tls().certificatePem().toAbsolutePath().toString());
            conf.put("tlsKeyFilePath", security.tls().privateKeyPem().toAbsolutePath().toString());
            conf.put("tlsTrustCertsFilePath", security.tls().trustedCaPem().toAbsolutePath().toString());
        }
        conf.putAll(settings.brokerConfig());
        StringBuilder text = new StringBuilder("# written by dev.floodgate.engines.pulsar.PulsarStandalone on each start\n");
        conf.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        Path file = settings.dataDir().resolve("conf/standalone.conf");
        Files.writeString(file, text);
        return file;
    }

    private Path writeLog4jConf() throws IOException {
        // bookkeeper-server ships a log4j2.xml at INFO (~1,000 lines a start): ours replaces it
        String xml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <Configuration status="error" shutdownHook="disable">
                  <Appenders>
                    <Console name="out" target="SYSTEM_OUT">
                      <PatternLayout pattern="%d{ISO8601} %-5level [%t] %c{1.} - %msg%n"/>
                    </Console>
                  </Appenders>
                  <Loggers>
                    <Root level="warn"><AppenderRef ref="out"/></Root>
                  </Loggers>
                </Configuration>
                """;
        Path file = settings.dataDir().resolve("conf/log4j2.xml");
        Files.writeString(file, xml);
        return file;
    }

    private List<String> command(Path conf, Path log4j) throws IOException {
        Path dataDir = settings.dataDir();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of("-Xmx256m", "-XX:MaxDirectMemorySize=256m",
                "-XX:+ExitOnOutOfMemoryError", "-Djava.net.preferIPv4Stack=true",
                "-Dlog4j2.configurationFile=" + log4j.toUri(),
                "-Dpulsar.log.dir=" + dataDir.resolve("logs"),
                "-D" + PulsarChildMain.PARENT_PID_PROPERTY + "=" + ProcessHandle.current().pid(),
                // Netty and BookKeeper reach into the JDK; the same opens Pulsar's own start script passes
                "-Dio.netty.tryReflectionSetAccessible=true",
                "--add-opens", "java.base/java.io=ALL-UNNAMED",
                "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "--add-opens", "java.base/java.nio=ALL-UNNAMED",
                "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
                "--add-opens", "java.base/java.util.zip=ALL-UNNAMED",
                "--add-opens", "java.base/sun.net=ALL-UNNAMED",
                "--add-opens", "java.base/jdk.internal.platform=ALL-UNNAMED",
                "--add-opens", "java.management/sun.management=ALL-UNNAMED",
                "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED"));
        int feature = Runtime.version().feature();
        if (feature >= 22) {
            cmd.add("--enable-native-access=ALL-UNNAMED"); // RocksDB, netty-epoll
        }
        if (feature >= 24) {
            cmd.add("--sun-misc-unsafe-memory-access=allow"); // Netty, Caffeine
        }
        cmd.addAll(settings.jvmArgs());
        String classpath = brokerClasspath() + ":" + childJar();
        if (settings.aotCache() && feature >= 25) {
            // valid only for the same JDK, VM options and class path; plain -D properties (per-run paths, our pid) don't count
            String vmOptions = String.join(" ", cmd.stream().filter(a -> !a.startsWith("-D")).toList());
            cmd.addAll(1, aotFlags(vmOptions + "|" + Runtime.version() + "|" + classpath));
        }
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(PulsarChildMain.class.getName());
        cmd.addAll(List.of("-c", conf.toString(),
                "--metadata-dir", dataDir.resolve("metadata").toString(),
                "--bookkeeper-dir", dataDir.resolve("bookkeeper").toString(),
                // must not exist: an existing ZooKeeper folder switches the standalone to ZooKeeper metadata
                "--zookeeper-dir", dataDir.resolve("zookeeper-unused").toString(),
                "--bookkeeper-port", Integer.toString(bookiePort),
                "--no-functions-worker", "--no-stream-storage"));
        return cmd;
    }

    static String brokerClasspath() throws IOException {
        try (InputStream in = PulsarStandalone.class.getResourceAsStream(CLASSPATH_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(CLASSPATH_RESOURCE + " is missing: build ops/pulsar-runtime first "
                        + "(./mvnw -pl ops/local-engines -am install)");
            }
            String cp = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            String first = cp.substring(0, Math.max(0, cp.indexOf(':')));
            if (!first.isEmpty() && !Files.exists(Path.of(first))) {
                throw new IllegalStateException("broker jars missing (e.g. " + first + "): rebuild ops/pulsar-runtime");
            }
            return cp;
        }
    }

    static Path cacheDir() {
        String configured = System.getProperty(CACHE_DIR_PROPERTY);
        return configured != null ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".cache", "floodgate", "pulsar");
    }

    /**
     * A jar holding only {@link PulsarChildMain}: the broker then sees none of this module's other classes, and the
     * class path is all jars with stable timestamps, which the JVM's AOT cache requires.
     */
    private static String childJar() throws IOException {
        byte[] bytes;
        String entry = PulsarChildMain.class.getName().replace('.', '/') + ".class";
        try (InputStream in = PulsarChildMain.class.getClassLoader().getResourceAsStream(entry)) {
            bytes = Objects.requireNonNull(in, entry).readAllBytes();
        }
        Path jar = cacheDir().resolve("floodgate-pulsar-child-" + sha256(new String(bytes, StandardCharsets.ISO_8859_1)) + ".jar");
        if (!Files.exists(jar)) {
            Files.createDirectories(jar.getParent());
            Path tmp = Files.createTempFile(jar.getParent(), "child-", ".jar.tmp");
            try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(tmp))) {
                out.putNextEntry(new java.util.jar.JarEntry(entry));
                out.write(bytes);
                out.closeEntry();
            }
            Files.move(tmp, jar, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return jar.toString();
    }

    /** Load the cache for this JDK and class path if there is one, else record it during this run. */
    private List<String> aotFlags(String keyMaterial) throws IOException {
        String key = sha256(keyMaterial);
        Path dir = cacheDir().resolve("aot");
        Files.createDirectories(dir);
        try (var old = Files.newDirectoryStream(dir, "*.aot.tmp*")) { // recordings of runs that were killed
            for (Path p : old) {
                if (Files.getLastModifiedTime(p).toMillis() < System.currentTimeMillis() - 3_600_000) {
                    Files.deleteIfExists(p);
                }
            }
        }
        aotFinal = dir.resolve("pulsar-standalone-" + key + ".aot");
        aotTraining = null;
        if (Files.isRegularFile(aotFinal)) {
            return List.of("-XX:AOTCache=" + aotFinal, "-Xlog:aot*=off", "-Xlog:cds*=off");
        }
        aotTraining = dir.resolve("pulsar-standalone-" + key + "." + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".aot.tmp");
        return List.of("-XX:AOTCacheOutput=" + aotTraining, "-Xlog:aot*=off", "-Xlog:cds*=off");
    }

    private void finishAotTraining(boolean cleanExit) {
        Path training = aotTraining;
        aotTraining = null;
        if (training == null) {
            return;
        }
        try {
            if (cleanExit && Files.isRegularFile(training) && Files.size(training) > 0) {
                Files.move(training, aotFinal, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            Files.deleteIfExists(training);
            Files.deleteIfExists(training.resolveSibling(training.getFileName() + ".config"));
        } catch (IOException e) {
            System.err.println("PulsarStandalone: could not keep the AOT cache " + training + ": " + e);
        }
    }

    private static String sha256(String text) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void awaitReady(long deadlineNanos) {
        String lastProblem = "no answer yet";
        boolean namespaceReady = false;
        while (System.nanoTime() < deadlineNanos) {
            if (!broker.isAlive()) {
                throw new IllegalStateException("the broker JVM exited with " + broker.exitValue());
            }
            try {
                if (!namespaceReady) {
                    // the standalone creates the cluster, tenant "public" and namespace "public/default" after start
                    HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/admin/v2/namespaces/public"))
                            .timeout(Duration.ofSeconds(5)).GET().build());
                    namespaceReady = r.statusCode() == 200 && r.body().contains("public/default");
                    lastProblem = "namespaces of public: HTTP " + r.statusCode() + " " + r.body();
                }
                if (namespaceReady) {
                    probeProducer();
                    return;
                }
            } catch (RuntimeException | PulsarClientException e) {
                lastProblem = e.toString();
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for Pulsar", e);
            }
        }
        throw new IllegalStateException("Pulsar not ready within " + settings.startTimeout() + ": " + lastProblem);
    }

    /** A producer on public/default proves topic ownership and a bookie write path. */
    private void probeProducer() throws PulsarClientException {
        var builder = PulsarClient.builder().serviceUrl(serviceUrl())
                .operationTimeout(10, TimeUnit.SECONDS).connectionTimeout(5, TimeUnit.SECONDS);
        if (settings.security().tokenSecretKey() != null) {
            builder.authentication(org.apache.pulsar.client.api.AuthenticationFactory.token(token(ADMIN_ROLE)));
        }
        try (PulsarClient client = builder.build();
             Producer<byte[]> producer = client.newProducer().topic("persistent://public/default/floodgate-readiness")
                     .enableBatching(false).create()) {
            producer.send("ready".getBytes(StandardCharsets.UTF_8));
        }
    }

    private URI uri(String path) {
        return URI.create(httpUrl() + path);
    }

    private HttpResponse<String> send(HttpRequest request) {
        if (settings.security().tokenSecretKey() != null) {
            request = HttpRequest.newBuilder(request, (name, value) -> true)
                    .header("Authorization", "Bearer " + token(ADMIN_ROLE)).build();
        }
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
