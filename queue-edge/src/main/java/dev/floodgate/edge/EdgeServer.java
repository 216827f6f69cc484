package dev.floodgate.edge;

import com.zaxxer.hikari.HikariDataSource;
import dev.floodgate.edge.challenge.ChallengeRoutes;
import dev.floodgate.edge.challenge.ProofOfWork;
import dev.floodgate.edge.event.EventRoutes;
import dev.floodgate.edge.fan.FanRoutes;
import dev.floodgate.edge.fan.FanStore;
import dev.floodgate.edge.fan.Passwords;
import dev.floodgate.edge.fan.SessionStore;
import dev.floodgate.edge.hold.HoldRoutes;
import dev.floodgate.edge.operator.OperatorRoutes;
import dev.floodgate.edge.queue.FiguresSampler;
import dev.floodgate.edge.queue.PollAdvice;
import dev.floodgate.edge.queue.QueueGauges;
import dev.floodgate.edge.queue.QueueMetrics;
import dev.floodgate.runtime.observe.Figures;
import dev.floodgate.runtime.observe.GridMeters;
import dev.floodgate.runtime.observe.PoolMeters;
import dev.floodgate.runtime.observe.RouteLatency;
import dev.floodgate.edge.limit.ClientLimits;

import dev.floodgate.edge.queue.QueueRoutes;
import dev.floodgate.edge.queue.QueueStreams;
import dev.floodgate.edge.queue.StockSource;
import dev.floodgate.edge.queue.WaitingRoom;
import dev.floodgate.runtime.token.CachingTokenVerifier;
import dev.floodgate.edge.token.IssuerRouter;
import dev.floodgate.runtime.token.JwkTokenVerifier;
import dev.floodgate.edge.token.KeyEncryption;
import dev.floodgate.edge.token.KeyRing;
import dev.floodgate.edge.token.KeyRoutes;
import dev.floodgate.edge.token.TokenGuard;
import dev.floodgate.edge.token.TokenIssuer;
import dev.floodgate.edge.web.WebRoutes;
import dev.floodgate.contracts.http.JsonHttp;
import dev.floodgate.grid.Grid;
import dev.floodgate.grid.GridRebuild;
import dev.floodgate.grid.catalog.CatalogStore;
import dev.floodgate.grid.history.FiguresHistory;
import dev.floodgate.grid.queue.QueueState;
import dev.floodgate.runtime.Database;
import dev.floodgate.runtime.Readiness;
import dev.floodgate.runtime.Servers;
import dev.floodgate.runtime.ServiceConfig;
import dev.floodgate.runtime.openapi.OpenApiDocument;
import dev.floodgate.runtime.operator.OperatorAccess;
import io.helidon.common.mapper.MapperManager;
import io.helidon.config.Config;
import io.helidon.webserver.WebServer;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.List;

/**
 * The queue edge: fans, tokens, waiting rooms, holds and the operator API on one HTTP server, backed by PostgreSQL
 * (schema {@code edge}) and the grid. {@link #start(Config)} starts its own grid member or client from
 * {@code grid.*}; {@link #start(Config, Grid)} uses a grid someone else owns and leaves it running on close.
 */
public final class EdgeServer implements AutoCloseable {
    public static final String SCHEMA = "edge";
    /** How often the drop's gauges are read (Prometheus scrapes every 5-15 s; the operator page polls every 2 s). */
    static final long GAUGE_REFRESH_MILLIS = 1_000;
    private static final System.Logger LOG = System.getLogger(EdgeServer.class.getName());

    private final WebServer server;
    private final HikariDataSource dataSource;
    private final Grid grid;
    /** Whether closing this server closes its grid (it started it) or leaves it to its owner. */
    private final boolean ownsGrid;
    private final KeyRing keys;
    private final QueueStreams streams;
    private final IssuerRouter verifiers;
    private final WaitingRoom room;
    private final TokenIssuer tokens;
    private final ScheduledExecutorService sessionPurge;
    private final AutoCloseable gauges;

