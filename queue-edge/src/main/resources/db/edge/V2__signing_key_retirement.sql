-- When a key stopped signing (rotation). A retired key stays in the JWKS, and verifies, until every token it can
-- have signed has expired (retired_at + the longest token lifetime); then it is left out.
alter table signing_keys add column retired_at timestamptz;
