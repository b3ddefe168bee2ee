-- 0004_fabrics: monitored connections (fabrics) and what happens on them:
-- the event timeline, ICE candidates, SSRC maps, SDPs, errors and logs.

-- One fabric: a monitored RTCPeerConnection between the endpoint's user and a
-- remote user. Created by addNewFabric, or — for clients of the plain REST
-- API, which has no addNewFabric — on the first message naming a new
-- connectionID; added_at is then that first message's time.
create table fabrics (
    id                         bigint generated always as identity primary key,
    endpoint_id                uuid not null references endpoints (id) on delete cascade,
    -- copy of the endpoint's instance_id, so that a conference's fabrics are
    -- one index scan; no FK: the endpoint FK already cascades.
    instance_id                bigint not null,
    -- wire connectionID: the client's name for this peer connection
    connection_id              text collate "C" not null
        constraint fabrics_connection_id_length check (octet_length(connection_id) between 1 and 256),
    -- remoteUserID: string, or for a userID object its aliasName (same rule
    -- as endpoints.user_id) plus the object fields below. May be empty.
    remote_user_id             text collate "C" not null default ''
        constraint fabrics_remote_user_id_length check (octet_length(remote_user_id) <= 256),
    remote_user_name           text collate "C"
        constraint fabrics_remote_user_name_length check (char_length(remote_user_name) <= 128),
    remote_alias_name          text collate "C"
        constraint fabrics_remote_alias_name_length check (char_length(remote_alias_name) <= 128),
    remote_login_id            text collate "C"
        constraint fabrics_remote_login_id_length check (char_length(remote_login_id) <= 128),
    -- SDK enums. Defaults are the documented ones (multiplex when unknown,
    -- peer + sendrecv when fabricAttributes is absent).
    fabric_usage               text not null default 'multiplex'
        constraint fabrics_usage_check
        check (fabric_usage in ('audio', 'video', 'screen', 'data', 'unbundled', 'multiplex')),
    remote_endpoint_type       text not null default 'peer'
        constraint fabrics_remote_endpoint_type_check check (remote_endpoint_type in ('peer', 'server')),
    -- 'inactive' is in the v3 reference's transmissionDirection enum too.
    transmission_direction     text not null default 'sendrecv'
        constraint fabrics_transmission_direction_check
        check (transmission_direction in ('sendrecv', 'sendonly', 'receiveonly', 'inactive')),
    -- fabricAttributes as sent (keeps any extra keys)
    attributes                 jsonb not null default '{}',
    added_at                   timestamptz not null,
    -- fabricSetup: time and establishment delay (wire `delay` when given, else
    -- setup_at - added_at), plus the ICE sub-delays of the REST body.
    setup_at                   timestamptz,
    setup_delay_ms             integer check (setup_delay_ms >= 0),
    ice_gathering_delay_ms     integer check (ice_gathering_delay_ms >= 0),
    ice_connectivity_delay_ms  integer check (ice_connectivity_delay_ms >= 0),
    -- fabricSetupFailed: time, delay, reason (REST enum)
    failed_at                  timestamptz,
    failure_delay_ms           integer check (failure_delay_ms >= 0),
    failure_reason             text
        constraint fabrics_failure_reason_check check (failure_reason in (
            'MediaConfigError', 'MediaPermissionError', 'MediaDeviceError', 'NegotiationFailure',
            'SDPGenerationError', 'TransportFailure', 'SignalingError')),
    -- fabricTerminated
    terminated_at              timestamptz,
    -- current lifecycle state; the *_at columns keep the history
    state                      text not null default 'added'
        constraint fabrics_state_check check (state in ('added', 'setup', 'failed', 'terminated')),
    -- last browser-reported states (free strings: browsers differ); updated
    -- by statechange/ICE events, not indexed so the updates stay HOT.
    ice_connection_state       text check (octet_length(ice_connection_state) <= 64),
    ice_gathering_state        text check (octet_length(ice_gathering_state) <= 64),
    connection_state           text check (octet_length(connection_state) <= 64),
    signaling_state            text check (octet_length(signaling_state) <= 64),
    state_changed_at           timestamptz,
    -- relayType of the last transport change ('turn/udp', ..., '' = direct)
    relay_type                 text
        constraint fabrics_relay_type_check check (relay_type in ('turn/udp', 'turn/tcp', 'turn/tls', '')),
    -- Ingestion resolves (ucID, connectionID) -> fabric with this, and creates
    -- the fabric with on conflict do nothing when it is new. Also the FK
    -- index for endpoint deletion.
    constraint fabrics_endpoint_connection_key unique (endpoint_id, connection_id)
) with (fillfactor = 90);

