package dev.floodgate.engines.postgres;

import dev.floodgate.engines.support.ProcessSupport;
import dev.floodgate.engines.support.ProcessSupport.UnixUser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server owned by the project: initdb on first start, {@code postgres} as a child process, a
 * database and login role made on demand. As root, initdb and postgres run as the {@code postgres} user (else
 * {@code nobody}) through setpriv, which also arms a parent-death signal so the server goes down with this JVM.
 */
public final class PostgresServer implements AutoCloseable {

    public static final String SUPERUSER = "postgres";
    private static final String SUPERUSER_PASSWORD_FILE = "floodgate-superuser.password";
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final AtomicInteger NAME_COUNTER = new AtomicInteger();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** How to run the server. {@code port} 0 picks a free port on first start and keeps it for restarts. */
    public record Settings(Path dataDir, int port, String database, String user, String password, boolean fastUnsafe,
                           PostgresBinaries.Source binaries, Duration startTimeout, Map<String, String> serverConfig,
                           Tls tls) {
        public Settings {
            Objects.requireNonNull(dataDir, "dataDir");
            dataDir = dataDir.toAbsolutePath().normalize();
            requireIdentifier(database, "database");
            requireIdentifier(user, "user");
            if (user.equals(SUPERUSER)) {
                throw new IllegalArgumentException("user must not be the superuser '" + SUPERUSER + "'");
            }
            Objects.requireNonNull(password, "password");
            binaries = binaries == null ? PostgresBinaries.Source.AUTO : binaries;
            startTimeout = startTimeout == null ? Duration.ofSeconds(60) : startTimeout;
            serverConfig = Map.copyOf(serverConfig == null ? Map.of() : serverConfig);
        }
    }

    /**
     * TLS for client connections: the server's certificate chain and private key (PEM files, copied into the data
     * folder for the server user at each start); {@code required}: TCP clients without TLS are refused (pg_hba
     * {@code hostnossl ... reject}).
     */
    public record Tls(Path certificatePem, Path privateKeyPem, boolean required) {
        public Tls {
            Objects.requireNonNull(certificatePem, "certificatePem");
            Objects.requireNonNull(privateKeyPem, "privateKeyPem");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private Path dataDir;
        private int port;
        private String database = "floodgate";
        private String user = "floodgate";
        private String password = "floodgate";
        private boolean fastUnsafe;
        private PostgresBinaries.Source binaries = PostgresBinaries.Source.AUTO;
        private Duration startTimeout = Duration.ofSeconds(60);
        private final Map<String, String> serverConfig = new LinkedHashMap<>();
        private Tls tls;

        public Builder dataDir(Path dataDir) { this.dataDir = dataDir; return this; }
        public Builder port(int port) { this.port = port; return this; }
        public Builder database(String database) { this.database = database; return this; }
        public Builder user(String user) { this.user = user; return this; }
        public Builder password(String password) { this.password = password; return this; }
        /** fsync, synchronous_commit and full_page_writes off: for tests, loses data on an OS crash. */
        public Builder fastUnsafe(boolean fastUnsafe) { this.fastUnsafe = fastUnsafe; return this; }
        public Builder binaries(PostgresBinaries.Source binaries) { this.binaries = binaries; return this; }
        public Builder startTimeout(Duration startTimeout) { this.startTimeout = startTimeout; return this; }
        /** Any postgresql.conf setting, passed as {@code -c key=value}; wins over our defaults. */
        public Builder config(String key, String value) { serverConfig.put(key, value); return this; }
        /** Serve TLS (see {@link Tls}); null: plain TCP only. */
        public Builder tls(Tls tls) { this.tls = tls; return this; }

        public Settings settings() {
            return new Settings(dataDir, port, database, user, password, fastUnsafe, binaries, startTimeout, serverConfig,
                    tls);
        }

        public PostgresServer build() {
            return new PostgresServer(settings());
        }
    }

    private final Settings settings;
    private PostgresBinaries binaries;
    private Optional<UnixUser> runAs;
    private Process postmaster;
    private int port;
    private String superuserPassword;
    private Duration lastStartDuration = Duration.ZERO;
    private boolean shutdownHookAdded;

