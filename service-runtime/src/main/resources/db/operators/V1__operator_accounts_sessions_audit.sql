-- Operator accounts, their sign-in sessions and the audit trail of every operator change. Owned by service-runtime
-- (dev.floodgate.runtime.operator): every service with operator endpoints migrates this schema and reads the same
-- accounts and sessions, so one sign-in works on the edge and the payment-worker.

CREATE TABLE operator_accounts (
    id            bigserial   PRIMARY KEY,
    username      text        NOT NULL UNIQUE CHECK (username ~ '^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$'),
    role          text        NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
    -- A self-describing Argon2id hash (PHC string: parameters and salt included).
    password_hash text        NOT NULL CHECK (length(password_hash) <= 512),
    disabled      boolean     NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL,
    changed_at    timestamptz NOT NULL
);

-- Only the SHA-256 of a session token is kept: a copy of this table signs nobody in.
CREATE TABLE operator_sessions (
    token_sha256  bytea       PRIMARY KEY CHECK (length(token_sha256) = 32),
    account_id    bigint      NOT NULL REFERENCES operator_accounts (id) ON DELETE CASCADE,
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    last_seen_at  timestamptz NOT NULL
);
CREATE INDEX operator_sessions_account ON operator_sessions (account_id);
CREATE INDEX operator_sessions_expiry ON operator_sessions (expires_at);

-- Who changed what, when, from what to what. Rows are only ever added.
CREATE TABLE operator_audit (
    id        bigserial   PRIMARY KEY,
    at        timestamptz NOT NULL,
    operator  text        NOT NULL,
    service   text        NOT NULL,
    action    text        NOT NULL,
    target    text        NOT NULL,
    before    jsonb,
    after     jsonb
);
