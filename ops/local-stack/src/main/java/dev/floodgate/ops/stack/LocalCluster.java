package dev.floodgate.ops.stack;

import dev.floodgate.engines.postgres.PostgresServer;
import dev.floodgate.engines.pulsar.PulsarStandalone;
import dev.floodgate.grid.JvmFlags;
import dev.floodgate.runtime.ServiceConfig;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The platform as a cluster on one machine ({@code ./floodgate start --cluster}): dedicated grid members, edges,
 * checkouts and payment-workers, each a separate JVM started from this launcher's class path (its own ports, its
 * configuration as system properties, its log in {@code <data>/logs/}), the services Hazelcast clients of the
 * members, all behind a real HAProxy; PostgreSQL and Pulsar are started as {@link LocalStack} starts them, and the
 * payment-provider SIMULATOR as one more process. Ctrl-C (SIGINT or SIGTERM) stops every process it started; if the
 * launcher itself dies, its service processes notice (their stdin closes, see {@link ClusterChild}) and stop, and
 * the next start kills a HAProxy left behind.
 *
 * <p>The load balancer (config written to {@code <data>/haproxy/haproxy.cfg}): one public frontend, as the
 * Kubernetes Ingress of ops/deploy: {@code /api/orders} to the checkouts, {@code /webhooks/provider} to the workers,
 * the live queue streams (SSE) to the edges with long timeouts, everything else (fan page, operator page, APIs) to
 * the edges; a second frontend for the workers' operator API; a stats page. Health checks on
 * {@code /observe/health}; a request whose server refuses the connection is sent to another one.
 */
public final class LocalCluster implements AutoCloseable {
    /** A kind of process of the cluster. */
    public enum Role {
        GRID_MEMBER("grid-member", "dev.floodgate.gridmember.Main"),
        EDGE("edge", "dev.floodgate.edge.Main"),
        CHECKOUT("checkout", "dev.floodgate.checkout.Main"),
        WORKER("worker", "dev.floodgate.worker.Main"),
        SIMULATOR("simulator", "dev.floodgate.ops.simulator.Main");

        final String label;
        final String mainClass;

        Role(String label, String mainClass) {
            this.label = label;
            this.mainClass = mainClass;
        }
    }

    private static final Duration HEALTHY_WITHIN = Duration.ofSeconds(180);
    private static final Duration STOP_WITHIN = Duration.ofSeconds(20);

    private final ClusterSettings settings;
    private final PrintStream out;
    private final StartSteps steps;
    private final long startNanos = System.nanoTime();
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** Waits in parallel (the common pool has one thread on a 2-core machine: it would serialise the waits). */
    private final java.util.concurrent.ExecutorService waits = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
    private PostgresServer postgres;
    private PulsarStandalone pulsar;
    private CompletableFuture<PostgresServer> pgStart;
    private CompletableFuture<PulsarStandalone> pulsarStart;
    private Process haproxy;
    private int lbPort;
    private int opsPort;
    private int statsPort;
    private int simulatorPort;
    private double readySeconds;
    private volatile boolean closed;

    private LocalCluster(ClusterSettings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
        this.steps = new StartSteps(out, waits);
    }