    private EdgeServer(WebServer server, HikariDataSource dataSource, Grid grid, boolean ownsGrid,
                       KeyRing keys, QueueStreams streams, IssuerRouter verifiers, WaitingRoom room,
                       TokenIssuer tokens, ScheduledExecutorService sessionPurge, AutoCloseable gauges) {
        this.server = server;
        this.gauges = gauges;
        this.sessionPurge = sessionPurge;
        this.verifiers = verifiers;
        this.room = room;
        this.tokens = tokens;
        this.keys = keys;
        this.streams = streams;
        this.dataSource = dataSource;
        this.grid = grid;
        this.ownsGrid = ownsGrid;
    }

    /** Standalone: starts a grid member or client from {@code grid.*} and owns it. */
    public static EdgeServer start(Config config) {
        return start(config, Clock.systemUTC());
    }

    public static EdgeServer start(Config config, Clock clock) {
        EdgeSettings settings = EdgeSettings.from(config);
        return Grid.startOwned(settings.grid(), Grid.DEFAULT_STRIPES, clock,
                grid -> start(config, settings, grid, true, clock));
    }

    /** With a grid someone else owns (the local stack's shared member); closing leaves the grid running. */
    public static EdgeServer start(Config config, Grid grid) {
        return start(config, grid, Clock.systemUTC());
    }

    /** As {@link #start(Config, Grid)} with the clock that drives admission and token times (tests move it). */
    public static EdgeServer start(Config config, Grid grid, Clock clock) {
        return start(config, EdgeSettings.from(config), grid, false, clock);
    }

