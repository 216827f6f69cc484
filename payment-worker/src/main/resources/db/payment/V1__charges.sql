-- The payment worker's own books: one row per order it was asked to charge (order id = provider idempotency key).
create table charges (
    order_id           uuid primary key,
    event_id           text        not null,
    hold_id            text        not null,
    amount_minor       bigint      not null check (amount_minor > 0),
    currency           char(3)     not null,
    payment_method_id  text        not null,
    -- UNKNOWN: asked, no answer yet (a charge may exist); SUCCEEDED / DECLINED / REJECTED: the provider's answer;
    -- SKIPPED: the order was no longer awaiting payment, nothing was charged.
    status             text        not null check (status in ('UNKNOWN', 'SUCCEEDED', 'DECLINED', 'REJECTED', 'SKIPPED')),
    provider_charge_id text,
    decline_code       text,
    failure_reason     text,
    attempts           int         not null default 0 check (attempts >= 0),   -- HTTP calls, all deliveries together
    deliveries         int         not null default 0 check (deliveries >= 0), -- times a request for it was handled
    order_status       text,                                                    -- the order's final status once settled
    created_at         timestamptz not null default now(),
    updated_at         timestamptz not null default now(),
    settled_at         timestamptz                                              -- order row and grid both done
);
create unique index charges_by_provider_charge on charges (provider_charge_id) where provider_charge_id is not null;
-- What a reconciler will scan: asked, but never learnt the outcome.
create index charges_unknown on charges (updated_at) where status = 'UNKNOWN';