    public static void main(String[] args) throws InterruptedException {
        LocalStack.quietLogging();
        io.helidon.config.Config config = ServiceConfig.load("local-stack.yaml");
        dev.floodgate.runtime.log.Logs.install(config, "cluster");
        ClusterSettings settings = ClusterSettings.from(config);
        LocalCluster cluster = new LocalCluster(settings, System.out);
        CountDownLatch stopped = new CountDownLatch(1);
        // Installed before anything starts: Ctrl-C during the start stops whatever has started so far.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("\nfloodgate: stopping the cluster...");
            cluster.close();
            System.out.println("floodgate: stopped. Data kept in " + settings.dataDir()
                    + " (./floodgate reset deletes it).");
            stopped.countDown();
        }, "floodgate-cluster-stop"));
        try {
            cluster.startAll();
        } catch (RuntimeException e) {
            System.err.println("floodgate: the local cluster could not start: " + e.getMessage());
            e.printStackTrace(System.err);
            System.exit(1); // the hook stops what did start
            return;
        }
        cluster.printReady();
        stopped.await();
    }

    public static LocalCluster start(ClusterSettings settings, PrintStream out) {
        LocalCluster cluster = new LocalCluster(settings, out);
        try {
            cluster.startAll();
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private void startAll() {
        Path dir = settings.dataDir();
        try {
            Files.createDirectories(dir.resolve("logs"));
            Files.createDirectories(dir.resolve("haproxy"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        killLeftovers();
        CompletableFuture<PostgresServer> pg = pgStart = steps.timed("PostgreSQL", () -> PostgresServer.builder()
                .dataDir(dir.resolve("postgres")).database("floodgate").user(settings.dbUser())
                .password(settings.dbPassword()).build().start());
        CompletableFuture<PulsarStandalone> broker = pulsarStart = steps.timed("Pulsar",
                () -> PulsarStandalone.builder().dataDir(dir.resolve("pulsar")).build().start());

        lbPort = LocalStack.portOrFree(settings.lbPort());
        opsPort = LocalStack.portOrFree(settings.opsPort());
        statsPort = LocalStack.portOrFree(settings.statsPort());
        simulatorPort = LocalStack.portOrFree(settings.simulatorPort());
        String lbUrl = lbUrl();
        String pageOrigins = "http://127.0.0.1:" + lbPort + ",http://localhost:" + lbPort;
        String webhookSecret = newSecret();
        String cluster = settings.gridClusterName();

        // Ports first: every member lists every other, HAProxy lists every service.
        List<Node> members = new ArrayList<>();
        for (int i = 1; i <= settings.gridMembers(); i++) {
            members.add(add(Role.GRID_MEMBER, i));
        }
        String memberList = members.stream().map(m -> "127.0.0.1:" + m.gridPort).collect(Collectors.joining(","));
        for (Node m : members) {
            m.props.put("grid.cluster-name", cluster);
            m.props.put("grid.port", Integer.toString(m.gridPort));
            m.props.put("grid.interface", "127.0.0.1");
            m.props.put("grid.graceful-shutdown-max-wait-millis", "15000");
            // A member cut off from the others (a network split) must not sell: a majority is needed.
            m.props.put("grid.split-brain-protection.min-cluster-size",
                    Integer.toString(settings.gridMembers() / 2 + 1));
            putList(m.props, "grid.members", memberList);
        }
        Node simulator = add(Role.SIMULATOR, 0);
        simulator.httpPort = simulatorPort;
        simulator.props.putAll(Map.of("cors.allowed-origins", pageOrigins,
                "simulator.ledger-file", dir.resolve("simulator").resolve("ledger.jsonl").toString(),
                // The provider's signed callbacks reach a worker through the load balancer, as they would in a deployment.
                "simulator.webhooks.url", lbUrl + "/webhooks/provider",
                "simulator.webhooks.secret", webhookSecret));
        List<Node> services = new ArrayList<>();
        for (int i = 1; i <= settings.edges(); i++) {
            Node edge = add(Role.EDGE, i);
            edge.props.putAll(Map.of("operator.username", settings.operatorUsername(),
                    "operator.password", settings.operatorPassword(),
                    // The fan page calls /api/orders on its own origin (HAProxy routes it to a checkout): no CORS.
                    "web.checkout-url", lbUrl,
                    "web.provider-url", "http://127.0.0.1:" + simulatorPort,
                    // Behind HAProxy every request comes from 127.0.0.1: limit per address by X-Forwarded-For, which
                    // HAProxy replaces (never appends to a client's own) and which only HAProxy can reach these ports.
                    "limits.trusted-proxies", "127.0.0.1/32",
                    "operator.trusted-proxies", "127.0.0.1/32",
                    // Both edges share the signing keys in PostgreSQL, so they share the key that seals them.
                    "token.key-encryption-key-file", LocalStack.keyEncryptionKey(dir).toString()));
            services.add(edge);
        }
        for (int i = 1; i <= settings.checkouts(); i++) {
            Node checkout = add(Role.CHECKOUT, i);
            checkout.props.putAll(Map.of("cors.allowed-origins", pageOrigins,
                    "admission.jwks-url", lbUrl + "/.well-known/jwks.json"));
            services.add(checkout);
        }
        for (int i = 1; i <= settings.workers(); i++) {
            Node worker = add(Role.WORKER, i);
            worker.props.putAll(Map.of("provider.url", "http://127.0.0.1:" + simulatorPort,
                    "provider.webhook-secret", webhookSecret,
                    "operator.username", settings.operatorUsername(),
                    "operator.password", settings.operatorPassword()));
            services.add(worker);
        }

        try {
            steps.step("load balancer (HAProxy)", () -> {
                startHaproxy();
                return null;
            });
            // The first member forms the cluster; the others join it (started together they could form two).
            steps.step(settings.gridMembers() + " grid members", () -> {
                // Told only of itself the first time, it does not wait for the others to answer its join.
                Node firstMember = members.getFirst();
                Map<String, String> all = new LinkedHashMap<>(firstMember.props);
                firstMember.props.keySet().removeIf(k -> k.startsWith("grid.members."));
                firstMember.props.put("grid.members.0", "127.0.0.1:" + firstMember.gridPort);
                firstMember.start();
                firstMember.props.clear();
                firstMember.props.putAll(all); // a restart finds the others
                firstMember.awaitHealthy();
                startAndAwait(members.subList(1, members.size()));
                return null;
            });
            postgres = pg.join();
            pulsar = broker.join();
        } catch (RuntimeException e) {
            // close() waits for whichever engine did start (or still will) and stops it.
            throw e instanceof java.util.concurrent.CompletionException c && c.getCause() instanceof RuntimeException r
                    ? r : e;
        }
        for (Node service : services) {
            service.props.putAll(Map.of("db.url", postgres.jdbcUrl(), "db.user", settings.dbUser(),
                    "db.password", settings.dbPassword(), "pulsar.service-url", pulsar.serviceUrl(),
                    "grid.role", "client", "grid.cluster-name", cluster));
            putList(service.props, "grid.members", memberList);
        }
        // One of each first (each migrates its own schema; the first edge rebuilds a cold grid), then the rest.
        List<Node> first = new ArrayList<>(List.of(simulator));
        List<Node> rest = new ArrayList<>();
        for (Role role : List.of(Role.EDGE, Role.CHECKOUT, Role.WORKER)) {
            List<Node> ofRole = nodes(role);
            first.add(ofRole.getFirst());
            rest.addAll(ofRole.subList(1, ofRole.size()));
        }
        steps.step("simulator and one edge, checkout and worker", () -> {
            startAndAwait(first);
            return null;
        });
        steps.step(rest.size() + " more services", () -> {
            startAndAwait(rest);
            return null;
        });
        steps.step("load balancer sees the edges", () -> {
            awaitHttp(lbUrl + "/observe/health", HEALTHY_WITHIN, () -> true, "HAProxy");
            return null;
        });
        if (settings.demoEvent()) {
            steps.step("demo event", () -> {
                DemoEvent.ensure(lbUrl, settings.operatorUsername(), settings.operatorPassword());
                return null;
            });
        }
        readySeconds = (System.nanoTime() - startNanos) / 1e9;
    }

    private Node add(Role role, int index) {
        Node node = new Node(role, index == 0 ? role.label : role.label + "-" + index);
        node.httpPort = LocalStack.portOrFree(0);
        if (role == Role.GRID_MEMBER) {
            node.gridPort = LocalStack.portOrFree(0);
        }
        nodes.put(node.name, node);
        return node;
    }

    private static void putList(Map<String, String> props, String key, String commaSeparated) {
        String[] items = commaSeparated.split(",");
        for (int i = 0; i < items.length; i++) {
            props.put(key + "." + i, items[i]);
        }
    }

    private void startAndAwait(List<Node> group) {
        group.forEach(Node::start);
        List<CompletableFuture<Void>> ready = group.stream()
                .map(n -> CompletableFuture.runAsync(n::awaitHealthy, waits)).toList();
        try {
            CompletableFuture.allOf(ready.toArray(CompletableFuture[]::new)).join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    // ---------------------------------------------------------------------------------------------------- HAProxy

    private void startHaproxy() {
        Path cfg = settings.dataDir().resolve("haproxy").resolve("haproxy.cfg");
        if (closed) {
            throw new IllegalStateException("the cluster is stopping");
        }
        try {
            Files.writeString(cfg, HaproxyConfig.render(lbPort, opsPort, statsPort, ports(Role.EDGE),
                    ports(Role.CHECKOUT), ports(Role.WORKER)));
            Path log = settings.dataDir().resolve("logs").resolve("haproxy.log");
            // -db: stay in the foreground (this launcher is its parent and stops it); -W not needed.
            haproxy = new ProcessBuilder(settings.haproxy(), "-db", "-f", cfg.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            writePids();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start HAProxy (" + settings.haproxy()
                    + "); ops/local-stack/haproxy/install.sh installs it", e);
        }
        awaitHttp("http://127.0.0.1:" + statsPort + "/", Duration.ofSeconds(20), haproxy::isAlive, "HAProxy");
    }

    private Map<String, Integer> ports(Role role) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        nodes(role).forEach(n -> ports.put(n.name, n.httpPort));
        return ports;
    }

    // ---------------------------------------------------------------------------------------------------- nodes

    /** One service process of the cluster: started, killed and restarted on the same ports. */
    public final class Node {
        private final Role role;
        private final String name;
        private final Map<String, String> props = new LinkedHashMap<>();
        private int httpPort;
        private int gridPort;
        private Process process;
        private long startedNanos;
        private double lastStartSeconds;

        private Node(Role role, String name) {
            this.role = role;
            this.name = name;
        }

        public String name() {
            return name;
        }

        public Role role() {
            return role;
        }

        /** Its own HTTP address (not through the load balancer). */
        public String url() {
            return "http://127.0.0.1:" + httpPort;
        }

        public int gridPort() {
            return gridPort;
        }

        public synchronized long pid() {
            return process == null ? -1 : process.pid();
        }

        public synchronized boolean isAlive() {
            return process != null && process.isAlive();
        }

        /** Seconds from its last start to healthy. */
        public double lastStartSeconds() {
            return lastStartSeconds;
        }

        /** Resident memory now, in KiB (0 when not running). */
        public long rssKib() {
            return LocalCluster.rssKib(pid());
        }

        public void start() {
            startProcess();
            // Outside this node's lock: the pids file reads every node's pid under its own lock.
            writePids();
        }

        private synchronized void startProcess() {
            if (isAlive()) {
                throw new IllegalStateException(name + " is already running");
            }
            if (closed) {
                throw new IllegalStateException("the cluster is stopping");
            }
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(jvmFlags(settings.heaps().getOrDefault(role.label, "256m")));
            cmd.addAll(settings.jvmArgs());
            cmd.add("-Dfloodgate.cluster.dir=" + settings.dataDir());
            cmd.add("-Dfloodgate.cluster.node=" + name);
            Map<String, String> all = new LinkedHashMap<>(props);
            all.put("server.port", Integer.toString(httpPort));
            all.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
            cmd.add("-cp");
            cmd.add(settings.classPath());
            cmd.add(ClusterChild.class.getName());
            cmd.add(role.mainClass);
            Path workDir = settings.dataDir().resolve("run").resolve(name);
            Path log = settings.dataDir().resolve("logs").resolve(name + ".log");
            try {
                Files.createDirectories(workDir);
                Files.writeString(log, "---- " + java.time.Instant.now() + " starting " + name + "\n",
                        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
                ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
                // Environment variables rank above system properties in every service's config: none of ours may be
                // overridden by one the launcher happened to inherit (DB_URL, SERVER_PORT...).
                all.keySet().forEach(k -> pb.environment().remove(
                        k.toUpperCase(Locale.ROOT).replace("-", "_dash_").replace('.', '_')));
                startedNanos = System.nanoTime();
                // stdin stays a pipe the launcher never writes to: ClusterChild stops when it closes.
                process = pb.start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + name, e);
            }
        }

        /** Waits until {@code /observe/health} answers 200; fails early if the process ends. */
        public void awaitHealthy() {
            Process p;
            synchronized (this) {
                p = process;
            }
            awaitHttp(url() + "/observe/health", HEALTHY_WITHIN, p::isAlive,
                    name + " (log: " + settings.dataDir().resolve("logs").resolve(name + ".log") + ")");
            lastStartSeconds = (System.nanoTime() - startedNanos) / 1e9;
        }

        /** SIGKILL: no shutdown hook, no graceful leave. Waits until the process is gone. */
        public void kill() {
            Process p;
            synchronized (this) {
                p = process;
            }
            if (p != null) {
                p.destroyForcibly();
                try {
                    p.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        /** Starts it again on the same ports, and waits until it is healthy. */
        public void restart() {
            start();
            awaitHealthy();
        }

        /** SIGTERM (its shutdown hooks run), SIGKILL if it has not ended within 20 s. */
        public void stop() {
            Process p;
            synchronized (this) {
                p = process;
            }
            stopProcess(p);
        }
    }

    private static List<String> jvmFlags(String heap) {
        List<String> flags = new ArrayList<>(List.of("-Xmx" + heap, "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError",
                "-Xss512k"));
        // What Hazelcast asks for (the same file ./floodgate start reads).
        flags.addAll(JvmFlags.forThisJava());
        return flags;
    }

    private static void stopProcess(Process p) {
        if (p == null || !p.isAlive()) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(STOP_WITHIN.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** A process of ours left running by a launcher that was SIGKILLed (its pids file names it). */
    private void killLeftovers() {
        Path pids = settings.dataDir().resolve("pids");
        if (!Files.isRegularFile(pids)) {
            return;
        }
        try {
            for (String line : Files.readAllLines(pids)) {
                if (line.isBlank()) {
                    continue;
                }
                Optional<ProcessHandle> h = ProcessHandle.of(Long.parseLong(line.strip()));
                if (h.isPresent() && h.get().isAlive() && h.get().info().commandLine()
                        .map(c -> c.contains(settings.dataDir().toString())).orElse(false)) {
                    out.println("floodgate: stopping pid " + line.strip() + " left by an earlier launcher");
                    h.get().destroyForcibly();
                    h.get().onExit().get(10, TimeUnit.SECONDS);
                }
            }
        } catch (Exception e) {
            out.println("floodgate: could not check for processes left behind: " + e);
        }
    }

    private final Object pidsLock = new Object();

    private void writePids() {
        synchronized (pidsLock) {
            writePidsLocked();
        }
    }

    private void writePidsLocked() {
        StringBuilder b = new StringBuilder();
        if (haproxy != null) {
            b.append(haproxy.pid()).append('\n');
        }
        for (Node n : nodes.values()) {
            if (n.pid() > 0) {
                b.append(n.pid()).append('\n');
            }
        }
        try {
            Files.writeString(settings.dataDir().resolve("pids"), b.toString());
        } catch (IOException e) {
            out.println("floodgate: could not write the pids file: " + e);
        }
    }

    private void awaitHttp(String url, Duration within, Supplier<Boolean> alive, String what) {
        long deadline = System.nanoTime() + within.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!alive.get()) {
                throw new IllegalStateException(what + " ended before it was healthy");
            }
            try {
                HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(3)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (res.statusCode() == 200) {
                    return;
                }
                last = res.statusCode() + " " + res.body();
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        throw new IllegalStateException(what + " not healthy within " + within + ": " + last);
    }

    // ---------------------------------------------------------------------------------------------------- access

    public String lbUrl() {
        return "http://127.0.0.1:" + lbPort;
    }

    /** The payment-workers' operator API through the load balancer. */
    public String workerOpsUrl() {
        return "http://127.0.0.1:" + opsPort;
    }

    public String statsUrl() {
        return "http://127.0.0.1:" + statsPort + "/";
    }

    public String simulatorUrl() {
        return "http://127.0.0.1:" + simulatorPort;
    }

    public List<Node> nodes(Role role) {
        return nodes.values().stream().filter(n -> n.role == role).toList();
    }

    public Node node(String name) {
        return nodes.get(name);
    }

    public PostgresServer postgres() {
        return postgres;
    }

    /** Seconds from the launcher's start to everything healthy (and the demo event, if any). */
    public double readySeconds() {
        return readySeconds;
    }

    /**
     * Resident memory (RSS) of every process of the cluster (launcher, services, HAProxy, Pulsar), in KiB; for
     * PostgreSQL the proportional set size (PSS) summed over its processes, which share their buffers.
     */
    public Map<String, Long> rssByProcess() {
        Map<String, Long> rss = new LinkedHashMap<>();
        rss.put("launcher", rssKib(ProcessHandle.current().pid()));
        for (Node n : nodes.values()) {
            rss.put(n.name, n.rssKib());
        }
        if (haproxy != null) {
            rss.put("haproxy", rssKib(haproxy.pid()));
        }
        long postgresKib = 0;
        java.util.Set<Long> ours = nodes.values().stream().map(Node::pid).collect(Collectors.toSet());
        for (ProcessHandle h : ProcessHandle.current().descendants().toList()) {
            // By executable: a service's class path names the PostgreSQL driver, Pulsar's is too long to be read.
            String command = h.info().command().orElse("");
            if (ours.contains(h.pid()) || (haproxy != null && h.pid() == haproxy.pid())) {
                continue;
            }
            if (command.endsWith("/java")) {
                rss.put("pulsar", rssKib(h.pid()));
            } else if (command.endsWith("/postgres")) {
                // Its processes share the buffer cache: their RSS would count it once each, their PSS once.
                postgresKib += pssKib(h.pid());
            }
        }
        if (postgresKib > 0) {
            rss.put("postgresql (PSS of all its processes)", postgresKib);
        }
        return rss;
    }

    static long pssKib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps_rollup"))) {
                if (line.startsWith("Pss:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // gone, or not ours to read
        }
        return 0;
    }

    static long rssKib(long pid) {
        if (pid <= 0) {
            return 0;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // gone
        }
        return 0;
    }

    private void printReady() {
        out.printf("%nfloodgate: cluster ready in %.1f s%n", readySeconds);
        out.println("  Fan page          " + lbUrl() + "/");
        out.println("  Operator page     " + lbUrl() + "/operator/   (user " + settings.operatorUsername() + ")");
        out.println("  Fan API           " + lbUrl() + "/api/events");
        out.println("  Operator API      " + lbUrl() + "/api/operator/events");
        out.println("  Checkout API      " + lbUrl() + "/api/orders");
        out.println("  Payments (ops)    " + workerOpsUrl() + "/api/operator/audit   and   /api/operator/dead-letters");
        out.println("  HAProxy stats     " + statsUrl());
        out.println("  Provider SIMULATOR " + simulatorUrl() + "/v1/charges");
        out.println("  PostgreSQL        " + postgres.jdbcUrl());
        out.println("  Pulsar            " + pulsar.serviceUrl());
        out.println("  Processes (health, RSS now; logs in " + settings.dataDir().resolve("logs") + "):");
        Map<String, Long> rss = rssByProcess();
        for (Node n : nodes.values()) {
            out.printf("    %-13s pid %-7d %s/observe/health%s  %4d MiB%n", n.name, n.pid(), n.url(),
                    n.role == Role.GRID_MEMBER ? "  (grid 127.0.0.1:" + n.gridPort + ")" : "",
                    rss.getOrDefault(n.name, 0L) / 1024);
        }
        long total = rss.values().stream().mapToLong(Long::longValue).sum();
        out.printf("    all processes (launcher, HAProxy, Pulsar, PostgreSQL included): %d MiB%n", total / 1024);
        out.println("Press Ctrl-C to stop.");
    }

    private static String newSecret() {
        byte[] bytes = new byte[32];
        new java.security.SecureRandom().nextBytes(bytes);
        return java.util.HexFormat.of().formatHex(bytes);
    }


    /** Stops the services (in parallel), then the simulator, the grid members, HAProxy, Pulsar and PostgreSQL. */
    @Override
    public synchronized void close() {
        closed = true;
        long t0 = System.nanoTime();
        List<Node> services = nodes.values().stream()
                .filter(n -> n.role != Role.GRID_MEMBER && n.role != Role.SIMULATOR).toList();
        stopAll(services);
        stopAll(nodes(Role.SIMULATOR));
        stopAll(nodes(Role.GRID_MEMBER));
        out.printf("floodgate:   %d processes stopped (%.1f s)%n", nodes.size(), (System.nanoTime() - t0) / 1e9);
        stopProcess(haproxy);
        // An engine still starting (Ctrl-C during the start) is waited for, then stopped.
        for (CompletableFuture<? extends AutoCloseable> engine : java.util.Arrays.asList(pulsarStart, pgStart)) {
            if (engine == null) {
                continue;
            }
            try {
                AutoCloseable started = engine.get(3, TimeUnit.MINUTES);
                long e0 = System.nanoTime();
                started.close();
                out.printf("floodgate:   %s stopped (%.1f s)%n", started.getClass().getSimpleName(),
                        (System.nanoTime() - e0) / 1e9);
            } catch (Exception e) {
                out.println("floodgate: an engine did not start or stop cleanly: " + e);
            }
        }
        pgStart = null;
        pulsarStart = null;
        try {
            Files.deleteIfExists(settings.dataDir().resolve("pids"));
        } catch (IOException ignored) {
            // harmless: the next start checks each pid's command line
        }
    }

    private void stopAll(List<Node> group) {
        CompletableFuture.allOf(group.stream().map(n -> CompletableFuture.runAsync(n::stop, waits))
                .toArray(CompletableFuture[]::new)).join();
    }
}
