-- 0014_login_failures: failed dashboard sign-ins, counted to throttle
-- password guessing per account and per client address. In the database
-- (not in memory) so that every `callscope serve` process sharing it sees
-- the same counts.
--
-- A row is written *before* the password is checked (under an advisory
-- lock per account and per address, so concurrent guesses are counted one
-- by one) and deleted again when the password was right: only failures
-- remain. Rows older than the throttle window no longer count; upkeep
-- deletes them after a day.
create table login_failures (
    id           bigint generated always as identity primary key,
    occurred_at  timestamptz not null default now(),
    -- HMAC-SHA-256 (key derived from the master key) of the e-mail as typed,
    -- trimmed and lower-cased: the same for every spelling of one address,
    -- whether or not an account has it, and never the text itself (people
    -- type passwords into the e-mail field).
    account_key  bytea not null
        constraint login_failures_account_key_length check (octet_length(account_key) = 32),
    -- the client address (see docs/security.md, behind a reverse proxy)
    client_addr  text not null
        constraint login_failures_client_addr_length check (octet_length(client_addr) <= 64)
);
-- "How many failures for this account, and when was the last": both
-- lookups read the newest rows of one key.
create index login_failures_account_idx on login_failures (account_key, occurred_at desc);
create index login_failures_addr_idx on login_failures (client_addr, occurred_at desc);
-- Upkeep: delete ... where occurred_at < now() - interval '1 day'.
create index login_failures_occurred_at_idx on login_failures (occurred_at);
