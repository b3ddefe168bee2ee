use sqlx::PgPool;

use super::{InstancePools, Viewer};
use crate::api::{
    ConferenceSummary, ConferenceView, CurrentUser, ErrorRow, FabricRow, FailureGroup, FeedbackRow, InstanceLink,
    Participant, Person, PrecallResult,
};
use crate::server::AppError;
use crate::server::db::audit;
use crate::server::db::dashboard::ReadPool;
use crate::server::db::dashboard::conference as db;
use crate::server::db::dashboard::errors as errors_db;

/// The conference page of instance `id`, if `user` may see its app: read
/// from `read` once the instance has ended there, else from `primary`.
pub async fn conference(
    primary: &PgPool,
    read: &ReadPool,
    user: &CurrentUser,
    id: i64,
) -> Result<ConferenceView, AppError> {
    let pools = InstancePools::of(primary, read, id).await?;
    let pool = pools.read;
    let viewer = Viewer::of(pool, user).await?;
    let (summary, app_id) = summary(pools, &viewer, id).await?;
    let (instances, participants, fabrics, errors, feedback) = tokio::try_join!(
        instances(pool, app_id, &summary.conference_id),
        participants(pool, id, viewer.names),
        fabrics(pool, id, None, viewer.names),
        errors(pool, id, None, viewer.names),
        feedback(pool, id, viewer.names),
    )?;
    let (errors, errors_total) = errors;
    let diagnosis = super::diagnosis::diagnosis(pool, id, &participants, &fabrics).await?;
    Ok(ConferenceView { summary, instances, participants, fabrics, errors, errors_total, feedback, diagnosis })
}

/// The instance's summary and internal app id; `NotFound` outside the
/// viewer's apps. A viewer shown real names is noted in the audit log.
pub(super) async fn summary(
    pools: InstancePools<'_>,
    viewer: &Viewer,
    id: i64,
) -> Result<(ConferenceSummary, i64), AppError> {
    let row = db::instance(pools.read, id, &viewer.apps).await?.ok_or(AppError::NotFound)?;
    if viewer.names {
        let user = &viewer.user;
        audit::note_names_viewed(pools.primary, user.id, &user.email, row.app_id, id, &row.conference_id).await?;
    }
    let setup_delay_ms = match (row.setup_delay_min_ms, row.setup_delay_median_ms, row.setup_delay_max_ms) {
        (Some(min), Some(median), Some(max)) => Some((min, median, max)),
        _ => None,
    };
    let summary = ConferenceSummary {
        id: row.id,
        conference_id: row.conference_id,
        app_name: row.app_name,
        app_id: row.app_public_id,
        started_at: row.started_at,
        ended_at: row.ended_at,
        end_reason: row.end_reason,
        last_activity_at: row.last_activity_at,
        duration_ms: row.duration_ms,
        failure_group: row.failure_group.as_deref().and_then(FailureGroup::parse),
        worst_quality: row.quality_score,
        setup_delay_ms,
        error_count: row.error_count,
        feedback_min: row.feedback_min_rating,
        feedback_avg: row.feedback_avg_overall,
    };
    Ok((summary, row.app_id))
}

async fn instances(pool: &PgPool, app_id: i64, conference_id: &str) -> Result<Vec<InstanceLink>, AppError> {
    let rows = db::instances_of(pool, app_id, conference_id).await?;
    Ok(rows
        .into_iter()
        .map(|row| InstanceLink { id: row.id, started_at: row.started_at, ended_at: row.ended_at })
        .collect())
}

async fn participants(pool: &PgPool, id: i64, names: bool) -> Result<Vec<Participant>, AppError> {
    let rows = db::participants(pool, id, names).await?;
    Ok(rows
        .into_iter()
        .map(|row| Participant {
            endpoint_id: row.id,
            person: Person { user_id: row.user_id, user_name: row.user_name },
            browser: joined(row.browser, row.browser_version),
            os: joined(row.os, row.os_version),
            app_version: row.application_version,
            joined_at: row.joined_at,
            left_at: row.left_at,
            left_reason: row.left_reason,
            precall: row.precall_connectivity.map(|connectivity| PrecallResult {
                connectivity,
                rtt_ms: row.precall_rtt_ms,
                fraction_lost: row.precall_fraction_lost,
                throughput_kbps: row.precall_throughput_kbps,
                candidate_type: row.precall_candidate_type,
                message: row.precall_message.unwrap_or_default(),
            }),
        })
        .collect())
}

/// "Chrome 131" from a name and a version, either of which may be missing.
fn joined(name: Option<String>, version: Option<String>) -> String {
    [name, version].into_iter().flatten().collect::<Vec<_>>().join(" ")
}

pub(super) async fn fabrics(
    pool: &PgPool,
    id: i64,
    only: Option<i64>,
    names: bool,
) -> Result<Vec<FabricRow>, AppError> {
    let rows = db::fabrics(pool, id, only, names).await?;
    Ok(rows
        .into_iter()
        .map(|row| FabricRow {
            id: row.id,
            endpoint_id: row.endpoint_id,
            local: Person { user_id: row.local_user_id, user_name: row.local_user_name },
            remote: Person { user_id: row.remote_user_id, user_name: row.remote_user_name },
            connection_id: row.connection_id,
            usage: row.fabric_usage,
            direction: row.transmission_direction,
            remote_type: row.remote_endpoint_type,
            state: row.state,
            added_at: row.added_at,
            setup_delay_ms: row.setup_delay_ms,
            failure_delay_ms: row.failure_delay_ms,
            failure_reason: row.failure_reason,
            terminated_at: row.terminated_at,
            relay_type: row.relay_type,
            quality_score: row.quality_score,
            ice_connection_state: row.ice_connection_state,
        })
        .collect())
}

/// The first errors as previews, and how many there are in all.
pub(super) async fn errors(
    pool: &PgPool,
    id: i64,
    fabric: Option<(i64, uuid::Uuid)>,
    names: bool,
) -> Result<(Vec<ErrorRow>, i64), AppError> {
    let rows = errors_db::errors(pool, id, fabric, names).await?;
    let total = rows.first().map_or(0, |row| row.total);
    let rows = rows
        .into_iter()
        .map(|row| ErrorRow {
            id: row.id,
            at: row.occurred_at,
            person: Person { user_id: row.user_id, user_name: row.user_name },
            fabric_id: row.fabric_id,
            function: row.wrtc_func_name,
            dom_error: row.dom_error,
            message: row.message,
            cut: row.cut,
            truncated: row.truncated,
            local_sdp_bytes: row.local_sdp_bytes,
            remote_sdp_bytes: row.remote_sdp_bytes,
        })
        .collect();
    Ok((rows, total))
}

async fn feedback(pool: &PgPool, id: i64, names: bool) -> Result<Vec<FeedbackRow>, AppError> {
    let rows = db::feedback(pool, id, names).await?;
    Ok(rows
        .into_iter()
        .map(|row| FeedbackRow {
            at: row.submitted_at,
            person: Person { user_id: row.user_id, user_name: row.user_name },
            remote_user_id: row.remote_user_id,
            overall: row.overall_rating,
            audio: row.audio_rating,
            video: row.video_rating,
            screen: row.screen_rating,
            comment: row.comment,
        })
        .collect())
}
