-- Tickets: one code per seat of a PAID order. Written by the payment worker in the same transaction that moves the
-- order to PAID (so a PAID order always has its tickets and no other order ever has any), read by checkout for the
-- fan. They live beside the orders because they are part of what the fan bought and reads from checkout.
create table tickets (
    order_id   uuid        not null references orders (id),
    seat_no    int         not null check (seat_no > 0),
    code       text        not null unique,
    issued_at  timestamptz not null default now(),
    primary key (order_id, seat_no)
);
