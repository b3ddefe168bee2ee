-- 0020_rollups: daily per-app aggregates that the overview, the feedback
-- page and the webhook interval evaluations read instead of the rows they
-- summarise, so that a year stays fast and outlives the raw data
-- (docs/data-model.md, "Rollups"). Retention never removes them; deleting
-- the app does.

-- The summarised conferences of one app that started on one UTC day.
create table daily_conferences (
    app_id       bigint not null references apps (id) on delete cascade,
    day          date not null,
    -- Counts and tallies (domain::rollup::Day): conferences, failure
    -- groups, errors by WebRTC function, issue kinds, quality bands,
    -- endpoints by browser and app version, connections by client and by
    -- issue kind, exact shortest and longest setup delay. Each tally keeps
    -- at most domain::rollup::TALLY_KEYS keys a day; the rest are counted
    -- under "(other)", so a client sending endless app versions cannot grow
    -- a row without bound.
    tallies      jsonb not null,
    -- HdrHistograms (V2 encoding) of the fabrics' setup delays (ms) and of
    -- the conferences' quality scores (thousandths).
    setup_delays bytea not null,
    quality      bytea not null,
    -- Distinct userIDs: exact hashes up to a few hundred, then a
    -- HyperLogLog (domain::sketch). Holds no identifier.
    participants bytea not null,
    primary key (app_id, day)
);

-- What a summarised instance added to its day's row, so that rolling it
-- up again (summarised anew after a late event) first takes its old
-- contribution out; and the `summarized_at` of the summary it holds (not a
-- clock reading: any other summary is due). The lifecycle worker rolls up,
-- a batch per transaction, the instances whose summary is due
-- (server::rollups). Null
-- rollup: not in any day row (live, summary or roll-up pending, or its
-- roll-up failed). Holds no identifier.
alter table conference_instances
    add column rollup jsonb,
    add column rolled_up_summary_at timestamptz;
-- Instances whose day row does not hold what their rows say now (live,
-- summary or roll-up pending, set aside): reports compute these from rows.
create index conference_instances_out_of_date_idx on conference_instances (app_id, started_at)
    where rollup is null or summarized_at is null or rolled_up_summary_at is distinct from summarized_at;
create index conference_instances_roll_up_due_idx on conference_instances (app_id, started_at)
    where summarized_at is not null and rolled_up_summary_at is distinct from summarized_at;

-- Feedback of one app submitted on one UTC day by endpoints of one
-- applicationVersion ('' when none was given): how many ratings of each
-- value each kind got. Kind 'lowest' is the lowest of a feedback's
-- ratings: its counts are the rated feedback, those <= 2 the dissatisfied.
create table daily_feedback (
    app_id      bigint not null references apps (id) on delete cascade,
    day         date not null,
    app_version text collate "C" not null,
    kind        text not null
        constraint daily_feedback_kind_check check (kind in ('overall', 'audio', 'video', 'screen', 'lowest')),
    rating      smallint not null constraint daily_feedback_rating_range check (rating between 1 and 5),
    count       bigint not null constraint daily_feedback_count_positive check (count > 0),
    primary key (app_id, day, app_version, kind, rating)
);

insert into daily_feedback (app_id, day, app_version, kind, rating, count)
select f.app_id, (f.submitted_at at time zone 'UTC')::date, coalesce(e.application_version, ''), r.kind, r.rating,
       count(*)
  from feedback f
  join endpoints e on e.id = f.endpoint_id,
       lateral (values ('overall', f.overall_rating), ('audio', f.audio_rating), ('video', f.video_rating),
                       ('screen', f.screen_rating), ('lowest', f.min_rating)) r (kind, rating)
 where r.rating is not null
 group by 1, 2, 3, 4, 5;
