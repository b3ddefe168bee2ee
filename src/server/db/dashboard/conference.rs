//! The conference page: an instance, its participants, fabrics, errors and
//! feedback. Each query takes `names` (see the module above).

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use crate::server::AppError;

/// A conference instance with its summary columns.
pub struct InstanceRow {
    /// Instance id.
    pub id: i64,
    /// Internal app id.
    pub app_id: i64,
    /// App name.
    pub app_name: String,
    /// Public appID.
    pub app_public_id: String,
    /// conferenceID.
    pub conference_id: String,
    /// Start.
    pub started_at: DateTime<Utc>,
    /// End.
    pub ended_at: Option<DateTime<Utc>>,
    /// Why it ended.
    pub end_reason: Option<String>,
    /// Last activity.
    pub last_activity_at: DateTime<Utc>,
    /// Length (so far).
    pub duration_ms: i64,
    /// Failure group.
    pub failure_group: Option<String>,
    /// Worst per-stream score.
    pub quality_score: Option<f64>,
    /// Setup delay minimum.
    pub setup_delay_min_ms: Option<i32>,
    /// Setup delay median.
    pub setup_delay_median_ms: Option<i32>,
    /// Setup delay maximum.
    pub setup_delay_max_ms: Option<i32>,
    /// Errors (logs excluded).
    pub error_count: i32,
    /// Lowest rating.
    pub feedback_min_rating: Option<i16>,
    /// Mean overall rating.
    pub feedback_avg_overall: Option<f64>,
}

/// The instance `id` if it belongs to one of `apps`.
pub async fn instance(pool: &PgPool, id: i64, apps: &[i64]) -> Result<Option<InstanceRow>, AppError> {
    Ok(sqlx::query_as!(
        InstanceRow,
        r#"select ci.id, ci.app_id, a.name as app_name, a.public_id as app_public_id, ci.conference_id,
                  ci.started_at, ci.ended_at, ci.end_reason, ci.last_activity_at,
                  coalesce(ci.duration_ms,
                           (extract(epoch from coalesce(ci.ended_at, ci.last_activity_at) - ci.started_at) * 1000)::bigint
                  ) as "duration_ms!",
                  ci.failure_group, ci.quality_score, ci.setup_delay_min_ms, ci.setup_delay_median_ms,
                  ci.setup_delay_max_ms, ci.error_count, ci.feedback_min_rating, ci.feedback_avg_overall
             from conference_instances ci join apps a on a.id = ci.app_id
            where ci.id = $1 and ci.app_id = any($2)"#,
        id,
        apps,
    )
    .fetch_optional(pool)
    .await?)
}

/// Start and end of an instance, for telling reused conferenceIDs apart.
pub struct InstanceTimes {
    /// Instance id.
    pub id: i64,
    /// Start.
    pub started_at: DateTime<Utc>,
    /// End.
    pub ended_at: Option<DateTime<Utc>>,
}

/// The newest 50 instances of `conference_id` in the app.
pub async fn instances_of(pool: &PgPool, app_id: i64, conference_id: &str) -> Result<Vec<InstanceTimes>, AppError> {
    Ok(sqlx::query_as!(
        InstanceTimes,
        r#"select id, started_at, ended_at from conference_instances
            where app_id = $1 and conference_id = $2
            order by started_at desc, id desc limit 50"#,
        app_id,
        conference_id,
    )
    .fetch_all(pool)
    .await?)
}

