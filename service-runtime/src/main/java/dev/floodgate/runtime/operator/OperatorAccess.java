package dev.floodgate.runtime.operator;

import dev.floodgate.contracts.error.ApiException;
import dev.floodgate.contracts.http.Json;
import dev.floodgate.runtime.Database;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Operator accounts, sign-in and sessions, and the audit trail, for every service with operator endpoints (they share
 * schema {@code operators}). A password is hashed only at sign-in (and for HTTP Basic, once per
 * {@link OperatorSettings#cacheTtl()}); a request with a session token costs a SHA-256 and, on a cache miss, one
 * PostgreSQL statement.
 */
public final class OperatorAccess {
    private static final System.Logger LOG = System.getLogger(OperatorAccess.class.getName());
    private static final int TOKEN_BYTES = 32;

    /** What a sign-in gives: the token (shown once, kept nowhere but by its holder) and whose it is. */
    public record Session(String token, String username, String role, Instant expiresAt) {
    }

    private final OperatorStore store;
    private final OperatorSettings settings;
    private final Clock clock;
    private final String service;
    private final PasswordHashes hashes;
    private final SignInLimits limits;
    private final ExpiringCache<ByteBuffer, Operator> sessions;
    private final ExpiringCache<ByteBuffer, Operator> basic;
    /**
     * Basic checks under way, by credential: a script firing several calls at once with the same credentials waits
     * for one check instead of being told another sign-in for the account is being checked. An entry lives only
     * while its check runs.
     */
    private final ConcurrentHashMap<ByteBuffer, CompletableFuture<Operator>> basicChecks = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    /** Keys the Basic cache: a heap dump shows no password, nor a fast hash one could guess against. */
    private final byte[] basicKey = new byte[32];

    private OperatorAccess(DataSource dataSource, OperatorSettings settings, Clock clock, String service) {
        this.store = new OperatorStore(dataSource);
        this.settings = settings;
        this.clock = clock;
        this.service = service;
        this.hashes = new PasswordHashes(settings.hashPermits(), settings.hashWait());
        this.limits = new SignInLimits(settings, clock);
        this.sessions = new ExpiringCache<>(settings.cacheTtl().toMillis(), settings.cacheEntries());
        this.basic = new ExpiringCache<>(settings.cacheTtl().toMillis(), settings.cacheEntries());
        random.nextBytes(basicKey);
    }

    /**
     * Migrates schema {@code operators} and creates the bootstrap admin if there is no account yet (never again:
     * a restart with another configured password changes nothing).
     *
     * @param service this service's name, in the audit trail
     */
    public static OperatorAccess start(DataSource dataSource, OperatorSettings settings, Clock clock, String service) {
        Database.migrate(dataSource, OperatorStore.SCHEMA);
        OperatorAccess access = new OperatorAccess(dataSource, settings, clock, service);
        if (settings.isLocalDefault()) {
            LOG.log(System.Logger.Level.WARNING, "operator.password is the public local default: set "
                    + "OPERATOR_PASSWORD anywhere but a developer machine");
        }
        try {
            if (!access.store.anyAccount() && access.store.insertFirstAdmin(settings.bootstrapUsername(),
                    access.hashes.hash(settings.bootstrapPassword()), clock.instant())) {
                LOG.log(System.Logger.Level.INFO, "created the first operator account, admin "
                        + settings.bootstrapUsername() + ", from operator.username/operator.password");
            }
        } catch (SQLException e) {
            // PostgreSQL down at start: the next start creates it (no account means no sign-in either way).
            LOG.log(System.Logger.Level.WARNING, "could not check for the first operator account", e);
        }
        return access;
    }

    public String service() {
        return service;
    }

    OperatorSettings settings() {
        return settings;
    }

    /** A new session for the right password; 401 otherwise, 429 while locked, 503 when hashing is saturated. */
    public Session signIn(String username, String password, String address) {
        Operator who = checkPassword(username, password, address);
        String token = newToken();
        Instant now = clock.instant();
        Instant expires = now.plus(settings.sessionTtl());
        try {
            store.createSession(sha256(token), who.accountId(), now, expires);
        } catch (SQLException e) {
            throw unavailable(e);
        }
        return new Session(token, who.username(), who.role().wire(), expires);
    }

    /** The operator of a live session token; empty for an unknown, ended, idle or disabled one. */
    public Optional<Operator> session(String token) {
        if (token == null || token.isEmpty() || token.length() > 128) {
            return Optional.empty();
        }
        ByteBuffer key = ByteBuffer.wrap(sha256(token));
        long now = clock.millis();
        Optional<Operator> cached = sessions.get(key, now);
        if (cached.isPresent()) {
            return cached;
        }
        Optional<Operator> found;
        try {
            Instant at = Instant.ofEpochMilli(now);
            found = store.touchSession(key.array(), at, at.minus(settings.sessionIdle()));
        } catch (SQLException e) {
            throw unavailable(e);
        }
        found.ifPresent(o -> sessions.put(key, o, now));
        return found;
    }

    /** Ends a session here at once, and on other services within {@link OperatorSettings#cacheTtl()}. */
    public void signOut(String token) {
        byte[] hash = sha256(token);
        sessions.remove(ByteBuffer.wrap(hash));
        try {
            store.deleteSession(hash);
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    /**
     * HTTP Basic for scripts: the first request pays a sign-in (limits and Argon2 included), later ones within the
     * cache time only an HMAC. A disabled account or changed password is honoured within that time.
     */
    public Optional<Operator> basic(String username, String password, String address) {
        ByteBuffer key = ByteBuffer.wrap(hmac(username + '\0' + password));
        long now = clock.millis();
        Optional<Operator> cached = basic.get(key, now);
        if (cached.isPresent()) {
            return cached;
        }
        CompletableFuture<Operator> mine = new CompletableFuture<>();
        CompletableFuture<Operator> running = basicChecks.putIfAbsent(key, mine);
        if (running != null) {
            return Optional.of(outcomeOf(running));
        }
        try {
            Operator who = checkPassword(username, password, address);
            basic.put(key, who, now);
            mine.complete(who);
            return Optional.of(who);
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            basicChecks.remove(key, mine);
        }
    }

    /** Waits for another request's check of the same credentials, at most as long as a hash turn plus a hash. */
    private Operator outcomeOf(CompletableFuture<Operator> running) {
        try {
            return running.get(settings.hashWait().toMillis() + 2_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ApiException api) {
                throw api;
            }
            throw new IllegalStateException("operator credential check failed", e.getCause());
        } catch (TimeoutException e) {
            throw ApiException.unavailable("too many sign-ins at once, try again shortly");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("interrupted");
        }
    }

    private Operator checkPassword(String username, String password, String address) {
        if (username == null || username.isBlank() || username.length() > 64 || password == null
                || password.length() > OperatorSettings.MAX_PASSWORD_CHARS) {
            throw wrongCredentials();
        }
        try (AutoCloseable turn = limits.enter(username, address)) {
            OperatorStore.Account account;
            try {
                account = store.find(username).orElse(null);
            } catch (SQLException e) {
                throw unavailable(e);
            }
            boolean usable = account != null && !account.disabled();
            if (hashes.matches(password, usable ? account.passwordHash() : null) && usable) {
                limits.succeeded(username);
                return account.operator();
            }
            limits.failed(username, address);
            throw wrongCredentials();
        } catch (ApiException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- accounts (admin) ----

    public List<AccountView> accounts() {
        try {
            return store.list().stream().map(OperatorStore.Account::view).toList();
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    public AccountView create(Operator who, String username, Role role, String password) {
        if (username == null || !username.matches("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")) {
            throw ApiException.badRequest("username: 1-64 letters, digits, '.', '_', '@' or '-'", "username");
        }
        checkNewPassword(password);
        String hash = hashes.hash(password);
        try {
            if (!store.create(username, role, hash, clock.instant())) {
                throw ApiException.conflict("an operator with this username exists");
            }
        } catch (SQLException e) {
            throw unavailable(e);
        }
        AccountView after = new AccountView(username, role.wire(), false);
        record(who, "account.create", "account:" + username, null, after);
        return after;
    }

    /** Changes what is non-null; a new password or disabling ends the account's sessions. */
    public AccountView change(Operator who, String username, Role role, Boolean disabled, String password) {
        if (role == null && disabled == null && password == null) {
            throw ApiException.badRequest("nothing to change: give role, disabled or password", null);
        }
        if (password != null) {
            checkNewPassword(password);
        }
        String hash = password == null ? null : hashes.hash(password);
        OperatorStore.Account before;
        OperatorStore.Account after;
        try {
            before = store.find(username).orElseThrow(() -> ApiException.notFound("no such operator"));
            after = store.change(before.id(), role, disabled, hash, clock.instant())
                    .orElseThrow(() -> ApiException.conflict("at least one enabled admin must remain"));
        } catch (SQLException e) {
            throw unavailable(e);
        }
        // This service forgets the account's verified sessions and Basic credentials now; others within cacheTtl.
        sessions.removeIf(o -> o.accountId() == before.id());
        basic.removeIf(o -> o.accountId() == before.id());
        String action = password != null ? "account.reset-password" : disabled != null && role == null
                ? (disabled ? "account.disable" : "account.enable") : "account.change";
        // The password itself is never audited: only that it changed.
        record(who, action, "account:" + username, auditView(before.view(), password != null, false),
                auditView(after.view(), password != null, true));
        return after.view();
    }

    private static Object auditView(AccountView view, boolean passwordChanged, boolean after) {
        if (!passwordChanged) {
            return view;
        }
        return new java.util.LinkedHashMap<>(java.util.Map.of("username", view.username(), "role", view.role(),
                "disabled", view.disabled(), "password", after ? "new" : "old"));
    }

    private static void checkNewPassword(String password) {
        if (password == null || password.length() < OperatorSettings.MIN_PASSWORD_CHARS
                || password.length() > OperatorSettings.MAX_PASSWORD_CHARS) {
            throw ApiException.badRequest("password: " + OperatorSettings.MIN_PASSWORD_CHARS + " to "
                    + OperatorSettings.MAX_PASSWORD_CHARS + " characters", "password");
        }
    }

    // ---- audit ----

    /**
     * Writes one audit row for a change already made. A failure to write is logged, not thrown: the change stands
     * and the operator must not be told it failed (a retry would repeat it).
     */
    public void record(Operator who, String action, String target, Object before, Object after) {
        try {
            store.audit(clock.instant(), who.username(), service, action, target,
                    before == null ? null : Json.writeString(before), after == null ? null : Json.writeString(after));
        } catch (SQLException | RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "audit row lost: " + who.username() + " " + action + " " + target, e);
        }
    }

    /** Newest first, {@code limit} (1..200) rows with an id below {@code beforeId}. */
    public List<AuditEntry> audit(Long beforeId, int limit) {
        try {
            return store.auditPage(beforeId, limit);
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    // ---- helpers ----

    private static ApiException wrongCredentials() {
        return ApiException.unauthorized("wrong username or password");
    }

    private static ApiException unavailable(SQLException e) {
        if (Database.isUnavailable(e)) {
            return Database.unavailable(e, "the operator accounts cannot be read right now, retry");
        }
        throw new IllegalStateException("operator accounts: " + e.getMessage(), e);
    }

    private String newToken() {
        byte[] bytes = new byte[TOKEN_BYTES];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private byte[] hmac(String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(basicKey, "HmacSHA256"));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
