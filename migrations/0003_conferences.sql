-- 0003_conferences: conference instances, the endpoints (participants) in
-- them, and the per-endpoint data that is not tied to one connection:
-- feedback, call details, system status.
--
-- Identifier columns (conferenceID, userIDs) are declared `collate "C"`:
-- comparisons are then plain byte comparisons whatever the database default
-- collation is, so equality is byte-exact and case-sensitive, and prefix
-- searches (range or LIKE 'abc%') can walk an ordinary btree index. See
-- docs/data-model.md, "Identifiers and collation".

-- Smallest string greater than every string that starts with `prefix`, in
-- byte (= code point, for UTF-8) order: the last character is replaced by the
-- next Unicode scalar value (skipping surrogates); trailing U+10FFFF are
-- dropped first. Lets a prefix search be written as a plain range,
--   conference_id >= $1 and conference_id < prefix_upper_bound($1)
-- which uses the btree index even under a generic prepared-statement plan
-- (LIKE $1 cannot: the planner derives index bounds from LIKE only when the
-- pattern is a constant at plan time). Returns null for '' or a prefix of only
-- U+10FFFF characters (no finite bound exists): callers must not run a prefix
-- search with an empty prefix.
create function prefix_upper_bound(prefix text) returns text
    language plpgsql immutable strict parallel safe
as $$
declare
    p text := prefix;
    c integer;
begin
    while p <> '' loop
        c := ascii(right(p, 1));           -- code point (database is UTF8, see 0001)
        if c < 1114111 then
            c := c + 1;
            if c between 55296 and 57343 then  -- U+D800..U+DFFF are not characters
                c := 57344;
            end if;
            return left(p, -1) || chr(c);
        end if;
        p := left(p, -1);
    end loop;
    return null;
end
$$;

-- One "conference instance": all endpoints using one conferenceID at the same
-- time. The same conferenceID may be reused later; each use after the
-- previous instance ended is a new row. The summary columns are filled by the
-- finalizer job when the instance ends (all fabrics ended, or 30 s without
-- activity) and are what search, overview and webhooks read.
create table conference_instances (
    id                      bigint generated always as identity primary key,
    app_id                  bigint not null references apps (id) on delete cascade,
    -- Exactly the bytes the client sent: no trimming, case folding or Unicode
    -- normalisation. The application rejects > 256 bytes with a 422 naming the
    -- field; the check is the last line of defence.
    conference_id           text collate "C" not null
        constraint conference_instances_conference_id_length
        check (octet_length(conference_id) between 1 and 256),
    started_at              timestamptz not null,
    -- Updated by ingestion (throttled by the application, e.g. only when older
    -- than 5 s) and read by the finalizer. Deliberately NOT indexed: an
    -- unindexed column can be updated as a HOT update (no index churn) and the
    -- finalizer only looks at live rows, which the partial unique index below
    -- already enumerates.
    last_activity_at        timestamptz not null,
    ended_at                timestamptz,
    status                  text not null default 'live'
        constraint conference_instances_status_check check (status in ('live', 'ended')),
    end_reason              text
        constraint conference_instances_end_reason_check
        check (end_reason in ('fabricsEnded', 'allLeft', 'inactivity')),

    -- summary, computed once when the instance ends (null while live)
    summarized_at           timestamptz,
    duration_ms             bigint check (duration_ms >= 0),
    participant_count       integer check (participant_count >= 0),   -- distinct userIDs
    endpoint_count          integer check (endpoint_count >= 0),      -- endpoints (ucIDs)
    fabric_count            integer check (fabric_count >= 0),
    fabrics_setup_count     integer check (fabrics_setup_count >= 0),
    fabrics_failed_count    integer check (fabrics_failed_count >= 0),
    setup_delay_min_ms      integer check (setup_delay_min_ms >= 0),
    setup_delay_median_ms   integer check (setup_delay_median_ms >= 0),
    setup_delay_max_ms      integer check (setup_delay_max_ms >= 0),
    -- totalFailure: no fabric ever set up; partialFailure: some did, some did not;
    -- null: no failure (or not yet summarised).
    failure_group           text
        constraint conference_instances_failure_group_check
        check (failure_group in ('totalFailure', 'partialFailure')),
    error_count             integer not null default 0 check (error_count >= 0),
    -- MOS-like estimate 1..5 computed by the finalizer from RTT/jitter/loss.
    quality_score           double precision check (quality_score between 1 and 5),
    -- free-form extras of the summary (per-function failure counts, ...), so a
    -- new summary figure does not need a migration before it is indexed.
    summary                 jsonb not null default '{}',

    -- Feedback summary. Maintained by the feedback insert (same transaction),
    -- not only by the finalizer, because users rate *after* the call, often
    -- after the instance has ended.
    feedback_count          integer not null default 0 check (feedback_count >= 0),
    -- lowest rating of any kind (overall/audio/video/screen) received
    feedback_min_rating     smallint check (feedback_min_rating between 1 and 5),
    feedback_avg_overall    double precision check (feedback_avg_overall between 1 and 5),

    constraint conference_instances_ended_consistent check (
        (status = 'live' and ended_at is null) or (status = 'ended' and ended_at is not null)
    ),
    constraint conference_instances_ended_after_start check (ended_at is null or ended_at >= started_at)
) with (fillfactor = 90);  -- leave room on each page for HOT updates of last_activity_at

