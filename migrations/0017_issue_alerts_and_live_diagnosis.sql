-- 0017_issue_alerts_and_live_diagnosis: live conferences are diagnosed
-- while they run, and webhooks notify about more than total failures and
-- dissatisfied feedback — partial failures and every kind of diagnosed
-- issue, `dropped`, `slowSetup` and `roundTripTime` under callstats' names
-- (domain::notification::Reason, docs/webhooks.md).
alter table webhooks drop constraint webhooks_reasons_check;
alter table webhooks add constraint webhooks_reasons_check check (
    cardinality(reasons) >= 1
    and reasons <@ array[
        'failedConferences', 'partiallyFailedConferences', 'dissatisfactoryUserFeedback',
        'noMedia', 'dryTrack', 'videoFreezes', 'frameRateCollapse', 'audioConcealment',
        'packetLoss', 'jitter', 'highRoundTripTime', 'cpuLimited', 'bandwidthLimited', 'lowBitrate',
        'resolutionDrop', 'relayed', 'tcpTransport', 'pathSwitch', 'iceRestart', 'disconnection',
        'droppedConferences', 'highSetupDelays']::text[]
);

alter table webhook_deliveries drop constraint webhook_deliveries_reason_check;
alter table webhook_deliveries add constraint webhook_deliveries_reason_check check (reason in (
    'failedConferences', 'partiallyFailedConferences', 'dissatisfactoryUserFeedback',
    'noMedia', 'dryTrack', 'videoFreezes', 'frameRateCollapse', 'audioConcealment',
    'packetLoss', 'jitter', 'highRoundTripTime', 'cpuLimited', 'bandwidthLimited', 'lowBitrate',
    'resolutionDrop', 'relayed', 'tcpTransport', 'pathSwitch', 'iceRestart', 'disconnection',
    'droppedConferences', 'highSetupDelays'));

-- When the lifecycle worker last diagnosed a live instance (server time):
-- it does so once a minute while the instance is live.
alter table conference_instances add column diagnosed_at timestamptz;
