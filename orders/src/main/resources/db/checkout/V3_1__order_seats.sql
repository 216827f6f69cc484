-- Numbered seats. An order on a seated hold names its seats (null: general admission; the grid never holds a seat
-- twice, and GridRebuild restores seated stock from this column); each ticket of such an order names its seat.
-- Versioned 3.1 so that another V3 of this schema merges without a clash.
alter table orders add column seat_ids text[];
alter table tickets add column seat_id text;
