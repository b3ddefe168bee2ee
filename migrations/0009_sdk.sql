-- 0009_sdk: what the browser SDK measures beyond the callstats API:
-- pre-call test results and time to first media.

-- One pre-call test of an endpoint: the SDK's loopback call through the
-- app's ICE servers at initialize(), sent once the endpoint has joined a
-- conference. Figures are null when the test could not measure them (no
-- connectivity, or the browser did not report them).
create table precall_tests (
    id              bigint generated always as identity primary key,
    endpoint_id     uuid not null references endpoints (id) on delete cascade,
    measured_at     timestamptz not null,   -- client timestamp of the result
    received_at     timestamptz not null default now(),
    connectivity    boolean not null,
    rtt_ms          double precision constraint precall_tests_rtt_check check (rtt_ms >= 0),
    jitter_ms       double precision constraint precall_tests_jitter_check check (jitter_ms >= 0),
    fraction_lost   double precision
        constraint precall_tests_fraction_lost_check check (fraction_lost between 0 and 1),
    throughput_kbps double precision constraint precall_tests_throughput_check check (throughput_kbps >= 0),
    -- type of the selected candidate pair's local candidate: host, srflx, prflx, relay
    candidate_type  text constraint precall_tests_candidate_type_check check (
        candidate_type in ('host', 'srflx', 'prflx', 'relay')),
    duration_ms     integer constraint precall_tests_duration_check check (duration_ms >= 0),
    -- why the test failed, in the SDK's words
    message         text not null default ''
        constraint precall_tests_message_length check (octet_length(message) <= 1024)
);
-- The participants of a conference page read their endpoints' tests; FK cascade.
create index precall_tests_endpoint_idx on precall_tests (endpoint_id, measured_at);

-- Time to first media: the SDK watches the video element given to
-- associateMstWithUserID and reports, per SSRC, the delay from addNewFabric
-- to its first rendered frame (payload {"ssrc": "…", "delay": ms}), on
-- that fabric's timeline.
alter table fabric_events drop constraint fabric_events_kind_check;
alter table fabric_events add constraint fabric_events_kind_check check (kind in (
    -- lifecycle (also reflected in the fabrics row)
    'fabricSetup', 'fabricSetupFailed', 'fabricTerminated',
    -- sendFabricEvent / media actions
    'fabricHold', 'fabricResume', 'audioMute', 'audioUnmute', 'videoPause', 'videoResume',
    'screenShareStart', 'screenShareStop',
    'dominantSpeaker', 'activeDeviceList', 'connectedDeviceList',
    -- media pipeline, and the SDK's time to first media
    'mediaPlaybackStart', 'mediaPlaybackSuspended', 'mediaPlaybackStalled', 'timeToFirstMedia',
    -- ICE status
    'iceDisruptionStart', 'iceDisruptionEnd', 'iceRestarted', 'iceFailed', 'iceAborted',
    'iceTerminated', 'iceConnectionDisruptionStart', 'iceConnectionDisruptionEnd',
    -- statechange (payload.changedState says which state) and transportchange
    'fabricStateChange', 'fabricTransportChange'
)) not valid;
-- Checked apart, so existing rows are read without blocking writes.
alter table fabric_events validate constraint fabric_events_kind_check;
