-- The catalog: events on sale and their categories, owned by inventory-grid. The grid holds a copy (floodgate-events);
-- this is the copy that survives a cold grid, from which GridRebuild restores it.
create table events (
    event_id               text        primary key,
    name                   text        not null,
    starts_at_epoch_millis bigint      not null,
    max_per_fan            int         not null check (max_per_fan between 1 and 20),
    hold_ttl_millis        bigint      not null check (hold_ttl_millis > 0),
    created_at             timestamptz not null default now()
);

create table categories (
    event_id    text    not null references events (event_id),
    category_id text    not null,
    position    int     not null,
    name        text    not null,
    capacity    int     not null check (capacity >= 0),
    price_minor bigint  not null check (price_minor > 0),
    currency    char(3) not null,
    -- Fixed when the event is created: hold ids name their stripe, so the count may never change.
    stripes     int     not null check (stripes between 1 and 64),
    updated_at  timestamptz not null default now(),
    primary key (event_id, category_id)
);
