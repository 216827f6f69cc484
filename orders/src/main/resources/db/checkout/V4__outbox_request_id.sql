-- The request id of the request that placed the order (X-Request-Id), relayed as the payment message's requestId
-- property so that one order's log lines share one id from checkout to the worker and the provider. Nullable: rows
-- written before this column, or by a checkout of the previous version during a rolling upgrade, have none.
alter table outbox add column request_id text;