-- At most one live instance per (app, conferenceID). Joining a conference is
--   insert ... on conflict (app_id, conference_id) where status = 'live'
--   do update set last_activity_at = greatest(...) returning id
-- so two endpoints joining at once land in the same instance, and a join after
-- the previous instance ended starts a new one. The finalizer enumerates live
-- instances through this (small, partial) index.
create unique index conference_instances_live_key
    on conference_instances (app_id, conference_id) where status = 'live';

-- Search by conferenceID inside an app: exact match (newest instance first,
-- served in index order) and prefix match as a range scan
--   conference_id >= $p and conference_id < prefix_upper_bound($p)
-- or LIKE 'abc%' with a literal pattern. Byte-exact because the column is C.
create index conference_instances_conference_id_idx
    on conference_instances (app_id, conference_id, started_at desc, id desc);

-- Newest-first keyset pagination of an app's conferences, optionally limited
-- to a time range:
--   where app_id = $1 and started_at >= $from and started_at < $to
--     and (started_at, id) < ($cursor_started_at, $cursor_id)
--   order by started_at desc, id desc limit $n
-- Also the FK index for app deletion and the overview/webhook period scans.
create index conference_instances_app_started_idx
    on conference_instances (app_id, started_at desc, id desc);

-- The same pagination across all apps a user may see (admins, or a search
-- without the `app` filter), where app_id = any($apps) cannot deliver rows in
-- started_at order from the per-app index.
create index conference_instances_started_idx
    on conference_instances (started_at desc, id desc);

-- Search by failureGroup (totalFailure / partialFailure), newest first, and the
-- failedConferences webhook count over a period. Partial: most conferences
-- do not fail, so the index stays small.
create index conference_instances_failure_idx
    on conference_instances (app_id, failure_group, started_at desc, id desc)
    where failure_group is not null;

-- Search feedback12=1 (any rating of 1 or 2), newest first. Queries must spell
-- the predicate literally (`feedback_min_rating <= 2`), not as a parameter,
-- for the planner to pick this partial index.
create index conference_instances_feedback12_idx
    on conference_instances (app_id, started_at desc, id desc)
    where feedback_min_rating <= 2;


-- One endpoint: an SDK instance (a localUserID in one browser tab) present in
-- one conference instance. `id` is the ucID returned by "user joined" and
-- carried in every later URL. Two endpoints may have the same user_id in one
-- conference; they stay distinct rows.
create table endpoints (
    id                  uuid primary key default gen_random_uuid(),  -- the ucID
    instance_id         bigint not null references conference_instances (id) on delete cascade,
    -- copy of conference_instances.app_id (never changes), so that user
    -- searches stay inside one index; no FK: the instance FK already cascades.
    app_id              bigint not null,
    -- The wire localID: the plain userID string, or, for a userID object, the
    -- aliasName (so that showing user_id to an engineer never reveals a real
    -- name). Opaque, exact bytes, case-sensitive, 1..256 bytes.
    user_id             text collate "C" not null
        constraint endpoints_user_id_length check (octet_length(user_id) between 1 and 256),
    -- From a userID object {userName, aliasName, loginID}; null when a plain
    -- string was given. userName is shown to support/admin only, never sent to
    -- an engineer.
    user_name           text collate "C"
        constraint endpoints_user_name_length check (char_length(user_name) <= 128),
    alias_name          text collate "C"
        constraint endpoints_alias_name_length check (char_length(alias_name) <= 128),
    login_id            text collate "C"
        constraint endpoints_login_id_length check (char_length(login_id) <= 128),
    -- wire deviceID
    device_id           text not null default ''
        constraint endpoints_device_id_length check (octet_length(device_id) <= 256),
    -- endpointInfo as sent: type, os, osVersion, name (browser), version,
    -- appVersion, buildName, ...
    endpoint_info       jsonb not null default '{}',
    -- configParams as sent (applicationVersion, siteID, additionalIDs,
    -- collectLegacyStats, ...). The two fields the dashboard filters on are
    -- also copied into columns below.
    config_params       jsonb not null default '{}',
    application_version text
        constraint endpoints_application_version_length check (char_length(application_version) <= 30),
    site_id             text collate "C"
        constraint endpoints_site_id_length check (octet_length(site_id) <= 256),
    joined_at           timestamptz not null,
    -- Updated by userAlive every ~10 s; not indexed on purpose (HOT updates).
    last_alive_at       timestamptz not null,
    left_at             timestamptz,
    left_reason         text
        constraint endpoints_left_reason_check check (left_reason in ('userLeft', 'timeout')),  -- timeout: no userAlive for 30 s
    constraint endpoints_left_after_join check (left_at is null or left_at >= joined_at)
) with (fillfactor = 90);