/// An endpoint as the participants list shows it.
pub struct ParticipantRow {
    /// ucID.
    pub id: Uuid,
    /// userID.
    pub user_id: String,
    /// userName, only when names may be read.
    pub user_name: Option<String>,
    /// Browser name.
    pub browser: Option<String>,
    /// Browser version.
    pub browser_version: Option<String>,
    /// OS.
    pub os: Option<String>,
    /// OS version.
    pub os_version: Option<String>,
    /// applicationVersion.
    pub application_version: Option<String>,
    /// Joined.
    pub joined_at: DateTime<Utc>,
    /// Left.
    pub left_at: Option<DateTime<Utc>>,
    /// userLeft or timeout.
    pub left_reason: Option<String>,
    /// Whether the latest pre-call test connected; null when none was sent.
    pub precall_connectivity: Option<bool>,
    /// Its round-trip time (ms).
    pub precall_rtt_ms: Option<f64>,
    /// Its share of probes lost.
    pub precall_fraction_lost: Option<f64>,
    /// Its throughput (kbit/s).
    pub precall_throughput_kbps: Option<f64>,
    /// Its candidate type.
    pub precall_candidate_type: Option<String>,
    /// Why it failed.
    pub precall_message: Option<String>,
}

/// The instance's endpoints in join order, each with its latest pre-call test.
pub async fn participants(pool: &PgPool, instance_id: i64, names: bool) -> Result<Vec<ParticipantRow>, AppError> {
    Ok(sqlx::query_as!(
        ParticipantRow,
        r#"select id, user_id, case when $2 then user_name end as user_name,
                  coalesce(endpoint_info->>'name', endpoint_info->>'buildName') as browser,
                  coalesce(endpoint_info->>'version', endpoint_info->>'buildVersion') as browser_version,
                  endpoint_info->>'os' as os, endpoint_info->>'osVersion' as os_version,
                  application_version, joined_at, left_at, left_reason,
                  p.connectivity as "precall_connectivity?", p.rtt_ms as precall_rtt_ms,
                  p.fraction_lost as precall_fraction_lost, p.throughput_kbps as precall_throughput_kbps,
                  p.candidate_type as precall_candidate_type, p.message as "precall_message?"
             from endpoints e
             left join lateral (
                 select connectivity, rtt_ms, fraction_lost, throughput_kbps, candidate_type, message
                   from precall_tests where endpoint_id = e.id order by measured_at desc limit 1
             ) p on true
            where instance_id = $1 order by joined_at, id"#,
        instance_id,
        names,
    )
    .fetch_all(pool)
    .await?)
}

/// A fabric with its local and remote users.
pub struct FabricRow {
    /// Fabric id.
    pub id: i64,
    /// Its endpoint.
    pub endpoint_id: Uuid,
    /// Local userID.
    pub local_user_id: String,
    /// Local userName, only when names may be read.
    pub local_user_name: Option<String>,
    /// Remote userID.
    pub remote_user_id: String,
    /// Remote userName, only when names may be read.
    pub remote_user_name: Option<String>,
    /// connectionID.
    pub connection_id: String,
    /// Usage.
    pub fabric_usage: String,
    /// Transmission direction.
    pub transmission_direction: String,
    /// peer or server.
    pub remote_endpoint_type: String,
    /// Lifecycle state.
    pub state: String,
    /// Added.
    pub added_at: DateTime<Utc>,
    /// Set up.
    pub setup_at: Option<DateTime<Utc>>,
    /// Setup delay.
    pub setup_delay_ms: Option<i32>,
    /// Failed.
    pub failed_at: Option<DateTime<Utc>>,
    /// Failure delay.
    pub failure_delay_ms: Option<i32>,
    /// Failure reason.
    pub failure_reason: Option<String>,
    /// Terminated.
    pub terminated_at: Option<DateTime<Utc>>,
    /// Relay type.
    pub relay_type: Option<String>,
    /// ICE connection state.
    pub ice_connection_state: Option<String>,
    /// Its worst stream's quality score, once summarised.
    pub quality_score: Option<f64>,
}

