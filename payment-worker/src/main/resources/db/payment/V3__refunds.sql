-- Money owed back: a charge that succeeded at the provider for an order that had already ended otherwise (expired,
-- or failed) — the fan was charged for nothing. The row is written in the transaction that records that outcome, so
-- a refund is never forgotten; the provider is then asked with the idempotency key refund:<order id> and the same
-- body on every try, so a crash between the call and the record, a retry, a redelivery or a duplicate callback never
-- refunds twice. One row per order (an order has one idempotency key, hence at most one charge).
create table refunds (
    order_id           uuid primary key,
    provider_charge_id text        not null unique,
    idempotency_key    text        not null unique,
    amount_minor       bigint      not null check (amount_minor > 0),
    currency           char(3)     not null,
    order_status       text        not null,  -- the order's final status when the charge was found to owe a refund
    -- PENDING: owed, not (yet) confirmed by the provider (never asked, or no answer); SUCCEEDED: refunded;
    -- REJECTED: the provider refused (a 4xx): needs an operator.
    status             text        not null check (status in ('PENDING', 'SUCCEEDED', 'REJECTED')),
    provider_refund_id text unique,
    attempts           int         not null default 0 check (attempts >= 0),  -- HTTP calls, all tries together
    failure_reason     text,
    created_at         timestamptz not null default now(),
    updated_at         timestamptz not null default now(),
    refunded_at        timestamptz
);
-- What the reconciler's refund sweep scans.
create index refunds_pending on refunds (updated_at) where status = 'PENDING';

-- When the reconciler asked the provider once more about an order it had ended "no charge" although a charge attempt
-- had been made (a provider may process a request its client gave up on): a charge found then is refunded.
alter table charges add column rechecked_at timestamptz;
create index charges_to_recheck on charges (updated_at)
    where status = 'SKIPPED' and attempt_started_at is not null and rechecked_at is null;