-- A conference's fabrics (conference page, finalizer "all fabrics ended?",
-- summary of setup delays and failures).
create index fabrics_instance_id_idx on fabrics (instance_id, added_at);

-- Now that fabrics exist: call details may name the pc they were sent for.
alter table call_details
    add constraint call_details_fabric_id_fkey
    foreign key (fabric_id) references fabrics (id) on delete cascade;
-- FK cascade from fabrics (and "call details of this fabric").
create index call_details_fabric_id_idx on call_details (fabric_id) where fabric_id is not null;


-- Append-only timeline of everything that happens to an endpoint or one of
-- its fabrics. One table with a kind and a JSON payload keeps the timeline a
-- single ordered index scan. fabric_id is null for endpoint-level events
-- (REST device lists, media actions and dominant speaker carry no
-- connectionID). Kind names are the SDK enum spellings; the REST media action
-- `audioUnMute` is stored as `audioUnmute`. The original body fields go to
-- payload (e.g. prevState/newState/changedState, mediaDeviceList, ssrc,
-- remoteIDList, delay, ICE candidate pairs).
create table fabric_events (
    id           bigint generated always as identity primary key,
    endpoint_id  uuid not null references endpoints (id) on delete cascade,
    fabric_id    bigint references fabrics (id) on delete cascade,
    kind         text not null
        constraint fabric_events_kind_check check (kind in (
            -- lifecycle (also reflected in the fabrics row)
            'fabricSetup', 'fabricSetupFailed', 'fabricTerminated',
            -- sendFabricEvent / media actions
            'fabricHold', 'fabricResume', 'audioMute', 'audioUnmute', 'videoPause', 'videoResume',
            'screenShareStart', 'screenShareStop',
            'dominantSpeaker', 'activeDeviceList', 'connectedDeviceList',
            -- media pipeline
            'mediaPlaybackStart', 'mediaPlaybackSuspended', 'mediaPlaybackStalled',
            -- ICE status
            'iceDisruptionStart', 'iceDisruptionEnd', 'iceRestarted', 'iceFailed', 'iceAborted',
            'iceTerminated', 'iceConnectionDisruptionStart', 'iceConnectionDisruptionEnd',
            -- statechange (payload.changedState says which state) and transportchange
            'fabricStateChange', 'fabricTransportChange'
        )),
    occurred_at  timestamptz not null,   -- client timestamp of the event
    received_at  timestamptz not null default now(),
    payload      jsonb not null default '{}',
    -- events that only exist for a connection must name it
    constraint fabric_events_fabric_required check (
        fabric_id is not null or kind not in (
            'fabricSetup', 'fabricSetupFailed', 'fabricTerminated',
            'iceDisruptionStart', 'iceDisruptionEnd', 'iceRestarted', 'iceFailed', 'iceAborted',
            'iceTerminated', 'iceConnectionDisruptionStart', 'iceConnectionDisruptionEnd',
            'fabricStateChange', 'fabricTransportChange')
    )
);
-- One fabric's timeline in time order (fabric page); FK cascade from fabrics.
create index fabric_events_fabric_idx on fabric_events (fabric_id, occurred_at);
-- One endpoint's timeline, incl. its endpoint-level events (conference page);
-- FK cascade from endpoints.
create index fabric_events_endpoint_idx on fabric_events (endpoint_id, occurred_at);


-- ICE candidate pairs as the REST API reports them (iceCandidatesObj carries
-- both ends): the localCandidates/remoteCandidates lists of fabricSetup /
-- fabricSetupFailed, and the current/previous pair of transport changes and
-- ICE status events. Addresses are text, not inet: they may be mDNS names
-- (xxxx.local) or empty when the client does not collect IPs.
create table ice_candidates (
    id                     bigint generated always as identity primary key,
    fabric_id              bigint not null references fabrics (id) on delete cascade,
    source                 text not null
        constraint ice_candidates_source_check check (source in (
            'fabricSetup', 'fabricSetupFailed', 'fabricTransportChange', 'iceStatus')),
    -- which list / field of the body it came from
    role                   text not null
        constraint ice_candidates_role_check check (role in ('local', 'remote', 'current', 'previous')),
    candidate_id           text not null default '',
    local_address          text not null default '',
    local_port             integer check (local_port between 0 and 65535),
    local_candidate_type   text
        constraint ice_candidates_local_type_check check (local_candidate_type in (
            'host', 'srflx', 'prflx', 'relay', 'stun', 'serverreflexive', 'peerreflexive',
            'turn', 'relayed', 'local')),
    remote_address         text not null default '',
    remote_port            integer check (remote_port between 0 and 65535),
    remote_candidate_type  text
        constraint ice_candidates_remote_type_check check (remote_candidate_type in (
            'host', 'srflx', 'prflx', 'relay', 'stun', 'serverreflexive', 'peerreflexive',
            'turn', 'relayed', 'local')),
    transport_type         text,
    protocol               text constraint ice_candidates_protocol_check check (protocol in ('tcp', 'udp')),
    reported_at            timestamptz not null
);
-- Candidates of one fabric in time order (fabric page); FK cascade.
create index ice_candidates_fabric_idx on ice_candidates (fabric_id, reported_at);


