-- Numbered seats of seated categories. A section is one grid entry (its position is the stripe number hold ids
-- name, so it never changes); a row lists its seat numbers. Seat ids are <section_id>-<row_id>-<number>.
alter table categories add column seated boolean not null default false;

create table seat_sections (
    event_id    text not null,
    category_id text not null,
    position    int  not null check (position between 0 and 63),
    section_id  text not null check (section_id ~ '^[A-Za-z0-9]{1,8}$'),
    primary key (event_id, category_id, section_id),
    unique (event_id, category_id, position),
    foreign key (event_id, category_id) references categories (event_id, category_id)
);

create table seat_rows (
    event_id    text  not null,
    category_id text  not null,
    section_id  text  not null,
    position    int   not null,
    row_id      text  not null check (row_id ~ '^[A-Za-z0-9]{1,8}$'),
    -- ascending seat numbers, 1..9999
    seats       int[] not null check (cardinality(seats) <= 9999),
    primary key (event_id, category_id, section_id, row_id),
    foreign key (event_id, category_id, section_id) references seat_sections (event_id, category_id, section_id)
);
