-- 0007_webhooks: webhook configuration and the delivery queue/log.

-- Per-app webhook (callstats "Webhook Notifications"). The signing secret must
-- be recoverable to compute the HMAC-SHA-256 header, so it is encrypted with
-- the master key exactly like app secrets (ciphertext + nonce), never stored
-- in plain text, and shown only by its last four characters.
create table webhooks (
    id                        bigint generated always as identity primary key,
    app_id                    bigint not null references apps (id) on delete cascade,
    url                       text not null
        constraint webhooks_url_format check (url ~ '^https?://[^[:space:]]+$' and octet_length(url) <= 2048),
    secret_ciphertext         bytea not null,
    secret_nonce              bytea not null
        constraint webhooks_secret_nonce_length check (octet_length(secret_nonce) between 12 and 24),
    secret_master_key_version smallint not null default 1,
    secret_last4              text not null default ''
        constraint webhooks_secret_last4_length check (char_length(secret_last4) <= 4),
    -- notification reasons this webhook fires for (at least one)
    reasons                   text[] not null
        constraint webhooks_reasons_check check (
            cardinality(reasons) >= 1
            and reasons <@ array['failedConferences', 'dissatisfactoryUserFeedback']::text[]
        ),
    -- interval: the ratio over the last `interval_seconds` crosses `threshold`;
    -- individual: every single failed conference / dissatisfied feedback.
    trigger_type              text not null
        constraint webhooks_trigger_type_check check (trigger_type in ('interval', 'individual')),
    -- a ratio 0..1 (0.1 = 10 %); documented as 1 for individual triggers
    threshold                 double precision not null
        constraint webhooks_threshold_range check (threshold between 0 and 1),
    interval_seconds          integer not null default 3600
        constraint webhooks_interval_range check (interval_seconds between 60 and 604800),
    enabled                   boolean not null default true,
    -- evaluator state for interval triggers: when to evaluate next, and the
    -- last ratio seen, so that a notification fires when the ratio *crosses*
    -- the threshold rather than on every evaluation while it stays above.
    next_evaluation_at        timestamptz not null default now(),
    last_evaluated_at         timestamptz,
    last_value                double precision,
    created_by                bigint references users (id) on delete set null,
    created_at                timestamptz not null default now(),
    updated_at                timestamptz not null default now(),
    constraint webhooks_individual_threshold check (trigger_type = 'interval' or threshold = 1)
);
-- Webhooks of one app (admin page; the finalizer/feedback insert looking for
-- individual webhooks to enqueue); FK cascade on app deletion.
create index webhooks_app_id_idx on webhooks (app_id);
-- Interval evaluator: claim due webhooks with
--   select ... where enabled and trigger_type = 'interval' and next_evaluation_at <= now()
--   order by next_evaluation_at for update skip locked limit 10
create index webhooks_due_idx on webhooks (next_evaluation_at)
    where enabled and trigger_type = 'interval';

-- One notification to send, and its delivery log. Enqueued in the same
-- transaction that produces it (the finalizer for individual
-- failedConferences, the feedback insert for individual
-- dissatisfactoryUserFeedback, the evaluator for interval triggers), so a
-- notification exists iff its cause was committed.
create table webhook_deliveries (
    id               bigint generated always as identity primary key,
    webhook_id       bigint not null references webhooks (id) on delete cascade,
    reason           text not null
        constraint webhook_deliveries_reason_check check (reason in ('failedConferences', 'dissatisfactoryUserFeedback')),
    trigger_type     text not null
        constraint webhook_deliveries_trigger_type_check check (trigger_type in ('interval', 'individual')),
    -- Says which cause this is, e.g. 'individual:conference:123',
    -- 'individual:feedback:456', 'interval:<period start ms>'. Unique per
    -- webhook, so the same notification is never enqueued twice even when
    -- several callscope instances evaluate at once (on conflict do nothing).
    dedupe_key       text not null
        constraint webhook_deliveries_dedupe_key_length check (octet_length(dedupe_key) between 1 and 200),
    -- The exact JSON body to POST (reason, timestamp, appId, triggerType,
    -- actualValue, threshold, fractionalValue, period{start,end}, url, text),
    -- kept as text so every attempt sends — and signs — identical bytes in
    -- the documented key order.
    payload          text not null,
    status           text not null default 'pending'
        constraint webhook_deliveries_status_check check (status in ('pending', 'delivered', 'failed')),
    attempts         integer not null default 0 check (attempts >= 0),
    -- when the next attempt is due; null once delivered or given up
    next_attempt_at  timestamptz default now(),
    last_attempt_at  timestamptz,
    last_status_code smallint,
    last_error       text,
    delivered_at     timestamptz,
    created_at       timestamptz not null default now(),
    constraint webhook_deliveries_dedupe_key unique (webhook_id, dedupe_key),
    constraint webhook_deliveries_pending_has_due check (status <> 'pending' or next_attempt_at is not null)
);
-- Delivery worker: claim due deliveries with
--   select id from webhook_deliveries
--    where status = 'pending' and next_attempt_at <= now()
--    order by next_attempt_at limit 20 for update skip locked
-- then push next_attempt_at forward by a lease (e.g. +60 s), attempts + 1,
-- commit, POST, and record the result. Partial: finished rows drop out of it.
create index webhook_deliveries_due_idx on webhook_deliveries (next_attempt_at)
    where status = 'pending';
-- Admin delivery log of one webhook, newest first; the unique constraint
-- above (webhook_id, dedupe_key) already serves the FK cascade.
create index webhook_deliveries_webhook_idx on webhook_deliveries (webhook_id, created_at desc);
