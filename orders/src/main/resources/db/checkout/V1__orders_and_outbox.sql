-- Orders: the truth of what is sold. One live order (awaiting payment or paid) per hold.
create table orders (
    id                uuid primary key,
    fan_id            text        not null,
    event_id          text        not null,
    category_id       text        not null,
    hold_id           text        not null,
    quantity          int         not null check (quantity > 0),
    amount_minor      bigint      not null check (amount_minor > 0),
    currency          char(3)     not null,
    status            text        not null check (status in ('AWAITING_PAYMENT', 'PAID', 'PAYMENT_FAILED', 'EXPIRED')),
    buyer_name        text        not null,
    buyer_email       text        not null,
    payment_method_id text        not null,
    idempotency_key   text        not null,
    failure_reason    text,
    created_at        timestamptz not null default now(),
    updated_at        timestamptz not null default now(),
    settled_at        timestamptz,
    unique (fan_id, idempotency_key)
);
create unique index orders_one_live_order_per_hold on orders (hold_id) where status in ('AWAITING_PAYMENT', 'PAID');
create index orders_by_fan on orders (fan_id, created_at desc);
create index orders_awaiting on orders (created_at) where status = 'AWAITING_PAYMENT';

-- Transactional outbox: written in the same transaction as the order, relayed to Pulsar, deleted once the broker
-- has it. A committed order therefore always leads to a delivered payment request.
create table outbox (
    id          bigserial primary key,
    topic       text        not null,
    message_key text        not null,
    payload     jsonb       not null,
    created_at  timestamptz not null default now()
);
