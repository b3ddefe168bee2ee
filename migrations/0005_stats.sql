-- 0005_stats: the bulk table. One row per measured object per getStats()
-- poll (an inbound/outbound RTP stream, a candidate pair, a transport, ...),
-- every ~10 s per fabric.
--
-- Range-partitioned by sampled_at, one partition per UTC day, so that
-- retention is `drop table` of whole days (instant, no vacuum, no bloat)
-- instead of a huge delete, and a fabric's series only touches the days it
-- lived in.
--
-- No foreign keys here, on purpose: an FK check per inserted row on the
-- hottest path, and cascades from fabrics into many partitions on deletion,
-- cost more than they protect. fabric_id/app_id are written by the collector
-- from rows it has just resolved; stats retention is never longer than
-- conference retention, so rows are dropped with their partition before (or
-- with) their fabric. Deleting an app also runs
--   delete from stats_samples where app_id = $1
-- (or lets the partitions age out).
create table stats_samples (
    -- stats timestamp (client clock; the collector clamps absurd values to
    -- the receive time so they do not pile up in the default partition)
    sampled_at     timestamptz not null,
    fabric_id      bigint not null,
    app_id         bigint not null,
    -- Identity of the measured object within one sample: the getStats()
    -- report id when present (e.g. 'RTCInboundRTPVideoStream_1234',
    -- 'CPabc_def'), else '<report_type>:<direction>:<ssrc>' or the array
    -- index. Makes a retried batch insert idempotent on its own
    -- (on conflict do nothing), even for clients that send no Idempotency-Key.
    stat_key       text collate "C" not null
        constraint stats_samples_stat_key_length check (octet_length(stat_key) between 1 and 256),
    -- which array of the REST `stats` object the row came from
    report_type    text not null
        constraint stats_samples_report_type_check check (report_type in (
            'track', 'candidatePair', 'transport', 'mst', 'dataChannel', 'codec')),
    -- csStatsCallback reportType of a track: inbound / outbound
    direction      text constraint stats_samples_direction_check check (direction in ('inbound', 'outbound')),
    media_kind     text constraint stats_samples_media_kind_check check (media_kind in ('audio', 'video')),
    ssrc           bigint check (ssrc between 0 and 4294967295),
    -- the extracted quality figures the charts plot; null when not reported
    rtt_ms           double precision check (rtt_ms >= 0),
    jitter_ms        double precision check (jitter_ms >= 0),
    packets_lost     bigint,        -- cumulative, may be negative per RFC 3550
    packets_received bigint check (packets_received >= 0),
    packets_sent     bigint check (packets_sent >= 0),
    fraction_lost    double precision check (fraction_lost between 0 and 1),
    bitrate_bps      double precision check (bitrate_bps >= 0),   -- computed from byte deltas
    frame_rate       double precision check (frame_rate >= 0),
    frame_width      integer check (frame_width >= 0),
    frame_height     integer check (frame_height >= 0),
    -- the rest of the report object (fields not extracted above)
    raw              jsonb not null default '{}',
    -- Unique keys of a partitioned table must contain the partition key.
    -- (fabric_id, sampled_at, ...) is also exactly the index that serves "one
    -- fabric's series ordered by time":
    --   where fabric_id = $1 and sampled_at >= $from and sampled_at < $to order by sampled_at
    -- (always bound sampled_at, e.g. by the fabric's added_at/terminated_at,
    -- so that only that day's partitions are probed).
    constraint stats_samples_pkey primary key (fabric_id, sampled_at, stat_key)
) partition by range (sampled_at);

-- Catches rows no daily partition covers (clock-skewed clients, or a day
-- whose partition was not created in time), so that ingestion never fails
-- with "no partition of relation found for row". Should stay (nearly) empty;
-- ensure_stats_partitions moves its rows into a new day's partition.
create table stats_samples_default partition of stats_samples default;

-- Creates the daily partitions stats_samples_pYYYYMMDD for the UTC days
-- from_day .. from_day + days - 1 that do not exist yet, and returns how many
-- it created. Idempotent, and safe to call from several callscope instances
-- at once (transaction-level advisory lock). The application calls it at
-- start and then periodically (e.g. hourly) with (current_date, 3), so
-- partitions exist well before rows arrive.
-- If the default partition already holds rows of a day being created, they
-- are moved into the new partition (create + move + attach), because
-- postgres refuses to create a partition whose range has rows in the default.
-- lock_timeout bounds the wait for the brief exclusive lock on the parent:
-- on timeout the call fails and is simply retried at the next run.
create function ensure_stats_partitions(from_day date, days integer) returns integer
    language plpgsql
    set lock_timeout = '5s'
as $$
declare
    sch      text;
    d        date;
    lo       timestamptz;
    hi       timestamptz;
    part     text;
    has_rows boolean;
    created  integer := 0;
begin
    if from_day is null or days is null or days < 0 or days > 366 then
        raise exception 'ensure_stats_partitions: from_day must be given and days must be 0..366 (got %, %)',
            from_day, days using errcode = '22023';
    end if;

    -- constant key: 'callscope.stats_partitions'
    perform pg_advisory_xact_lock(7364018274650001);

    select n.nspname into sch
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where c.oid = 'stats_samples'::regclass;

    for i in 0 .. days - 1 loop
        d := from_day + i;
        part := 'stats_samples_p' || to_char(d, 'YYYYMMDD');
        continue when to_regclass(format('%I.%I', sch, part)) is not null;

        -- day boundaries in UTC, independent of the session time zone
        lo := d::timestamp at time zone 'UTC';
        hi := (d + 1)::timestamp at time zone 'UTC';

        execute format('select exists (select 1 from %I.stats_samples_default where sampled_at >= $1 and sampled_at < $2)', sch)
           into has_rows using lo, hi;

        if has_rows then
            execute format('create table %I.%I (like %I.stats_samples including all)', sch, part, sch);
            execute format('with moved as (delete from %I.stats_samples_default where sampled_at >= $1 and sampled_at < $2 returning *) '
                           'insert into %I.%I select * from moved', sch, sch, part)
               using lo, hi;
            execute format('alter table %I.stats_samples attach partition %I.%I for values from (%L) to (%L)',
                           sch, sch, part, lo, hi);
        else
            execute format('create table %I.%I partition of %I.stats_samples for values from (%L) to (%L)',
                           sch, part, sch, lo, hi);
        end if;
        created := created + 1;
    end loop;

    return created;
end
$$;

-- Retention: drops every daily partition whose whole day lies before
-- before_day (UTC), deletes default-partition rows older than that, and
-- returns the number of partitions dropped. Dropping a partition needs a
-- brief exclusive lock on the parent; lock_timeout makes a busy moment fail
-- fast and the job retries at its next run. Operators who want no blocking
-- at all can instead, outside a transaction:
--   alter table stats_samples detach partition stats_samples_p20240101 concurrently;
--   drop table stats_samples_p20240101;
-- Only partitions named stats_samples_pYYYYMMDD (created by
-- ensure_stats_partitions) are considered.
create function drop_stats_partitions_before(before_day date) returns integer
    language plpgsql
    set lock_timeout = '5s'
as $$
declare
    sch     text;
    r       record;
    dropped integer := 0;
begin
    if before_day is null then
        raise exception 'drop_stats_partitions_before: before_day must be given' using errcode = '22023';
    end if;

    perform pg_advisory_xact_lock(7364018274650001);

    select n.nspname into sch
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where c.oid = 'stats_samples'::regclass;

    for r in
        select c.relname
          from pg_inherits i join pg_class c on c.oid = i.inhrelid
         where i.inhparent = 'stats_samples'::regclass
           -- case: never parse a name that does not match the pattern
           and case when c.relname ~ '^stats_samples_p[0-9]{8}$'
                    then to_date(substr(c.relname, 16), 'YYYYMMDD') < before_day
                    else false end
         order by c.relname
    loop
        execute format('drop table %I.%I', sch, r.relname);
        dropped := dropped + 1;
    end loop;

    execute format('delete from %I.stats_samples_default where sampled_at < $1', sch)
      using before_day::timestamp at time zone 'UTC';

    return dropped;
end
$$;
