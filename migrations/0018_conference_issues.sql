-- 0018_conference_issues: issues of the conference as a whole (a
-- participant never connected, one who kept re-joining) have no fabric,
-- a failed setup says what failed, and their kinds are searchable and
-- notified like the others (docs/diagnosis.md, docs/webhooks.md).
alter table fabric_issues alter column fabric_id drop not null;
alter table fabric_issues add column detail text
    constraint fabric_issues_detail_length check (octet_length(detail) <= 64);
alter table fabric_issues drop constraint fabric_issues_kind_check;
alter table fabric_issues add constraint fabric_issues_kind_check check (kind in (
    'noMedia', 'dryTrack', 'videoFreezes', 'frameRateCollapse', 'audioConcealment',
    'packetLoss', 'jitter', 'roundTripTime', 'cpuLimited', 'bandwidthLimited', 'lowBitrate',
    'resolutionDrop', 'relayed', 'tcpTransport', 'pathSwitch', 'iceRestart', 'disconnection',
    'dropped', 'slowSetup', 'setupFailed', 'neverConnected', 'churn'));
alter table fabric_issues drop constraint fabric_issues_side_check;
alter table fabric_issues add constraint fabric_issues_side_check
    check (side in ('uplink', 'downlink', 'device', 'between', 'participant'));

alter table webhooks drop constraint webhooks_reasons_check;
alter table webhooks add constraint webhooks_reasons_check check (
    cardinality(reasons) >= 1
    and reasons <@ array[
        'failedConferences', 'partiallyFailedConferences', 'dissatisfactoryUserFeedback',
        'noMedia', 'dryTrack', 'videoFreezes', 'frameRateCollapse', 'audioConcealment',
        'packetLoss', 'jitter', 'highRoundTripTime', 'cpuLimited', 'bandwidthLimited', 'lowBitrate',
        'resolutionDrop', 'relayed', 'tcpTransport', 'pathSwitch', 'iceRestart', 'disconnection',
        'droppedConferences', 'highSetupDelays', 'setupFailed', 'neverConnected', 'churn']::text[]
);
alter table webhook_deliveries drop constraint webhook_deliveries_reason_check;
alter table webhook_deliveries add constraint webhook_deliveries_reason_check check (reason in (
    'failedConferences', 'partiallyFailedConferences', 'dissatisfactoryUserFeedback',
    'noMedia', 'dryTrack', 'videoFreezes', 'frameRateCollapse', 'audioConcealment',
    'packetLoss', 'jitter', 'highRoundTripTime', 'cpuLimited', 'bandwidthLimited', 'lowBitrate',
    'resolutionDrop', 'relayed', 'tcpTransport', 'pathSwitch', 'iceRestart', 'disconnection',
    'droppedConferences', 'highSetupDelays', 'setupFailed', 'neverConnected', 'churn'));
