-- When a worker last started asking the provider to charge this order. The reconciler leaves an order alone while
-- such an attempt may still be in flight (the lease), so it never settles "no charge" under a charge being made.
alter table charges add column attempt_started_at timestamptz;
-- What the reconciler's second sweep scans: outcome known, order final, grid not yet followed.
create index charges_unsettled on charges (updated_at) where settled_at is null;