-- SSRC -> user mapping (associateMstWithUserID, REST ssrcmap). Used to label
-- each chart series with the user and usage label. The latest mapping of an
-- SSRC wins (upsert), SSRCs being unique within one peer connection.
create table ssrc_maps (
    id                   bigint generated always as identity primary key,
    fabric_id            bigint not null references fabrics (id) on delete cascade,
    -- RTP SSRC, an unsigned 32-bit number (strings on the wire)
    ssrc                 bigint not null check (ssrc between 0 and 4294967295),
    -- userID of the stream's producer: localUserID for local tracks, the
    -- remote userID for remote ones; object form as in endpoints.
    user_id              text collate "C" not null default ''
        constraint ssrc_maps_user_id_length check (octet_length(user_id) <= 256),
    user_name            text collate "C" check (char_length(user_name) <= 128),
    alias_name           text collate "C" check (char_length(alias_name) <= 128),
    usage_label          text
        constraint ssrc_maps_usage_label_length check (octet_length(usage_label) <= 20),
    associated_video_tag text,
    stream_type          text constraint ssrc_maps_stream_type_check check (stream_type in ('inbound', 'outbound')),
    -- REST ssrcInfoObj extras: cname, msid, mslabel, label, localStartTime
    details              jsonb not null default '{}',
    reported_at          timestamptz not null,
    -- Serves the upsert and the chart-label join stats_samples(fabric_id, ssrc).
    constraint ssrc_maps_fabric_ssrc_key unique (fabric_id, ssrc)
);


-- SDP snapshots (REST events/sdp). SDPs sent along with an error are stored
-- on the error row instead.
create table sdps (
    id          bigint generated always as identity primary key,
    fabric_id   bigint not null references fabrics (id) on delete cascade,
    local_sdp   text,
    remote_sdp  text,
    reported_at timestamptz not null,
    received_at timestamptz not null default now(),
    constraint sdps_not_empty check (num_nonnulls(local_sdp, remote_sdp) > 0)
);
-- SDPs of one fabric in time order; FK cascade.
create index sdps_fabric_idx on sdps (fabric_id, reported_at);


-- reportError(): WebRTC function failures, and application logs
-- (wrtcFuncName = 'applicationLog', which is not counted as a failure).
-- pc may be null (getUserMedia failures), hence fabric_id nullable.
create table reported_errors (
    id              bigint generated always as identity primary key,
    endpoint_id     uuid not null references endpoints (id) on delete cascade,
    fabric_id       bigint references fabrics (id) on delete cascade,
    app_id          bigint not null,   -- copy of the instance's app_id, for the overview
    wrtc_func_name  text not null
        constraint reported_errors_wrtc_func_name_check check (wrtc_func_name in (
            'getUserMedia', 'createOffer', 'createAnswer', 'setLocalDescription',
            'setRemoteDescription', 'addIceCandidate', 'iceConnectionFailure',
            'signalingError', 'applicationLog')),
    -- DOMError / DOMException as sent ({name, message, ...}).
    dom_error       jsonb,
    -- For applicationLog: the log text. The application truncates it to at
    -- most 20 KB (20480 bytes, cut on a UTF-8 character boundary) before
    -- storing and sets `truncated`; this check is only the last line of
    -- defence. It is the one field that is truncated instead of rejected.
    message         text
        constraint reported_errors_message_length check (octet_length(message) <= 20480),
    truncated       boolean not null default false,
    local_sdp       text,
    remote_sdp      text,
    occurred_at     timestamptz not null,
    received_at     timestamptz not null default now()
);
-- Errors and logs on one fabric's timeline; FK cascade from fabrics.
create index reported_errors_fabric_idx on reported_errors (fabric_id, occurred_at);
-- Errors of one endpoint (conference page, incl. pc-less getUserMedia
-- errors); FK cascade from endpoints.
create index reported_errors_endpoint_idx on reported_errors (endpoint_id, occurred_at);
-- Overview "failure reasons by WebRTC function" for an app and period.
create index reported_errors_app_idx on reported_errors (app_id, occurred_at, wrtc_func_name);