    private static EdgeServer start(Config config, EdgeSettings settings, Grid grid, boolean ownsGrid,
                                    Clock clock) {
        HikariDataSource dataSource = Database.pool(config.get("db"), "queue-edge");
        KeyRing keys = null;
        QueueStreams streams = null;
        IssuerRouter verifiers = null;
        WaitingRoom room = null;
        ScheduledExecutorService sessionPurge = null;
        QueueGauges queueGauges = null;
        Figures gridGauges = null;
        FiguresSampler sampler = null;
        try {
            Database.migrate(dataSource, SCHEMA);
            // Events are written to PostgreSQL before the grid, and a cold grid (first member up after a full stop)
            // is rebuilt from there: sold and awaiting-payment orders stay taken, holds without an order are gone.
            grid.catalog().persistTo(CatalogStore.migrate(dataSource));
            GridRebuild.Report rebuilt = GridRebuild.rebuild(grid, dataSource, settings.timing().holdExtension(), clock);
            if (rebuilt.categoriesRebuilt() > 0) {
                LOG.log(System.Logger.Level.INFO, "grid rebuilt from PostgreSQL: " + rebuilt);
            }
            // A retired key verifies as long as a token it signed can be valid: the longest lifetime plus slack.
            KeyEncryption sealing = KeyEncryption.from(config.get("token"));
            if (sealing.enabled()) {
                LOG.log(System.Logger.Level.INFO, "signing keys stored sealed with key-encryption key "
                        + sealing.currentId());
            } else {
                LOG.log(System.Logger.Level.WARNING, "signing keys are stored UNSEALED in PostgreSQL: set "
                        + "token.key-encryption-key (or token.key-encryption-key-file) from a secret");
            }
            keys = new KeyRing(dataSource, clock, settings.fanTokenTtl().plus(settings.admissionWindow().multipliedBy(2)),
                    settings.keyReload(), sealing,
                    ServiceConfig.millis(config.get("token.rotate-every-millis"), 604_800_000L));
            KeyRing ring = keys;
            // Fan tokens of trusted external identity providers go to their JWKS; everything else is ours.
            verifiers = new IssuerRouter(new JwkTokenVerifier(ring::forKid, settings.issuer(), clock),
                    settings.externalIssuers(), clock);
            CachingTokenVerifier verified = new CachingTokenVerifier(verifiers, clock, settings.tokenCacheEntries());
            TokenIssuer issuer = new TokenIssuer(ring::current, settings.issuer(), settings.fanTokenTtl(), clock,
                    verified::remember);
            TokenGuard guard = new TokenGuard(verified);
            QueueMetrics metrics = new QueueMetrics();
            room = new WaitingRoom(grid.hazelcast(), clock, settings.admissionWindow(), metrics,
                    StockSource.cached(grid.catalog(), grid.inventory(), settings.stockMaxAge()),
                    settings.holdReturnShare(), settings.stateMaxAge(), settings.localTickets());
            // Never longer than the admission window (a shorter window in a test or a small drop caps it).
            room.stockReserve(Duration.ofMillis(Math.min(settings.admissionWindow().toMillis(), ServiceConfig.millis(
                    config.get("admission.reserve-millis"), QueueState.DEFAULT_RESERVE_MILLIS).toMillis())));
            // After a cold grid, every event of the catalog gets its queue back, not yet open: positions lived only
            // in the grid, so fans join again and the operator chooses when to reopen. Create-if-absent otherwise.
            for (var event : grid.catalog().all()) {
                room.create(event.eventId(), settings.queueDefaults().ratePerMinute(),
                        settings.queueDefaults().batchSize());
            }
            room.signInGrace(ServiceConfig.millis(config.get("queue.sign-in-grace-millis"),
                    WaitingRoom.DEFAULT_SIGN_IN_GRACE.toMillis()));
            PollAdvice advice = PollAdvice.from(config.get("queue.poll"));
            streams = new QueueStreams(room, issuer, metrics, grid.hazelcast(), settings.pushInterval(),
                    settings.streamHeartbeat(), settings.streamMaxLifetime(), settings.maxStreams(), advice);
            Passwords passwords = new Passwords(settings.maxConcurrentPasswordHashes(), settings.passwordHashWait());
            // Operator accounts, sessions and the audit trail live in schema "operators" (service-runtime's),
            // shared with the payment-worker; the first start creates the bootstrap admin from operator.*.
            OperatorAccess operators = OperatorAccess.start(dataSource, settings.operators(), clock, "queue-edge");

            SessionStore sessions = new SessionStore(dataSource, clock, settings.refreshTtl(), settings.refreshFamilyTtl());
            // One set of per-address limits for the whole edge: renewals count with the queue calls.
            ClientLimits limits = ClientLimits.from(config.get("limits"));
            FanRoutes fans = new FanRoutes(new FanStore(dataSource), passwords, issuer, sessions, guard, limits);
            ProofOfWork pow = new ProofOfWork(grid.hazelcast(), clock,
                    ServiceConfig.millis(config.get("challenge.ttl-millis"), 120_000),
                    config.get("challenge.default-difficulty-bits").asInt().orElse(0),
                    config.get("challenge.secret").asString().orElse(null));
            ChallengeRoutes challenges = new ChallengeRoutes(pow, limits, id -> grid.catalog().find(id).isPresent(),
                    operators);
            QueueRoutes queue = new QueueRoutes(room, streams, guard, issuer, limits, metrics, advice,
                    ServiceConfig.millis(config.get("token.place-ttl-millis"), 86_400_000),
                    (eventId, body) -> pow.verify(eventId, body.challenge(), body.nonce()));
            KeyRoutes keyRoutes = new KeyRoutes(ring, operators);
            // The seat map is served from a short cache (real time, not the test clock: it only bounds grid reads).
            EventRoutes events = new EventRoutes(grid.catalog(), grid.inventory(),
                    ServiceConfig.millis(config.get("seats.map-max-age-millis"), 1_000));
            HoldRoutes holds = new HoldRoutes(grid.catalog(), grid.inventory(), guard, room::tookStock);
            FiguresHistory history = new FiguresHistory(grid.hazelcast());
            sampler = FiguresSampler.start(room, grid.catalog(), grid.inventory(), history, ServiceConfig.millis(
                    config.get("operator.history.sample-every-millis"), FiguresSampler.DEFAULT_SAMPLE_EVERY_MILLIS));
            OperatorRoutes operator = new OperatorRoutes(operators, grid.catalog(), grid.inventory(), room,
                    settings.queueDefaults(), sessions, history, sampler.sampleEveryMillis());
            WebRoutes web = WebRoutes.from(config.get("web"));
            sessionPurge = purgeEndedSessions(sessions, settings.sessionPurgeInterval());
            PoolMeters.register(dataSource);
            queueGauges = QueueGauges.start(room, grid, GAUGE_REFRESH_MILLIS);
            gridGauges = GridMeters.sample(grid.hazelcast(), "queue-edge", GAUGE_REFRESH_MILLIS * 5);
            QueueGauges closeQueueGauges = queueGauges;
            Figures closeGridGauges = gridGauges;
            FiguresSampler closeSampler = sampler;

            OpenApiDocument openApi = OpenApiDocument.fromClasspath("openapi/queue-edge.yaml");
            pinGlobalMappers();
            WebServer server = Servers.start("queue-edge", config.get("server"), routing -> {
                routing.addFilter(RouteLatency.of("queue-edge"));
                routing.get("/.well-known/jwks.json", (req, res) -> {
                    res.header("Cache-Control", "public, max-age=300");
                    JsonHttp.ok(res, ring.current().jwks());
                });
                operator.routes(routing);
                challenges.routes(routing);
                keyRoutes.routes(routing);
                fans.routes(routing);
                queue.routes(routing);
                holds.routes(routing);
                events.routes(routing);
                openApi.routes(routing);
                web.routes(routing);
            }, List.of(Database.healthCheck(dataSource, "edge-database"), Readiness.check("edge-grid", grid::isRunning)));
            return new EdgeServer(server, dataSource, grid, ownsGrid, keys, streams, verifiers, room, issuer, sessionPurge,
                    () -> {
                        closeSampler.close();
                        closeQueueGauges.close();
                        closeGridGauges.close();
                    });
        } catch (RuntimeException e) {
            if (sampler != null) {
                sampler.close();
            }
            if (queueGauges != null) {
                queueGauges.close();
            }
            if (gridGauges != null) {
                gridGauges.close();
            }
            if (sessionPurge != null) {
                sessionPurge.shutdownNow();
            }
            if (streams != null) {
                streams.close();
            }
            if (room != null) {
                room.close();
            }
            if (verifiers != null) {
                verifiers.close();
            }
            if (keys != null) {
                keys.close();
            }
            dataSource.close();
            throw e;
        }
    }

