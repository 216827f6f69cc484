package dev.floodgate.runtime.operator;

import dev.floodgate.contracts.error.ApiException;
import dev.floodgate.contracts.http.JsonHttp;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.List;
import java.util.Map;

/**
 * Sign-in, sign-out and "who am I" on every service with operator endpoints; with {@link #withAccountsAndAudit} also
 * the account API (admin) and the audit trail (any role):
 * <ul>
 *   <li>{@code POST /api/operator/sessions} {@code {username, password}} → 201 {@link OperatorAccess.Session}</li>
 *   <li>{@code DELETE /api/operator/sessions} → 204, the presented bearer token ended</li>
 *   <li>{@code GET /api/operator/me} → {@code {username, role}}</li>
 *   <li>{@code GET|POST /api/operator/accounts}, {@code PATCH /api/operator/accounts/{username}}
 *       {@code {role?, disabled?, password?}}</li>
 *   <li>{@code GET /api/operator/audit?before=<id>&limit=50} → {@code {entries, next}}</li>
 * </ul>
 */
public final class OperatorAccountRoutes {
    static final int MAX_BODY_BYTES = 1024;
    static final int MAX_AUDIT_PAGE = 200;

    record SignIn(String username, String password) {
    }

    record NewAccount(String username, String role, String password) {
    }

    record AccountChange(String role, Boolean disabled, String password) {
    }

    record Me(String username, String role) {
    }

    record AuditPage(List<AuditEntry> entries, Long next) {
    }

    private final OperatorAccess access;
    private final OperatorAuth auth;
    private final boolean accountsAndAudit;

    private OperatorAccountRoutes(OperatorAccess access, boolean accountsAndAudit) {
        this.access = access;
        this.auth = new OperatorAuth(access);
        this.accountsAndAudit = accountsAndAudit;
    }

    /** Sign-in, sign-out and "who am I" (the payment-worker: its own {@code /api/operator/audit} is the books'). */
    public static OperatorAccountRoutes signInOnly(OperatorAccess access) {
        return new OperatorAccountRoutes(access, false);
    }

    public static OperatorAccountRoutes withAccountsAndAudit(OperatorAccess access) {
        return new OperatorAccountRoutes(access, true);
    }

    /** Registers the filter first: every {@code /api/operator} route registered after it is behind it. */
    public void register(HttpRouting.Builder routing) {
        routing.any("/api/operator", auth);
        routing.any("/api/operator/*", auth);
        routing.post(OperatorAuth.SIGN_IN_PATH, this::signIn);
        routing.delete(OperatorAuth.SIGN_IN_PATH, this::signOut);
        routing.get("/api/operator/me", (req, res) -> {
            Operator who = OperatorAuth.require(req, Role.VIEWER);
            JsonHttp.ok(res, new Me(who.username(), who.role().wire()));
        });
        if (accountsAndAudit) {
            routing.get("/api/operator/accounts", (req, res) -> {
                OperatorAuth.require(req, Role.ADMIN);
                JsonHttp.ok(res, Map.of("accounts", access.accounts()));
            });
            routing.post("/api/operator/accounts", this::create);
            routing.patch("/api/operator/accounts/{username}", this::change);
            routing.get("/api/operator/audit", this::audit);
        }
    }

    private void signIn(ServerRequest req, ServerResponse res) {
        SignIn body = JsonHttp.read(req, SignIn.class, MAX_BODY_BYTES);
        res.header("Cache-Control", "no-store");
        JsonHttp.created(res, access.signIn(body.username(), body.password(), auth.address(req)));
    }

    private void signOut(ServerRequest req, ServerResponse res) {
        OperatorAuth.require(req, Role.VIEWER);
        access.signOut(OperatorAuth.bearer(req).orElseThrow(() -> ApiException.badRequest(
                "sign-out ends a session: send its token as Authorization: Bearer", null)));
        res.status(204).send();
    }

    private void create(ServerRequest req, ServerResponse res) {
        Operator who = OperatorAuth.require(req, Role.ADMIN);
        NewAccount body = JsonHttp.read(req, NewAccount.class, MAX_BODY_BYTES);
        JsonHttp.created(res, access.create(who, body.username(), Role.parse(body.role(), "role"), body.password()));
    }

    private void change(ServerRequest req, ServerResponse res) {
        Operator who = OperatorAuth.require(req, Role.ADMIN);
        AccountChange body = JsonHttp.read(req, AccountChange.class, MAX_BODY_BYTES);
        String username = req.path().pathParameters().get("username");
        JsonHttp.ok(res, access.change(who, username, body.role() == null ? null : Role.parse(body.role(), "role"),
                body.disabled(), body.password()));
    }

    private void audit(ServerRequest req, ServerResponse res) {
        OperatorAuth.require(req, Role.VIEWER);
        int limit = req.query().first("limit").asOptional().map(t -> number(t, "limit", 1, MAX_AUDIT_PAGE)).orElse(50);
        Long before = req.query().first("before").asOptional()
                .map(t -> (long) number(t, "before", 1, Integer.MAX_VALUE)).orElse(null);
        List<AuditEntry> entries = access.audit(before, limit);
        Long next = entries.size() == limit ? entries.getLast().id() : null;
        JsonHttp.ok(res, new AuditPage(entries, next));
    }

    private static int number(String text, String field, int min, int max) {
        try {
            int n = Integer.parseInt(text);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw ApiException.badRequest(field + " must be " + min + ".." + max, field);
    }
}
