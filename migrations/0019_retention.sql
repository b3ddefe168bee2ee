-- 0019_retention: how long each app's data is kept (docs/privacy.md), and
-- what the retention job has done.

-- Days kept, per app; null keeps the configured default
-- (CALLSCOPE_*_RETENTION_DAYS). Samples never outlive the conference
-- detail they belong to: stats_samples has no foreign key (0005), so the
-- application checks stats <= detail against the defaults as well.
alter table apps
    add column stats_retention_days integer
        constraint apps_stats_retention_days_range check (stats_retention_days between 1 and 3650),
    add column detail_retention_days integer
        constraint apps_detail_retention_days_range check (detail_retention_days between 1 and 3650),
    add column webhook_retention_days integer
        constraint apps_webhook_retention_days_range check (webhook_retention_days between 1 and 3650),
    add constraint apps_stats_within_detail check (stats_retention_days <= detail_retention_days),
    -- Every sample of the app older than this has been deleted (for an app
    -- that keeps samples for less time than the whole table's partitions).
    add column stats_removed_before timestamptz;

-- When an ended instance's detail (events, errors and logs, SDPs, ICE
-- candidates, SSRC maps, call details, system status, pre-call tests) was
-- removed; the instance, its participants, connections, feedback and
-- issues stay for search and the overview.
alter table conference_instances add column detail_removed_at timestamptz;
-- The retention job's walk: ended instances whose detail is still kept, oldest first.
create index conference_instances_detail_kept_idx on conference_instances (app_id, ended_at)
    where detail_removed_at is null and ended_at is not null;

-- What a job's last run did, e.g. {"statsPartitions": 3, "events": 120}:
-- shown to admins next to when it ran.
alter table job_leases add column last_result jsonb not null default '{}';
