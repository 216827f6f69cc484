-- Fans who can join queues. Emails are stored lower-cased; the unique index is what makes a duplicate sign-up a 409.
create table fans (
    fan_id        uuid primary key,
    email         text        not null,
    password_hash text        not null,
    display_name  text        not null,
    created_at    timestamptz not null default now(),
    constraint fans_email_lower check (email = lower(email)),
    constraint fans_email_length check (char_length(email) <= 254),
    constraint fans_display_name_length check (char_length(display_name) between 1 and 100)
);
create unique index fans_email_unique on fans (email);

-- Token signing keys shared by every edge instance. slot = 'current' marks the key new tokens are signed with;
-- the first instance to start inserts it (on conflict do nothing) and every instance loads the stored one.
-- Retired keys (slot null) stay listed in the JWKS until their tokens can no longer be valid.
create table signing_keys (
    kid               text primary key,
    slot              text unique,
    algorithm         text        not null,
    private_key_pkcs8 bytea       not null,
    public_key_x509   bytea       not null,
    created_at        timestamptz not null default now()
);
