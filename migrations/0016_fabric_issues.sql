-- 0016_fabric_issues: what the detectors found on each fabric of a
-- conference instance (docs/diagnosis.md), written when the instance is
-- summarised (delete + insert, so a new summary replaces the old one).
create table fabric_issues (
    id           bigint generated always as identity primary key,
    instance_id  bigint not null references conference_instances (id) on delete cascade,
    fabric_id    bigint not null references fabrics (id) on delete cascade,
    kind         text not null
        constraint fabric_issues_kind_check check (kind in (
            'noMedia', 'dryTrack', 'videoFreezes', 'frameRateCollapse', 'audioConcealment',
            'packetLoss', 'jitter', 'roundTripTime', 'cpuLimited', 'bandwidthLimited', 'lowBitrate',
            'resolutionDrop', 'relayed', 'tcpTransport', 'pathSwitch', 'iceRestart', 'disconnection',
            'dropped', 'slowSetup')),
    severity     text not null
        constraint fabric_issues_severity_check check (severity in ('minor', 'major')),
    started_at   timestamptz not null,
    ended_at     timestamptz not null,
    -- the stream it was seen on, when it concerns one
    ssrc         bigint check (ssrc between 0 and 4294967295),
    direction    text constraint fabric_issues_direction_check check (direction in ('inbound', 'outbound')),
    media_kind   text constraint fabric_issues_media_kind_check check (media_kind in ('audio', 'video')),
    -- whose side: `who`'s uplink, downlink or device, or between `who` and
    -- `peer`; both are participant keys (userIDs, as endpoints.user_id).
    side         text not null
        constraint fabric_issues_side_check check (side in ('uplink', 'downlink', 'device', 'between')),
    who          text collate "C" not null
        constraint fabric_issues_who_length check (octet_length(who) <= 256),
    peer         text collate "C"
        constraint fabric_issues_peer_length check (octet_length(peer) <= 256),
    -- the figures that triggered it (units per kind in docs/diagnosis.md)
    peak         double precision,
    typical      double precision,
    count        integer check (count >= 0),
    constraint fabric_issues_ends_after_start check (ended_at >= started_at)
);
create index fabric_issues_instance_idx on fabric_issues (instance_id, started_at);
create index fabric_issues_fabric_idx on fabric_issues (fabric_id, started_at);

-- The kinds found in an instance, for search (`issue=`) and the overview.
alter table conference_instances add column issue_kinds text[] not null default '{}';
create index conference_instances_issue_kinds_idx on conference_instances using gin (issue_kinds);
