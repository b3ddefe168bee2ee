-- 0010_lifecycle: what the lifecycle worker looks for besides silent live
-- instances (which the live partial index already enumerates): ended
-- instances whose summary a late event made stale (summarized_at cleared by
-- ingestion). Few rows at any time, so the index stays tiny.
create index conference_instances_stale_summary_idx
    on conference_instances (id) where status = 'ended' and summarized_at is null;