    public PostgresServer(Settings settings) {
        this.settings = settings;
        this.port = settings.port();
    }

    public synchronized PostgresServer start() {
        if (isRunning()) {
            return this;
        }
        long t0 = System.nanoTime();
        try {
            if (binaries == null) {
                binaries = PostgresBinaries.resolve(settings.binaries());
                runAs = ProcessSupport.runningAsRoot() ? unprivilegedUser() : Optional.empty();
            }
            prepareDataDir();
            installTls();
            handleStalePidFile();
            if (port == 0) {
                port = ProcessSupport.freePort();
            }
            if (!shutdownHookAdded) {
                Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "postgres-stop-" + port));
                shutdownHookAdded = true;
            }
            postmaster = ProcessSupport.launch(new ProcessBuilder(asServerUser(postgresCommand(), true))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))));
            awaitReady(System.nanoTime() + settings.startTimeout().toNanos());
            ensureRoleAndDatabase();
        } catch (IOException e) {
            stop();
            throw new UncheckedIOException("PostgreSQL did not start; log " + logFile() + ":\n" + ProcessSupport.tail(logFile(), 30), e);
        } catch (SQLException | RuntimeException e) {
            stop();
            throw new IllegalStateException("PostgreSQL did not start; log " + logFile() + ":\n" + ProcessSupport.tail(logFile(), 30), e);
        }
        lastStartDuration = Duration.ofNanos(System.nanoTime() - t0);
        return this;
    }

    /** Fast shutdown (SIGINT: roll back open transactions, disconnect clients), escalating on a deadline. */
    public synchronized void stop() {
        Process p = postmaster;
        postmaster = null;
        if (p == null || !p.isAlive()) {
            return;
        }
        ProcessHandle handle = p.toHandle();
        ProcessSupport.signal(p.pid(), "INT");
        if (ProcessSupport.awaitExit(handle, Duration.ofSeconds(30))) {
            return;
        }
        ProcessSupport.signal(p.pid(), "QUIT"); // immediate shutdown: crash recovery on next start
        if (!ProcessSupport.awaitExit(handle, Duration.ofSeconds(5))) {
            ProcessSupport.killTree(handle);
        }
    }

    /** Stop and start again on the same port and data. */
    public synchronized void restart() {
        stop();
        start();
    }

    @Override
    public void close() {
        stop();
    }

    public synchronized boolean isRunning() {
        return postmaster != null && postmaster.isAlive();
    }

    public String jdbcUrl() {
        return jdbcUrl(settings.database());
    }

    public String jdbcUrl(String database) {
        requirePort();
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    public String user() { return settings.user(); }
    public String password() { return settings.password(); }
    public String database() { return settings.database(); }
    public Settings settings() { return settings; }
    public synchronized int port() { return requirePort(); }
    public synchronized Duration lastStartDuration() { return lastStartDuration; }
    public synchronized long pid() { return postmaster == null ? -1 : postmaster.pid(); }

    /** e.g. "15.18", or "14.22" for the embedded fallback. */
    public synchronized String serverVersion() {
        return binaries == null ? PostgresBinaries.resolve(settings.binaries()).version() : binaries.version();
    }

    public synchronized String binariesOrigin() {
        return binaries == null ? "unresolved" : binaries.origin() + " " + binaries.binDir();
    }

    /** Server log: beside the data folder, not inside it (initdb needs an empty folder). */
    public Path logFile() {
        return settings.dataDir().resolveSibling(settings.dataDir().getFileName() + ".log");
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), user(), password());
    }

    /** A superuser connection, for fixtures (creating databases, terminating sessions). */
    public Connection superuserConnection(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), SUPERUSER, superuserPassword());
    }

    /** A new, empty database owned by {@link #user()}, named after the hint plus a unique suffix. */
    public PostgresDatabase createDatabase(String hint) {
        String name = uniqueName(hint);
        try (Connection c = superuserConnection("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name + " OWNER " + user());
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + name, e);
        }
        return new PostgresDatabase(name, null, jdbcUrl(name), user(), password());
    }

    /** A new, empty schema owned by {@link #user()} in the main database; its URL sets currentSchema. */
    public PostgresDatabase createSchema(String hint) {
        String name = uniqueName(hint);
        try (Connection c = superuserConnection(database()); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + name + " AUTHORIZATION " + user());
        } catch (SQLException e) {
            throw new IllegalStateException("could not create schema " + name, e);
        }
        return new PostgresDatabase(database(), name, jdbcUrl() + "?currentSchema=" + name, user(), password());
    }

    /** Fresh database for a test class: isolated catalog, extensions and search_path. */
    public static PostgresDatabase freshDatabase(PostgresServer server, Class<?> testClass) {
        return server.createDatabase(testClass.getSimpleName());
    }

    /** Fresh schema for a test class, cheaper than a database when the code under test qualifies nothing itself. */
    public static PostgresDatabase freshSchema(PostgresServer server, Class<?> testClass) {
        return server.createSchema(testClass.getSimpleName());
    }

    // ---------------------------------------------------------------------------------------------------------

    private int requirePort() {
        if (port == 0) {
            throw new IllegalStateException("PostgreSQL not started yet: no port chosen");
        }
        return port;
    }

    private static Optional<UnixUser> unprivilegedUser() {
        Optional<UnixUser> user = ProcessSupport.lookupUser("postgres").or(() -> ProcessSupport.lookupUser("nobody"));
        if (user.isEmpty()) {
            throw new IllegalStateException("running as root, and neither a 'postgres' nor a 'nobody' user exists to run PostgreSQL as");
        }
        if (!ProcessSupport.onPath("setpriv")) {
            throw new IllegalStateException("running as root needs setpriv (util-linux) to run PostgreSQL as " + user.get().name());
        }
        return user;
    }

    /** setpriv drops root when needed; --pdeathsig INT asks for a fast shutdown if this JVM dies. */
    private List<String> asServerUser(List<String> command, boolean dieWithParent) {
        List<String> full = new ArrayList<>();
        boolean setpriv = runAs.isPresent() || (dieWithParent && ProcessSupport.onPath("setpriv"));
        if (setpriv) {
            full.add("setpriv");
            runAs.ifPresent(u -> full.addAll(List.of("--reuid=" + u.uid(), "--regid=" + u.gid(), "--clear-groups")));
            if (dieWithParent) {
                full.addAll(List.of("--pdeathsig", "INT"));
            }
            full.add("--");
        }
        full.addAll(command);
        return full;
    }

    /**
     * Copies the TLS files in for the server user (PostgreSQL refuses a key others can read) and writes pg_hba.conf:
     * local socket trusted as initdb set it, TCP with a password, and, when TLS is required, TCP without it refused.
     */
    private void installTls() throws IOException {
        Path dataDir = settings.dataDir();
        Path hba = dataDir.resolve("pg_hba.conf");
        Tls tls = settings.tls();
        if (tls == null) {
            Files.deleteIfExists(dataDir.resolve("server.crt"));
            Files.deleteIfExists(dataDir.resolve("server.key"));
        } else {
            for (var file : Map.of("server.crt", tls.certificatePem(), "server.key", tls.privateKeyPem()).entrySet()) {
                Path target = dataDir.resolve(file.getKey());
                Files.copy(file.getValue(), target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                ProcessSupport.chmod(target, "rw-------");
                if (runAs.isPresent()) {
                    ProcessSupport.chown(target, runAs.get());
                }
            }
        }
        boolean required = tls != null && tls.required();
        Files.writeString(hba, String.join("\n",
                "# Written by PostgresServer at each start.",
                "local all all trust",
                (required ? "hostssl" : "host") + " all all 127.0.0.1/32 scram-sha-256",
                (required ? "hostssl" : "host") + " all all ::1/128 scram-sha-256",
                required ? "hostnossl all all all reject" : "",
                ""));
        if (runAs.isPresent()) {
            ProcessSupport.chown(hba, runAs.get());
        }
    }

    private void prepareDataDir() throws IOException, SQLException {
        Path dataDir = settings.dataDir();
        Files.createDirectories(dataDir);
        if (Files.exists(dataDir.resolve("PG_VERSION"))) {
            String dataMajor = Files.readString(dataDir.resolve("PG_VERSION")).strip();
            String binMajor = binaries.version().split("\\.")[0];
            if (!dataMajor.equals(binMajor)) {
                throw new IllegalStateException("data folder " + dataDir + " is from PostgreSQL " + dataMajor
                        + " but the binaries are " + binaries.version() + " (" + binaries.origin() + "); delete it or use matching binaries");
            }
            superuserPassword = Files.readString(dataDir.resolve(SUPERUSER_PASSWORD_FILE)).strip();
            return;
        }
        try (Stream<Path> entries = Files.list(dataDir)) {
            if (entries.findAny().isPresent()) {
                throw new IllegalStateException("data folder " + dataDir + " is not empty and holds no PostgreSQL cluster");
            }
        }
        initdb(dataDir);
    }

    private void initdb(Path dataDir) throws IOException {
        ProcessSupport.chmod(dataDir, "rwx------");
        if (runAs.isPresent()) {
            checkTraversable(dataDir.getParent(), runAs.get());
            ProcessSupport.chown(dataDir, runAs.get());
        }
        superuserPassword = randomHex(16);
        Path pwFile = Files.createTempFile(dataDir.getParent(), ".pw-", ".tmp");
        try {
            Files.writeString(pwFile, superuserPassword + "\n");
            ProcessSupport.chmod(pwFile, "rw-------");
            if (runAs.isPresent()) {
                ProcessSupport.chown(pwFile, runAs.get());
            }
            List<String> cmd = new ArrayList<>(List.of(binaries.initdb().toString(), "-D", dataDir.toString(),
                    "-U", SUPERUSER, "--pwfile=" + pwFile, "--auth-host=scram-sha-256", "--auth-local=trust",
                    "-E", "UTF8", "--locale=C"));
            if (settings.fastUnsafe()) {
                cmd.add("--no-sync");
            }
            Process p = ProcessSupport.launch(new ProcessBuilder(asServerUser(cmd, false))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile())));
            p.getOutputStream().close();
            // Process.waitFor, not the handle's onExit: the handle can report the exit before the Process has
            // reaped its status, and exitValue() then throws "process hasn't exited" (seen under load).
            boolean exited;
            try {
                exited = p.waitFor(2, java.util.concurrent.TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exited = false;
            }
            if (!exited || p.exitValue() != 0) {
                ProcessSupport.killTree(p.toHandle());
                throw new IOException("initdb failed for " + dataDir);
            }
        } finally {
            Files.deleteIfExists(pwFile);
        }
        Path saved = dataDir.resolve(SUPERUSER_PASSWORD_FILE);
        Files.writeString(saved, superuserPassword + "\n");
        ProcessSupport.chmod(saved, "rw-------");
        if (runAs.isPresent()) {
            ProcessSupport.chown(saved, runAs.get());
        }
    }

    /** The server user must be able to walk down to its data folder; say which folder blocks it. */
    private static void checkTraversable(Path dir, UnixUser user) throws IOException {
        for (Path d = dir; d != null; d = d.getParent()) {
            int owner = (Integer) Files.getAttribute(d, "unix:uid");
            var perms = Files.getPosixFilePermissions(d);
            if (owner != user.uid() && !perms.contains(PosixFilePermission.OTHERS_EXECUTE)) {
                throw new IllegalStateException("PostgreSQL runs as '" + user.name() + "' and cannot enter " + d
                        + " (mode " + java.nio.file.attribute.PosixFilePermissions.toString(perms)
                        + "); put the data folder elsewhere or chmod o+x that folder");
            }
        }
    }

    /**
     * A postmaster.pid left by a killed run: if its pid is no longer a postgres process, delete it (the pid may have
     * been reused, which would make postgres refuse to start). A live postgres on our data folder is refused.
     */
    private void handleStalePidFile() throws IOException {
        Path pidFile = settings.dataDir().resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
        long pid = lines.isEmpty() ? -1 : parseLong(lines.get(0).strip());
        Optional<ProcessHandle> live = pid > 0 ? ProcessHandle.of(pid).filter(ProcessHandle::isAlive) : Optional.empty();
        if (live.isPresent() && isPostgres(pid)) {
            throw new IllegalStateException("PostgreSQL (pid " + pid + ") is already running on " + settings.dataDir()
                    + "; stop it first (kill -INT " + pid + ")");
        }
        Files.delete(pidFile);
    }

    private static boolean isPostgres(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).strip().startsWith("postgres");
        } catch (IOException e) {
            return false;
        }
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private List<String> postgresCommand() {
        Path socketDir = settings.dataDir();
        if (socketDir.toString().length() > 90) { // unix socket paths are limited to 107 bytes
            socketDir = Path.of("/tmp");
        }
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("listen_addresses", "127.0.0.1");
        // small-machine defaults: a laptop or a 2-core CI box running the whole platform
        conf.put("shared_buffers", "64MB");
        conf.put("max_connections", "200");
        conf.put("max_wal_size", "512MB");
        conf.put("jit", "off");
        conf.put("max_parallel_workers_per_gather", "0");
        conf.put("logging_collector", "off");
        conf.put("log_min_messages", "warning");
        if (settings.fastUnsafe()) {
            conf.put("fsync", "off");
            conf.put("synchronous_commit", "off");
            conf.put("full_page_writes", "off");
        }
        if (settings.tls() != null) {
            conf.put("ssl", "on");
            conf.put("ssl_cert_file", "server.crt");
            conf.put("ssl_key_file", "server.key");
            conf.put("ssl_min_protocol_version", "TLSv1.2");
        }
        conf.putAll(settings.serverConfig());
        List<String> cmd = new ArrayList<>(List.of(binaries.postgres().toString(), "-D", settings.dataDir().toString(),
                "-p", Integer.toString(port), "-k", socketDir.toString()));
        conf.forEach((k, v) -> cmd.addAll(List.of("-c", k + "=" + v)));
        return cmd;
    }

    private String superuserPassword() {
        if (superuserPassword == null) {
            throw new IllegalStateException("PostgreSQL not started yet");
        }
        return superuserPassword;
    }

    private void awaitReady(long deadlineNanos) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", SUPERUSER);
        props.setProperty("password", superuserPassword());
        props.setProperty("connectTimeout", "2");
        // Readiness only: encrypted when the server requires it, unverified (the caller verifies its own connections).
        props.setProperty("sslmode", settings.tls() != null && settings.tls().required() ? "require" : "disable");
        SQLException last = null;
        while (System.nanoTime() < deadlineNanos) {
            if (!postmaster.isAlive()) {
                throw new IllegalStateException("postgres exited with " + postmaster.exitValue());
            }
            try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), props)) {
                return;
            } catch (SQLException e) { // not listening yet, or "the database system is starting up"
                last = e;
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for PostgreSQL", e);
            }
        }
        throw new IllegalStateException("PostgreSQL not ready within " + settings.startTimeout(), last);
    }

    private void ensureRoleAndDatabase() throws SQLException {
        try (Connection c = superuserConnection("postgres"); Statement s = c.createStatement()) {
            String pw = "'" + settings.password().replace("'", "''") + "'";
            if (exists(c, "SELECT 1 FROM pg_roles WHERE rolname = ?", user())) {
                s.execute("ALTER ROLE " + user() + " WITH LOGIN PASSWORD " + pw);
            } else {
                s.execute("CREATE ROLE " + user() + " WITH LOGIN PASSWORD " + pw);
            }
            if (!exists(c, "SELECT 1 FROM pg_database WHERE datname = ?", database())) {
                s.execute("CREATE DATABASE " + database() + " OWNER " + user());
            }
        }
    }

    private static boolean exists(Connection c, String sql, String arg) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static String uniqueName(String hint) {
        String base = hint.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        if (base.isEmpty() || !Character.isLetter(base.charAt(0)) && base.charAt(0) != '_') {
            base = "t_" + base;
        }
        base = base.substring(0, Math.min(base.length(), 40));
        return base + "_" + NAME_COUNTER.incrementAndGet() + "_" + randomHex(3);
    }

    private static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static void requireIdentifier(String value, String what) {
        if (value == null || !IDENTIFIER.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " must match " + IDENTIFIER + ": " + value);
        }
    }
}
