-- 0012_webhook_delivery_log: what a webhook notification is about, and the
-- log of every attempt to deliver it.

-- A notification is enqueued where its cause is committed (the summary of a
-- failed conference, a dissatisfied feedback, an interval evaluation), in SQL
-- that does not know the dashboard's public address. So the delivery keeps
-- its cause, and the JSON body is rendered once, by the worker's first claim,
-- then sent — and signed — byte for byte the same on every attempt.
alter table webhook_deliveries
    alter column payload drop not null,
    -- failed conferences or dissatisfied feedback counted (1 for individual)
    add column actual_value bigint not null default 1 check (actual_value >= 0),
    -- all conferences or feedback counted in the period (1 for individual)
    add column total        bigint not null default 1 check (total >= actual_value),
    add column period_start timestamptz not null default now(),
    add column period_end   timestamptz not null default now(),
    -- what an individual notification is about, for its text and search link
    add column instance_id  bigint references conference_instances (id) on delete set null,
    add column feedback_id  bigint references feedback (id) on delete set null,
    -- an admin's replay is a new delivery of the same body
    add column replay_of    bigint references webhook_deliveries (id) on delete set null;

-- Interval triggers fire on every period whose ratio exceeds the threshold;
-- no crossing state is kept.
alter table webhooks drop column last_value;

-- The foreign keys' set-null when conferences or feedback are deleted.
create index webhook_deliveries_instance_idx on webhook_deliveries (instance_id) where instance_id is not null;
create index webhook_deliveries_feedback_idx on webhook_deliveries (feedback_id) where feedback_id is not null;
-- Replays of a delivery: numbering them, and the set-null when it is deleted.
create index webhook_deliveries_replay_idx on webhook_deliveries (replay_of) where replay_of is not null;

-- Every attempt: when, how long, and what the receiver answered (or why
-- nothing was answered). The admin delivery log reads it by delivery.
create table webhook_attempts (
    id               bigint generated always as identity primary key,
    delivery_id      bigint not null references webhook_deliveries (id) on delete cascade,
    attempt          integer not null check (attempt >= 1),
    started_at       timestamptz not null,
    latency_ms       integer not null check (latency_ms >= 0),
    -- the HTTP status, or null when no response came (refused, timed out)
    status_code      smallint,
    -- why the attempt failed, when it did
    error            text,
    -- the start of the response body, at most 512 bytes
    response_snippet text not null default ''
        constraint webhook_attempts_snippet_length check (octet_length(response_snippet) <= 512),
    constraint webhook_attempts_unique unique (delivery_id, attempt)
);