-- Participants of a conference (conference page, finalizer) and FK cascade
-- when an instance is deleted.
create index endpoints_instance_id_idx on endpoints (instance_id, joined_at);

-- Search by userID inside an app: exact or prefix (range) match, byte-exact.
-- instance_id is included so the conference ids come from an index-only scan.
create index endpoints_user_id_idx on endpoints (app_id, user_id) include (instance_id);
-- Search by aliasName (engineers' view of a user).
create index endpoints_alias_name_idx on endpoints (app_id, alias_name) include (instance_id)
    where alias_name is not null;
-- Search by userName (support staff search by the real name a customer gives).
-- The application refuses this search for engineers.
create index endpoints_user_name_idx on endpoints (app_id, user_name) include (instance_id)
    where user_name is not null;
-- Search by loginID (support staff are often given a login / e-mail).
create index endpoints_login_id_idx on endpoints (app_id, login_id) include (instance_id)
    where login_id is not null;


-- User feedback (sendUserFeedback / events/feedback). Ratings are 1..5 (MOS);
-- the SDK requires overall, the REST body makes every field optional, so each
-- is nullable but a row must say something.
create table feedback (
    id              bigint generated always as identity primary key,
    instance_id     bigint not null references conference_instances (id) on delete cascade,
    endpoint_id     uuid not null references endpoints (id) on delete cascade,
    app_id          bigint not null,  -- copy of the instance's app_id, for charts
    -- remoteID of the REST body: the peer the rating is about, if any.
    remote_user_id  text collate "C"
        constraint feedback_remote_user_id_length check (octet_length(remote_user_id) <= 256),
    overall_rating  smallint check (overall_rating between 1 and 5),
    audio_rating    smallint check (audio_rating between 1 and 5),
    video_rating    smallint check (video_rating between 1 and 5),
    screen_rating   smallint check (screen_rating between 1 and 5),
    comment         text,
    -- lowest of the given ratings: "dissatisfied" means min_rating <= 2
    min_rating      smallint generated always as
                        (least(overall_rating, audio_rating, video_rating, screen_rating)) stored,
    submitted_at    timestamptz not null,   -- client timestamp
    received_at     timestamptz not null default now(),
    constraint feedback_not_empty check (
        num_nonnulls(overall_rating, audio_rating, video_rating, screen_rating, comment) > 0
    )
);
-- Feedback on the conference page; FK cascade from instances.
create index feedback_instance_id_idx on feedback (instance_id);
-- FK cascade from endpoints.
create index feedback_endpoint_id_idx on feedback (endpoint_id);
-- Feedback charts for an app and period (distribution, trend, share of 1–2,
-- comments) and the dissatisfactoryUserFeedback webhook ratio.
create index feedback_app_submitted_idx on feedback (app_id, submitted_at);


-- sendCallDetails: contact-centre call attributes (callType, role, ...), kept
-- as JSON because the set of keys is the customer's.
create table call_details (
    id           bigint generated always as identity primary key,
    endpoint_id  uuid not null references endpoints (id) on delete cascade,
    -- the pc argument; fabrics are created in 0004, the FK is added there
    fabric_id    bigint,
    attributes   jsonb not null,
    reported_at  timestamptz not null,
    received_at  timestamptz not null default now()
);
-- Call details of an endpoint (conference page); FK cascade from endpoints.
create index call_details_endpoint_id_idx on call_details (endpoint_id, reported_at);


-- system/status: battery, CPU, memory of the endpoint's device over time.
create table system_status_samples (
    id            bigint generated always as identity primary key,
    endpoint_id   uuid not null references endpoints (id) on delete cascade,
    sampled_at    timestamptz not null,
    cpu_usage     double precision,
    battery_level double precision,
    memory_usage  double precision,
    total_memory  double precision,
    thread_count  integer,
    raw           jsonb not null default '{}',   -- any other statusStats fields
    received_at   timestamptz not null default now()
);
-- One endpoint's system status series in time order; FK cascade from endpoints.
create index system_status_samples_endpoint_idx on system_status_samples (endpoint_id, sampled_at);
