package dev.floodgate.runtime.operator;

import com.zaxxer.hikari.HikariDataSource;
import dev.floodgate.contracts.error.ApiException;
import dev.floodgate.engines.fixture.Engines;
import dev.floodgate.engines.fixture.MutableClock;
import dev.floodgate.engines.fixture.SharedEngines;
import dev.floodgate.runtime.Database;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Operator accounts, sign-in, sessions, limits and the account audit, on real PostgreSQL (schema {@code operators}).
 * Each test uses account names of its own, so the class shares one database.
 */
@ExtendWith(SharedEngines.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperatorAccessTest {
    private static final String ADMIN = "first-admin";
    private static final String ADMIN_PASSWORD = "first-admin-password";

    private HikariDataSource dataSource;
    private final MutableClock clock = MutableClock.startingNow();
    private OperatorAccess access;
    private Operator admin;

    @BeforeAll
    void start(Engines engines) {
        dataSource = Database.pool(Config.just(ConfigSources.create(Map.of("url", engines.jdbcUrl(),
                "user", engines.user(), "password", engines.password(), "pool.max-size", "8"))), "operator-test");
        access = start(ADMIN, ADMIN_PASSWORD, clock, Map.of());
        admin = access.session(access.signIn(ADMIN, ADMIN_PASSWORD, "10.0.0.1").token()).orElseThrow();
    }

    @AfterAll
    void stop() {
        dataSource.close();
    }

    private OperatorAccess start(String user, String password, Clock clock, Map<String, String> more) {
        Map<String, String> settings = new HashMap<>(Map.of("username", user, "password", password,
                "session-ttl-millis", "3600000", "session-idle-millis", "600000", "cache-ttl-millis", "1000"));
        settings.putAll(more);
        return OperatorAccess.start(dataSource, OperatorSettings.from(Config.just(ConfigSources.create(settings))),
                clock, "test");
    }

    private String newOperator(String username, Role role) {
        String password = username + "-password";
        access.create(admin, username, role, password);
        return password;
    }

    @Test
    void theBootstrapAdminIsCreatedOnceAndARestartWithOtherSettingsChangesNothing() throws SQLException {
        start("someone-else", "another-password-entirely", clock, Map.of());

        assertThat(admin.role()).isEqualTo(Role.ADMIN);
        assertThat(access.accounts()).extracting(AccountView::username).doesNotContain("someone-else");
        assertThat(access.signIn(ADMIN, ADMIN_PASSWORD, "10.0.0.2").role()).isEqualTo("admin");
        assertThat(count("SELECT count(*) FROM operators.operator_accounts WHERE username = '" + ADMIN + "'"))
                .isEqualTo(1);
    }

    @Test
    void aSessionTokenIdentifiesItsOperatorAndOnlyItsSha256IsStored() throws SQLException {
        String password = newOperator("token-holder", Role.OPERATOR);

        OperatorAccess.Session session = access.signIn("token-holder", password, "10.0.1.1");

        assertThat(access.session(session.token())).contains(new Operator(
                access.session(session.token()).orElseThrow().accountId(), "token-holder", Role.OPERATOR));
        assertThat(count("SELECT count(*) FROM operators.operator_sessions WHERE token_sha256 = decode('"
                + java.util.HexFormat.of().formatHex(OperatorAccess.sha256(session.token())) + "', 'hex')"))
                .isEqualTo(1);
        assertThat(count("SELECT count(*) FROM operators.operator_sessions WHERE encode(token_sha256, 'escape') = '"
                + session.token() + "'")).isZero();
    }

    @Test
    void aWrongPasswordOrUnknownAccountIs401AndGivesNoSession() {
        newOperator("wrong-guess", Role.VIEWER);

        assertThat(catchThrowableOfType(ApiException.class, () -> access.signIn("wrong-guess", "not-it-at-all",
                "10.0.2.1")).status()).isEqualTo(401);
        assertThat(catchThrowableOfType(ApiException.class, () -> access.signIn("nobody-here", "not-it-at-all",
                "10.0.2.1")).status()).isEqualTo(401);
    }

    @Test
    void signingOutEndsTheSession() {
        String password = newOperator("leaver", Role.VIEWER);
        String token = access.signIn("leaver", password, "10.0.3.1").token();
        assertThat(access.session(token)).isPresent();

        access.signOut(token);

        assertThat(access.session(token)).isEmpty();
    }

    @Test
    void aSessionEndsAtItsExpiryEvenWhenBusy() {
        MutableClock own = MutableClock.startingNow();
        OperatorAccess shortLived = start(ADMIN, ADMIN_PASSWORD, own, Map.of("session-ttl-millis", "60000"));
        String token = shortLived.signIn(ADMIN, ADMIN_PASSWORD, "10.0.4.1").token();
        for (int i = 0; i < 5; i++) {
            own.advance(Duration.ofSeconds(11)); // past the 1 s cache: each call reads PostgreSQL
            assertThat(shortLived.session(token)).isPresent();
        }

        own.advance(Duration.ofSeconds(11));

        assertThat(shortLived.session(token)).isEmpty();
    }

    @Test
    void anIdleSessionEnds() {
        MutableClock own = MutableClock.startingNow();
        OperatorAccess idle = start(ADMIN, ADMIN_PASSWORD, own, Map.of("session-idle-millis", "60000"));
        String token = idle.signIn(ADMIN, ADMIN_PASSWORD, "10.0.5.1").token();

        own.advance(Duration.ofSeconds(61));

        assertThat(idle.session(token)).isEmpty();
    }

    @Test
    void disablingAnAccountEndsItsSessionsAndItsSignIn() {
        String password = newOperator("to-disable", Role.OPERATOR);
        String token = access.signIn("to-disable", password, "10.0.6.1").token();

        access.change(admin, "to-disable", null, true, null);

        assertThat(access.session(token)).isEmpty();
        assertThat(catchThrowableOfType(ApiException.class, () -> access.signIn("to-disable", password, "10.0.6.1"))
                .status()).isEqualTo(401);
    }

    @Test
    void theLastEnabledAdminCannotBeDemotedOrDisabled() {
        OperatorAccess own = start(ADMIN, ADMIN_PASSWORD, clock, Map.of());
        // Other tests may have added admins: demote all but the first, then try the first.
        for (AccountView a : own.accounts()) {
            if (a.role().equals("admin") && !a.username().equals(ADMIN) && !a.disabled()) {
                own.change(admin, a.username(), Role.OPERATOR, null, null);
            }
        }

        ApiException e = catchThrowableOfType(ApiException.class, () -> own.change(admin, ADMIN, Role.VIEWER, null,
                null));

        assertThat(e.status()).isEqualTo(409);
        assertThat(own.accounts()).filteredOn(a -> a.username().equals(ADMIN)).extracting(AccountView::role)
                .containsExactly("admin");
    }

    @Test
    void wrongPasswordsLockTheAccountForEveryAddress() {
        OperatorAccess limited = start(ADMIN, ADMIN_PASSWORD, clock, Map.of("account-failures", "3"));
        String password = newOperator("locked-account", Role.VIEWER);
        for (int i = 0; i < 3; i++) {
            String address = "10.0.7." + i;
            assertThat(catchThrowableOfType(ApiException.class,
                    () -> limited.signIn("locked-account", "wrong-password-x", address)).status()).isEqualTo(401);
        }

        ApiException locked = catchThrowableOfType(ApiException.class,
                () -> limited.signIn("locked-account", password, "10.0.7.99"));

        assertThat(locked.status()).isEqualTo(429);
        assertThat(locked.retryAfterSeconds()).isPositive();
        assertThat(limited.signIn(ADMIN, ADMIN_PASSWORD, "10.0.7.99").role()).isEqualTo("admin");
    }

    @Test
    void wrongPasswordsLockTheAddressForEveryAccountUntilTheLockoutEnds() {
        MutableClock own = MutableClock.startingNow();
        OperatorAccess limited = start(ADMIN, ADMIN_PASSWORD, own, Map.of("address-failures", "3",
                "lockout-millis", "60000"));
        for (int i = 0; i < 3; i++) {
            String account = "guess-" + i;
            assertThat(catchThrowableOfType(ApiException.class,
                    () -> limited.signIn(account, "wrong-password-x", "10.0.8.1")).status()).isEqualTo(401);
        }

        assertThat(catchThrowableOfType(ApiException.class,
                () -> limited.signIn(ADMIN, ADMIN_PASSWORD, "10.0.8.1")).status()).isEqualTo(429);
        assertThat(limited.signIn(ADMIN, ADMIN_PASSWORD, "10.0.8.2").role()).isEqualTo("admin");
        own.advance(Duration.ofSeconds(61));
        assertThat(limited.signIn(ADMIN, ADMIN_PASSWORD, "10.0.8.1").role()).isEqualTo("admin");
    }

    @Test
    void aFloodOfWrongPasswordsFromOneAddressAddsLessThanASecondToAnotherOperatorsSignIn() throws Exception {
        String password = newOperator("calm-operator", Role.OPERATOR);
        newOperator("flooded", Role.OPERATOR);
        long quiet = timed(() -> access.signIn("calm-operator", password, "10.0.9.200"));

        long signInMillis = duringAFlood(200, i -> "10.0.9.1", () -> {
            long t0 = System.nanoTime();
            assertThat(access.signIn("calm-operator", password, "10.0.9.200").role()).isEqualTo("operator");
            return (System.nanoTime() - t0) / 1_000_000;
        });

        assertThat(signInMillis).as("quiet: %d ms", quiet).isLessThan(quiet + 1_000);
    }

    @Test
    void aFloodOfWrongPasswordsForOneAccountFromManyAddressesAddsLessThanASecondToAnotherOperatorsSignIn()
            throws Exception {
        String password = newOperator("steady-operator", Role.OPERATOR);
        newOperator("targeted", Role.OPERATOR);
        long quiet = timed(() -> access.signIn("steady-operator", password, "10.2.0.1"));

        long signInMillis = duringAFlood(200, i -> "10.1." + (i / 250) + "." + (i % 250), () -> {
            long t0 = System.nanoTime();
            assertThat(access.signIn("steady-operator", password, "10.2.0.1").role()).isEqualTo("operator");
            return (System.nanoTime() - t0) / 1_000_000;
        });

        assertThat(signInMillis).as("quiet: %d ms", quiet).isLessThan(quiet + 1_000);
    }

    /**
     * The same sign-in without a flood, for comparison: the suite's machine is shared and one Argon2 hash alone can
     * take a second under its load; the flood must add no wait, not beat a fixed time on a busy machine.
     */
    private static long timed(Runnable signIn) {
        long t0 = System.nanoTime();
        signIn.run();
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /**
     * Starts {@code n} concurrent wrong sign-ins (for "targeted" from 10.1.x.y, else for "flooded"), runs
     * {@code probe} while they are under way, and checks every one of them was refused.
     */
    private long duringAFlood(int n, java.util.function.IntFunction<String> address,
                              java.util.concurrent.Callable<Long> probe) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger();
        try (ExecutorService flood = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                String from = address.apply(i);
                answers.add(flood.submit(() -> {
                    started.incrementAndGet();
                    go.await();
                    try {
                        access.signIn(from.startsWith("10.1.") ? "targeted" : "flooded", "wrong-password-" + from,
                                from);
                        return 200;
                    } catch (ApiException e) {
                        return e.status();
                    }
                }));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (started.get() < n && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            go.countDown();
            long millis = probe.call();
            for (Future<Integer> a : answers) {
                assertThat(a.get()).isIn(401, 429, 503);
            }
            return millis;
        }
    }

    @Test
    void concurrentBasicCallsWithTheSameCredentialsShareOneCheckAndAllPass() throws Exception {
        String password = newOperator("script-runner", Role.OPERATOR);
        CountDownLatch go = new CountDownLatch(1);
        try (ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Operator>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 20; i++) {
                answers.add(calls.submit(() -> {
                    go.await();
                    return access.basic("script-runner", password, "10.3.0.1").orElseThrow();
                }));
            }
            go.countDown();
            for (Future<Operator> a : answers) {
                assertThat(a.get().username()).isEqualTo("script-runner");
            }
        }
    }

    @Test
    void basicCredentialsAreCheckedAgainAfterTheCacheTimeSoADisabledAccountIsRefused() {
        MutableClock own = MutableClock.startingNow();
        OperatorAccess cached = start(ADMIN, ADMIN_PASSWORD, own, Map.of());
        String password = newOperator("script-disabled", Role.OPERATOR);
        assertThat(cached.basic("script-disabled", password, "10.3.1.1")).isPresent();
        access.change(admin, "script-disabled", null, true, null);

        assertThat(cached.basic("script-disabled", password, "10.3.1.1")).isPresent(); // within the 1 s cache
        own.advance(Duration.ofSeconds(2));

        assertThat(catchThrowableOfType(ApiException.class, () -> cached.basic("script-disabled", password,
                "10.3.1.1")).status()).isEqualTo(401);
    }

    @Test
    void everyAccountChangeIsAuditedWithBeforeAndAfterAndNoPassword() {
        String password = newOperator("audited", Role.VIEWER);
        access.change(admin, "audited", Role.OPERATOR, null, null);
        access.change(admin, "audited", null, true, null);
        access.change(admin, "audited", null, null, password + "-new");

        List<AuditEntry> rows = access.audit(null, 200).stream()
                .filter(e -> e.target().equals("account:audited")).toList();

        assertThat(rows).extracting(AuditEntry::action).containsExactly("account.reset-password",
                "account.disable", "account.change", "account.create");
        assertThat(rows).allSatisfy(e -> assertThat(e.operator()).isEqualTo(ADMIN));
        assertThat(rows.get(3).before()).isNull();
        assertThat(rows.get(3).after().get("role").asText()).isEqualTo("viewer");
        assertThat(rows.get(2).before().get("role").asText()).isEqualTo("viewer");
        assertThat(rows.get(2).after().get("role").asText()).isEqualTo("operator");
        assertThat(rows.get(1).before().get("disabled").asBoolean()).isFalse();
        assertThat(rows.get(1).after().get("disabled").asBoolean()).isTrue();
        assertThat(rows.get(0).after().get("password").asText()).isEqualTo("new");
        assertThat(rows.toString()).doesNotContain(password);
    }

    @Test
    void theAuditTrailIsPagedNewestFirst() {
        for (int i = 0; i < 5; i++) {
            access.record(admin, "test.page", "page:" + i, Map.of("n", i), Map.of("n", i + 1));
        }

        List<AuditEntry> first = access.audit(null, 2);
        List<AuditEntry> second = access.audit(first.getLast().id(), 2);

        assertThat(first).extracting(AuditEntry::target).containsExactly("page:4", "page:3");
        assertThat(second).extracting(AuditEntry::target).containsExactly("page:2", "page:1");
    }

    private long count(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