    /** Ended session families (and their spent tokens) would otherwise stay forever; every edge sweeps, harmlessly. */
    private static ScheduledExecutorService purgeEndedSessions(SessionStore sessions, Duration interval) {
        ScheduledExecutorService purge = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("session-purge").factory());
        purge.scheduleWithFixedDelay(() -> {
            try {
                sessions.purgeEnded();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "purging ended sessions failed; next try in " + interval, e);
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return purge;
    }

    /**
     * Helidon 4.2 looks the global mapper manager up in its service registry on every request whose route has a path
     * parameter (18% of a status read's CPU in QueueBenchmark's profile; helidon-io/helidon#10595, fixed in later
     * 4.x). Setting the registry's own instance as the global one turns that lookup into a field read; the mappers
     * are the same object, so nothing else changes.
     */
    private static synchronized void pinGlobalMappers() {
        if (!mappersPinned) {
            // Helidon also tries to re-register the instance in its registry, which refuses (already used) and logs
            // a warning with a stack trace; the pin itself is set before that. Quiet that one logger meanwhile.
            java.util.logging.Logger log = java.util.logging.Logger.getLogger("io.helidon.common.mapper.GlobalManager");
            java.util.logging.Level level = log.getLevel();
            log.setLevel(java.util.logging.Level.SEVERE);
            try {
                MapperManager.global(MapperManager.global());
            } finally {
                log.setLevel(level);
            }
            mappersPinned = true;
        }
    }

    private static boolean mappersPinned;

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.DEBUG, "closing gauges failed", e);
        }
    }

    public int port() {
        return server.port();
    }

    public String url() {
        return "http://127.0.0.1:" + server.port();
    }

    public Grid grid() {
        return grid;
    }

    /**
     * What sign-up and sign-in sign fan tokens with (tokens made here are known to this edge's verified-token
     * cache). For embedding and benchmarks that need fans without paying for password hashes.
     */
    public TokenIssuer fanTokens() {
        return tokens;
    }

    @Override
    public void close() {
        try {
            sessionPurge.shutdownNow();
            closeQuietly(gauges);
            streams.close();
            room.close();
            verifiers.close();
            keys.close();
            server.stop();
        } finally {
            dataSource.close();
            if (ownsGrid) {
                grid.close();
            }
        }
    }
}