/// The instance's fabrics in the order they were added, or with `only`
/// just that one (the instance's index narrows the scan either way).
pub async fn fabrics(
    pool: &PgPool,
    instance_id: i64,
    only: Option<i64>,
    names: bool,
) -> Result<Vec<FabricRow>, AppError> {
    Ok(sqlx::query_as!(
        FabricRow,
        r#"select f.id, f.endpoint_id, e.user_id as local_user_id,
                  case when $2 then e.user_name end as local_user_name,
                  f.remote_user_id, case when $2 then f.remote_user_name end as remote_user_name,
                  f.connection_id, f.fabric_usage, f.transmission_direction, f.remote_endpoint_type, f.state,
                  f.added_at, f.setup_at, f.setup_delay_ms, f.failed_at, f.failure_delay_ms, f.failure_reason,
                  f.terminated_at, f.relay_type, f.ice_connection_state, f.quality_score
             from fabrics f join endpoints e on e.id = f.endpoint_id
            where f.instance_id = $1 and ($3::bigint is null or f.id = $3)
            order by f.added_at, f.id"#,
        instance_id,
        names,
        only,
    )
    .fetch_all(pool)
    .await?)
}

/// A feedback submission.
pub struct FeedbackRow {
    /// When.
    pub submitted_at: DateTime<Utc>,
    /// Giver's userID.
    pub user_id: String,
    /// Giver's userName, only when names may be read.
    pub user_name: Option<String>,
    /// The peer rated.
    pub remote_user_id: Option<String>,
    /// Overall.
    pub overall_rating: Option<i16>,
    /// Audio.
    pub audio_rating: Option<i16>,
    /// Video.
    pub video_rating: Option<i16>,
    /// Screen.
    pub screen_rating: Option<i16>,
    /// Comment.
    pub comment: Option<String>,
}

/// Feedback of the instance, oldest first.
pub async fn feedback(pool: &PgPool, instance_id: i64, names: bool) -> Result<Vec<FeedbackRow>, AppError> {
    Ok(sqlx::query_as!(
        FeedbackRow,
        r#"select f.submitted_at, e.user_id, case when $2 then e.user_name end as user_name, f.remote_user_id,
                  f.overall_rating, f.audio_rating, f.video_rating, f.screen_rating, f.comment
             from feedback f join endpoints e on e.id = f.endpoint_id
            where f.instance_id = $1 order by f.submitted_at, f.id"#,
        instance_id,
        names,
    )
    .fetch_all(pool)
    .await?)
}

/// One issue the detectors found on a fabric of the instance.
pub struct IssueRow {
    /// The fabric it was found on; none for the conference as a whole.
    pub fabric_id: Option<i64>,
    /// `domain::diagnosis::IssueKind` name.
    pub kind: String,
    /// `minor` or `major`.
    pub severity: String,
    /// Start.
    pub started_at: DateTime<Utc>,
    /// End.
    pub ended_at: DateTime<Utc>,
    /// `inbound` / `outbound`, when it concerns a stream.
    pub direction: Option<String>,
    /// `audio` / `video`, when it concerns a stream.
    pub media_kind: Option<String>,
    /// `uplink`, `downlink`, `device`, `between` or `participant`.
    pub side: String,
    /// The participant key it lies with.
    pub who: String,
    /// The other participant key, for `between`.
    pub peer: Option<String>,
    /// The worst figure.
    pub peak: Option<f64>,
    /// The usual figure.
    pub typical: Option<f64>,
    /// How many times.
    pub count: Option<i32>,
    /// What failed, for a failed setup.
    pub detail: Option<String>,
}

/// The instance's issues (or only those of fabric `only`), major first,
/// then longest first; at most `limit`.
pub async fn issues(pool: &PgPool, instance_id: i64, only: Option<i64>, limit: i64) -> Result<Vec<IssueRow>, AppError> {
    Ok(sqlx::query_as!(
        IssueRow,
        r#"select fabric_id, kind, severity, started_at, ended_at, direction, media_kind, side, who, peer,
                  peak, typical, count, detail
             from fabric_issues where instance_id = $1 and ($2::bigint is null or fabric_id = $2)
            order by severity = 'major' desc, ended_at - started_at desc, started_at, id
            limit $3"#,
        instance_id,
        only,
        limit,
    )
    .fetch_all(pool)
    .await?)
}
