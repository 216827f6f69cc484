-- Sessions that outlast a short access token. One family per sign-in (or sign-up); each renewal spends the family's
-- current refresh token and adds the next one, so a family is the chain of one browser's renewals. A family ends
-- at expires_at (absolute lifetime, never extended) or when revoked: sign-out everywhere, the operator, or a spent
-- token presented again (reuse, the sign of a stolen token).
create table session_families (
    family_id      uuid primary key,
    fan_id         uuid        not null references fans (fan_id) on delete cascade,
    created_at     timestamptz not null,
    expires_at     timestamptz not null,
    revoked_at     timestamptz,
    revoked_reason text,
    constraint session_families_reason check (revoked_reason in ('reuse', 'sign-out', 'operator')),
    constraint session_families_revoked check ((revoked_at is null) = (revoked_reason is null))
);
-- Sign-out everywhere finds a fan's live families; the purge finds ended ones.
create index session_families_fan on session_families (fan_id) where revoked_at is null;
create index session_families_expiry on session_families (expires_at);

-- Refresh tokens, only as the SHA-256 of the secret the fan holds (a leaked table renews nothing). A spent token is
-- kept until its family ends, so presenting it again is recognised as reuse.
create table refresh_tokens (
    token_hash bytea primary key,
    family_id  uuid        not null references session_families (family_id) on delete cascade,
    issued_at  timestamptz not null,
    expires_at timestamptz not null,
    spent_at   timestamptz,
    constraint refresh_tokens_hash_length check (octet_length(token_hash) = 32)
);
create index refresh_tokens_family on refresh_tokens (family_id);
