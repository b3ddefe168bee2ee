-- 0022_lean_samples: stats_samples rebuilt to hold only what is read, in
-- types as narrow as the data, so that a sample costs about a hundred
-- bytes on disk (heap row and indexes) instead of several hundred.
--
-- Measured on an SDK-shaped call (every field of Chrome's getStats()
-- reports, as callstats.js sends them; tests/it/collector/sample_size.rs)
-- and on the demo's polls (`make bench-ingest`); figures in
-- docs/benchmarks.md ("Bytes per sample").
--
-- What changed, and why:
-- * `raw` (the rest of each report as jsonb) is gone. The SDK sends every
--   field of every report — fifty or more for an RTP stream, and the
--   candidates' addresses, ports and TURN URLs on each candidate pair —
--   and nothing read them but the detectors, which read eight. Those are
--   now typed columns (freeze_count, total_freezes_duration_s,
--   concealed_samples, total_samples_received, quality_limitation_reason on
--   streams; selected, local/remote_candidate_type, local_protocol,
--   local_relay_protocol, available_outgoing_bitrate_bps on candidate
--   pairs); the rest is dropped at ingestion. Storing no IP address here is
--   also less personal data to keep, export and erase (docs/privacy.md).
-- * Text enums are smallint codes (stats_code() / stats_name() below):
--   report_type, direction, media_kind, and the report's W3C `type`
--   (stats_type), which alone tells an outbound-rtp row from the
--   remote-inbound-rtp row of the same stream.
-- * Figures measured, not counted, are `real` (7 significant digits, far
--   finer than any RTT, jitter, loss fraction, bitrate or frame rate a
--   browser measures; the collector's bounds all lie within its range).
--   Counters stay bigint: the collector accepts them up to 2^53, and an
--   audio stream's samples pass 2^31 after 12 hours.
-- * ssrc stays bigint: SSRCs are unsigned 32-bit, which integer cannot
--   hold, and an offset encoding would make every join with ssrc_maps
--   silently wrong.
-- * app_id is gone: nothing read it (retention deletes through fabric_id,
--   0019), and a fabric's app is its instance's.
-- * The primary key (fabric_id, sampled_at, stat_key) was the biggest
--   single cost: a unique btree entry per row with the key's text in it,
--   in pages left half full by the interleaved inserts of many fabrics.
--   The series index is now (fabric_id, sampled_at) without uniqueness, so
--   btree deduplication stores each poll's time once for all its objects;
--   and a retried submission is recognised per poll, not per object: the
--   first row of each poll carries poll_objects (how many objects the
--   poll had; null on the others, which costs nothing), and a partial
--   unique index holds (fabric_id, sampled_at, stat_key) of those first
--   rows only. The collector inserts a poll's first row with `on conflict
--   do nothing` and its other rows only when that first row went in
--   (db::stats::insert), so a retried or concurrently repeated poll is
--   still stored once, without an Idempotency-Key, while two different
--   polls of one fabric stamped with the same millisecond are both kept.
--   A poll is thus identified by its fabric, time and first object.
-- * No column compression: with raw gone no value is ever TOASTed (a row
--   is at most a few hundred bytes), and PostgreSQL compresses nothing
--   else.
--
-- Existing rows are converted: the table is rebuilt (new partitions for
-- the same days) and the rows copied, their read fields taken out of raw.
-- This takes time in proportion to the samples kept (docs/deploy.md).

-- The codes of the smallint columns. Both functions are inlined by the
-- planner, so `report_type = stats_code('report_type', 'track')` is a
-- constant and `stats_name('direction', direction)` a case expression.
-- An unknown name has no code (null).
create function stats_code(field text, name text) returns smallint
    language sql immutable parallel safe
as $$
    select (case field
        when 'report_type' then case name
            when 'track' then 1 when 'candidatePair' then 2 when 'transport' then 3
            when 'mst' then 4 when 'dataChannel' then 5 when 'codec' then 6 end
        when 'direction' then case name when 'inbound' then 1 when 'outbound' then 2 end
        when 'media_kind' then case name when 'audio' then 1 when 'video' then 2 end
        -- RTCStatsType (W3C webrtc-stats)
        when 'stats_type' then case name
            when 'inbound-rtp' then 1 when 'outbound-rtp' then 2 when 'remote-inbound-rtp' then 3
            when 'remote-outbound-rtp' then 4 when 'candidate-pair' then 5 when 'transport' then 6
            when 'codec' then 7 when 'media-source' then 8 when 'media-playout' then 9
            when 'track' then 10 when 'data-channel' then 11 when 'stream' then 12
            when 'peer-connection' then 13 when 'local-candidate' then 14 when 'remote-candidate' then 15
            when 'certificate' then 16 when 'csrc' then 17 when 'ice-server' then 18 end
        -- RTCQualityLimitationReason; the collector files any other word as 'other'
        when 'quality_limitation_reason' then case name
            when 'none' then 1 when 'cpu' then 2 when 'bandwidth' then 3 when 'other' then 4 end
        when 'candidate_type' then case name
            when 'host' then 1 when 'srflx' then 2 when 'prflx' then 3 when 'relay' then 4 end
        -- lower case, as the detectors compare it
        when 'protocol' then case name when 'udp' then 1 when 'tcp' then 2 when 'tls' then 3 end
    end)::smallint
$$;

create function stats_name(field text, code smallint) returns text
    language sql immutable parallel safe
as $$
    select case field
        when 'report_type' then (array['track', 'candidatePair', 'transport', 'mst', 'dataChannel', 'codec'])[code]
        when 'direction' then (array['inbound', 'outbound'])[code]
        when 'media_kind' then (array['audio', 'video'])[code]
        when 'stats_type' then (array['inbound-rtp', 'outbound-rtp', 'remote-inbound-rtp', 'remote-outbound-rtp',
            'candidate-pair', 'transport', 'codec', 'media-source', 'media-playout', 'track', 'data-channel',
            'stream', 'peer-connection', 'local-candidate', 'remote-candidate', 'certificate', 'csrc',
            'ice-server'])[code]
        when 'quality_limitation_reason' then (array['none', 'cpu', 'bandwidth', 'other'])[code]
        when 'candidate_type' then (array['host', 'srflx', 'prflx', 'relay'])[code]
        when 'protocol' then (array['udp', 'tcp', 'tls'])[code]
    end
$$;

-- A double as the nearest real: beyond real's range it becomes an
-- infinity (rows stored before the collector bounded its figures may hold
-- 1e308), below it zero. Used here to convert, and by hand-written inserts.
create function stats_real(value double precision) returns real
    language sql immutable parallel safe
as $$
    select case when value is null or value = 'NaN' then value::real
                when value > 3.4028234e38 then 'Infinity'::real
                when value < -3.4028234e38 then '-Infinity'::real
                when abs(value) < 1e-44 then 0::real
                else value::real end
$$;

alter table stats_samples rename to stats_samples_0005;
alter table stats_samples_default rename to stats_samples_0005_default;
alter index stats_samples_pkey rename to stats_samples_0005_pkey;
do $$
declare
    r record;
begin
    for r in
        select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid
         where i.inhparent = 'stats_samples_0005'::regclass and c.relname ~ '^stats_samples_p[0-9]{8}$'
    loop
        execute format('alter table %I rename to %I', r.relname, 'stats_samples_0005_' || substr(r.relname, 16));
    end loop;
end
$$;

-- Columns ordered widest first, so that no row carries alignment padding.
create table stats_samples (
    -- stats timestamp (client clock, clamped by the collector; 0005)
    sampled_at       timestamptz not null,
    fabric_id        bigint not null,
    ssrc             bigint constraint stats_samples_ssrc_check check (ssrc between 0 and 4294967295),
    -- cumulative counters as the browser reports them
    packets_lost     bigint,        -- may be negative per RFC 3550
    packets_received bigint constraint stats_samples_packets_received_check check (packets_received >= 0),
    packets_sent     bigint constraint stats_samples_packets_sent_check check (packets_sent >= 0),
    concealed_samples      bigint,  -- inbound audio: concealedSamples
    total_samples_received bigint,  -- inbound audio: totalSamplesReceived
    -- the charted figures; null when not reported
    rtt_ms           real constraint stats_samples_rtt_ms_check check (rtt_ms >= 0),
    jitter_ms        real constraint stats_samples_jitter_ms_check check (jitter_ms >= 0),
    fraction_lost    real constraint stats_samples_fraction_lost_check check (fraction_lost between 0 and 1),
    -- computed by the SDK from byte deltas
    bitrate_bps      real constraint stats_samples_bitrate_bps_check check (bitrate_bps >= 0),
    frame_rate       real constraint stats_samples_frame_rate_check check (frame_rate >= 0),
    frame_width      integer constraint stats_samples_frame_width_check check (frame_width >= 0),
    frame_height     integer constraint stats_samples_frame_height_check check (frame_height >= 0),
    -- inbound video: freezeCount, totalFreezesDuration (s)
    freeze_count     integer,
    total_freezes_duration_s real,
    -- candidate pair: availableOutgoingBitrate
    available_outgoing_bitrate_bps real,
    -- codes, see stats_code(): which array of the REST `stats` object the
    -- row came from, inbound/outbound, audio/video, the report's `type`
    report_type      smallint not null
        constraint stats_samples_report_type_check check (report_type between 1 and 6),
    direction        smallint constraint stats_samples_direction_check check (direction between 1 and 2),
    media_kind       smallint constraint stats_samples_media_kind_check check (media_kind between 1 and 2),
    stats_type       smallint,
    -- outbound video: qualityLimitationReason
    quality_limitation_reason smallint,
    -- candidate pair: its candidates' types and protocols, as the SDK
    -- copies them into the pair's report (localCandidateType, ...)
    local_candidate_type  smallint,
    remote_candidate_type smallint,
    local_protocol        smallint,
    local_relay_protocol  smallint,
    -- On the first row of each poll only: how many objects the poll had
    -- (1..2000). The partial unique index below makes a retried poll
    -- idempotent; null on every other row.
    poll_objects     smallint constraint stats_samples_poll_objects_check check (poll_objects > 0),
    -- candidate pair: the one in use (the SDK's `selected`)
    selected         boolean,
    -- Identity of the measured object within its poll: the getStats()
    -- report id, else '<report_type>:<type>:<ssrc>:<index>' (0005).
    stat_key         text collate "C" not null
        constraint stats_samples_stat_key_length check (octet_length(stat_key) between 1 and 256)
) partition by range (sampled_at);

-- One fabric's series ordered by time (0005): where fabric_id = $1 and
-- sampled_at >= $from and sampled_at < $to order by sampled_at. Not unique,
-- so that deduplication stores a poll's (fabric, time) once.
create index stats_samples_series_idx on stats_samples (fabric_id, sampled_at);
-- One entry per poll: a retried poll's first row conflicts here.
create unique index stats_samples_poll_key on stats_samples (fabric_id, sampled_at, stat_key)
    where poll_objects is not null;

create table stats_samples_default partition of stats_samples default;

-- The same days as before; ensure_stats_partitions (0005) names them.
do $$
declare
    r record;
begin
    for r in
        select to_date(substr(c.relname, 20), 'YYYYMMDD') as day
          from pg_inherits i join pg_class c on c.oid = i.inhrelid
         where i.inhparent = 'stats_samples_0005'::regclass and c.relname ~ '^stats_samples_0005_[0-9]{8}$'
    loop
        perform ensure_stats_partitions(r.day, 1);
    end loop;
end
$$;

-- A figure left in raw, read only when it is a JSON number (as the
-- detectors read it) within what a double holds.
create function pg_temp.raw_number(value jsonb) returns double precision
    language sql immutable
as $$
    select case when jsonb_typeof(value) = 'number' and abs(value::numeric) < 1e300 then value::float8 end
$$;

create function pg_temp.raw_count(value jsonb) returns bigint
    language sql immutable
as $$
    select case when jsonb_typeof(value) = 'number' and value::numeric = trunc(value::numeric)
                     and abs(value::numeric) <= 9007199254740992 then value::numeric::bigint end
$$;

insert into stats_samples (
    sampled_at, fabric_id, ssrc, packets_lost, packets_received, packets_sent, concealed_samples,
    total_samples_received, rtt_ms, jitter_ms, fraction_lost, bitrate_bps, frame_rate, frame_width, frame_height,
    freeze_count, total_freezes_duration_s, available_outgoing_bitrate_bps, report_type, direction, media_kind,
    stats_type, quality_limitation_reason, local_candidate_type, remote_candidate_type, local_protocol,
    local_relay_protocol, poll_objects, selected, stat_key)
select sampled_at, fabric_id, ssrc, packets_lost, packets_received, packets_sent,
       pg_temp.raw_count(raw->'concealedSamples'), pg_temp.raw_count(raw->'totalSamplesReceived'),
       stats_real(rtt_ms), stats_real(jitter_ms), stats_real(fraction_lost), stats_real(bitrate_bps),
       stats_real(frame_rate), frame_width, frame_height,
       case when pg_temp.raw_count(raw->'freezeCount') between -2147483648 and 2147483647
            then pg_temp.raw_count(raw->'freezeCount')::integer end,
       stats_real(pg_temp.raw_number(raw->'totalFreezesDuration')),
       stats_real(pg_temp.raw_number(raw->'availableOutgoingBitrate')),
       stats_code('report_type', report_type), stats_code('direction', direction),
       stats_code('media_kind', media_kind), stats_code('stats_type', raw->>'type'),
       case when raw->>'qualityLimitationReason' is not null
            then coalesce(stats_code('quality_limitation_reason', raw->>'qualityLimitationReason'),
                          stats_code('quality_limitation_reason', 'other')) end,
       stats_code('candidate_type', raw->>'localCandidateType'),
       stats_code('candidate_type', raw->>'remoteCandidateType'),
       stats_code('protocol', lower(raw->>'localProtocol')),
       stats_code('protocol', lower(raw->>'localRelayProtocol')),
       case when row_number() over (partition by fabric_id, sampled_at order by stat_key) = 1
            then least(count(*) over (partition by fabric_id, sampled_at), 32767) end,
       case jsonb_typeof(raw->'selected') when 'boolean' then (raw->'selected')::boolean end,
       stat_key
  from stats_samples_0005;

drop table stats_samples_0005;
