package dev.floodgate.edge.token;

import io.helidon.security.jwt.jwk.Jwk;

import javax.sql.DataSource;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The edge's view of the shared signing keys, kept fresh: reloaded from PostgreSQL every {@code reloadEvery}, at
 * once after a rotation made here, and when a token names a key id this edge does not know (at most once per
 * {@link #MISS_RELOAD_GAP}, so unknown key ids cannot make an edge hammer the database). Keys retired longer ago than
 * {@code retention} (the longest token lifetime) are left out: their tokens have all expired.
 *
 * <p>With a {@code rotateEvery}, each reload also retires the current key once it is that old (one edge wins the
 * conditional retirement, the others load its successor). Private keys are stored sealed by {@link KeyEncryption}.
 */
public final class KeyRing implements AutoCloseable {
    static final Duration MISS_RELOAD_GAP = Duration.ofSeconds(2);
    private static final System.Logger LOG = System.getLogger(KeyRing.class.getName());

    private final DataSource dataSource;
    private final Clock clock;
    private final Duration retention;
    private final KeyEncryption sealing;
    private final Duration rotateEvery;
    private final ScheduledExecutorService reloader;
    private volatile SigningKeys keys;
    private volatile long lastMissReloadNanos = System.nanoTime() - MISS_RELOAD_GAP.toNanos();

    public KeyRing(DataSource dataSource, Clock clock, Duration retention, Duration reloadEvery) {
        this(dataSource, clock, retention, reloadEvery, KeyEncryption.none(), Duration.ZERO);
    }

    /**
     * @param sealing     how private keys are stored (a key-encryption key, or none)
     * @param rotateEvery the current key's longest life before a reload rotates it (zero: only on demand)
     */
    public KeyRing(DataSource dataSource, Clock clock, Duration retention, Duration reloadEvery,
                   KeyEncryption sealing, Duration rotateEvery) {
        if (rotateEvery.isNegative()) {
            throw new IllegalArgumentException("token.rotate-every-millis must be 0 (off) or positive");
        }
        this.dataSource = dataSource;
        this.clock = clock;
        this.retention = retention;
        this.sealing = sealing;
        this.rotateEvery = rotateEvery;
        this.keys = load();
        this.reloader = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "signing-key-reload");
            t.setDaemon(true);
            return t;
        });
        reloader.scheduleWithFixedDelay(this::reloadQuietly, reloadEvery.toMillis(), reloadEvery.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private SigningKeys load() {
        return SigningKeys.loadOrCreate(dataSource, clock.instant().minus(retention), sealing);
    }

    public SigningKeys current() {
        return keys;
    }

    public void reload() {
        keys = load();
    }

    /** Rotates when the schedule says the current key is due (any edge may; one wins), then reloads. */
    void rotateIfDue() {
        if (!rotateEvery.isZero()) {
            java.time.Instant now = clock.instant();
            if (SigningKeys.rotateIfOlderThan(dataSource, now, now.minus(rotateEvery), sealing)) {
                LOG.log(System.Logger.Level.INFO, "signing key rotated on schedule (every " + rotateEvery + ")");
            }
        }
        reload();
    }

    private void reloadQuietly() {
        try {
            rotateIfDue();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "signing keys not reloaded (keeping the last ones): " + e);
        }
    }

    /** A new current key for every edge; this edge signs with it at once. */
    public SigningKeys rotate() {
        SigningKeys.rotate(dataSource, clock.instant(), sealing);
        reload();
        return keys;
    }

    /** The public key for {@code kid}; reloads once on a miss (a key rotated in by another edge). */
    public Optional<Jwk> forKid(String kid) {
        Optional<Jwk> key = keys.verificationKeys().forKeyId(kid);
        if (key.isPresent()) {
            return key;
        }
        long now = System.nanoTime();
        if (now - lastMissReloadNanos < MISS_RELOAD_GAP.toNanos()) {
            return Optional.empty();
        }
        lastMissReloadNanos = now;
        try {
            reload();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        return keys.verificationKeys().forKeyId(kid);
    }

    @Override
    public void close() {
        reloader.shutdownNow();
    }
}
