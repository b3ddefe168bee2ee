-- 0010_lifecycle: what the lifecycle worker reads.
--
-- `last_seen_at` is when the server last received anything for a live
-- instance, by its own clock: silence is measured on it, never on the
-- client's `last_activity_at` (a client clock that runs behind, or a replay
-- of past calls, must not end a conference that is still talking). Written
-- with `last_activity_at`, unindexed, so the update stays HOT.
alter table conference_instances add column last_seen_at timestamptz not null default now();

-- Ended instances whose summary a late event made stale (summarized_at
-- cleared by ingestion). Few rows at any time, so the index stays tiny.
create index conference_instances_stale_summary_idx
    on conference_instances (id) where status = 'ended' and summarized_at is null;
