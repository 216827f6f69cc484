-- The last line of defence for numbered seats: PostgreSQL itself refuses a second live (awaiting payment) or paid
-- order naming a seat. The grid already never holds a seat twice; this keeps "never sold twice" true in the truth of
-- what is sold even if the grid were wrong (a bug, a split brain, a rebuild from stale data).
-- Kept by a trigger on orders, so every writer (checkout's insert, the worker's settlement, the reconciler) is covered
-- without each having to remember it. Names are schema-qualified: the trigger runs under the writer's search_path.
create table seat_claims (
    event_id    text not null,
    category_id text not null,
    seat_id     text not null,
    order_id    uuid not null references orders (id),
    primary key (event_id, category_id, seat_id)
);
create index seat_claims_by_order on seat_claims (order_id);

insert into seat_claims (event_id, category_id, seat_id, order_id)
select o.event_id, o.category_id, s.seat_id, o.id
from orders o, unnest(o.seat_ids) as s(seat_id)
where o.seat_ids is not null and o.status in ('AWAITING_PAYMENT', 'PAID');

create function claim_order_seats() returns trigger language plpgsql as $$
begin
    if tg_op = 'INSERT' then
        if new.seat_ids is not null and new.status in ('AWAITING_PAYMENT', 'PAID') then
            insert into checkout.seat_claims (event_id, category_id, seat_id, order_id)
            select new.event_id, new.category_id, s.seat_id, new.id from unnest(new.seat_ids) as s(seat_id);
        end if;
    elsif new.status in ('PAYMENT_FAILED', 'EXPIRED') and old.status in ('AWAITING_PAYMENT', 'PAID') then
        -- An order that ended unpaid gives its seats back (the grid returns them to stock in the same settlement).
        delete from checkout.seat_claims where order_id = new.id;
    end if;
    return new;
end
$$;

create trigger orders_claim_seats after insert or update of status on orders
    for each row execute function claim_order_seats();
