-- 0006_idempotency: Idempotency-Key support for the collector.
--
-- The SDK retries every batch with the same Idempotency-Key; a retried request
-- must be stored once and get the first answer again. Protocol (one
-- transaction per request, the same one that stores the ingested data):
--   1. insert into idempotency_keys (app_id, key, request_fingerprint)
--      values (...) on conflict do nothing returning 1;
--      - a concurrent request with the same key blocks here until the first
--        transaction commits or rolls back;
--   2. a row came back: store the data, then
--      update idempotency_keys set response_status = .., response_body = ..,
--      completed_at = now(), and commit — data and key become durable together;
--   3. nothing came back: roll back and read the row: same fingerprint ->
--      replay response_status/response_body; different fingerprint -> 422
--      (key reused for a different request).
-- A request that fails (4xx/5xx) rolls back, so its key is not kept and a
-- retry is processed afresh. Because of step 2, other transactions never see
-- a row with a null response.
create table idempotency_keys (
    app_id              bigint not null references apps (id) on delete cascade,
    -- the Idempotency-Key header value (visible ASCII, as HTTP allows)
    key                 text collate "C" not null
        constraint idempotency_keys_key_format check (key ~ '^[!-~]{1,255}$'),
    -- sha-256 over method, path and body: detects a key reused for another request
    request_fingerprint bytea not null
        constraint idempotency_keys_fingerprint_length check (octet_length(request_fingerprint) = 32),
    response_status     smallint
        constraint idempotency_keys_status_range check (response_status between 100 and 599),
    -- exact bytes of the first response body, replayed byte for byte
    response_body       bytea,
    created_at          timestamptz not null default now(),
    completed_at        timestamptz,
    -- Lookup/insert of a key, scoped to its app (keys of different apps never
    -- collide).
    constraint idempotency_keys_pkey primary key (app_id, key)
);
-- Cleanup job: delete from idempotency_keys where created_at < now() - interval '24 hours'
-- (well beyond the SDK's retry horizon).
create index idempotency_keys_created_at_idx on idempotency_keys (created_at);
