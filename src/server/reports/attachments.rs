//! The on-demand views of what lists only preview: one reported error in
//! full, one SDP snapshot. Each checks, like the pages that link to it,
//! that the caller may see the conference's app, and reads names only for
//! roles that may see them.

use sqlx::PgPool;

use super::conference::{fabrics, summary};
use super::{InstancePools, Viewer};
use crate::api::{CurrentUser, ErrorDetail, Person, SdpDetail};
use crate::server::AppError;
use crate::server::db::dashboard::{ReadPool, errors as errors_db, fabric as fabric_db};

/// Error `error` of instance `conference` with its log, DOM error and SDPs.
pub async fn error_detail(
    primary: &PgPool,
    read: &ReadPool,
    user: &CurrentUser,
    conference: i64,
    error: i64,
) -> Result<ErrorDetail, AppError> {
    let pools = InstancePools::of(primary, read, conference).await?;
    let pool = pools.read;
    let viewer = Viewer::of(pool, user).await?;
    let (summary, _) = summary(pools, &viewer, conference).await?;
    let row = errors_db::error(pool, conference, error, viewer.names).await?.ok_or(AppError::NotFound)?;
    Ok(ErrorDetail {
        conference: summary,
        id: row.id,
        at: row.occurred_at,
        person: Person { user_id: row.user_id, user_name: row.user_name },
        fabric_id: row.fabric_id,
        function: row.wrtc_func_name,
        dom_error: row.dom_error,
        message: row.message,
        truncated: row.truncated,
        local_sdp: row.local_sdp,
        remote_sdp: row.remote_sdp,
    })
}

/// Snapshot `sdp` of fabric `fabric` in instance `conference`.
pub async fn sdp_snapshot(
    primary: &PgPool,
    read: &ReadPool,
    user: &CurrentUser,
    conference: i64,
    fabric: i64,
    sdp: i64,
) -> Result<SdpDetail, AppError> {
    let pools = InstancePools::of(primary, read, conference).await?;
    let pool = pools.read;
    let viewer = Viewer::of(pool, user).await?;
    let (summary, _) = summary(pools, &viewer, conference).await?;
    let fabric = fabrics(pool, conference, Some(fabric), viewer.names).await?.pop().ok_or(AppError::NotFound)?;
    let row = fabric_db::sdp(pool, fabric.id, sdp).await?.ok_or(AppError::NotFound)?;
    Ok(SdpDetail { conference: summary, fabric, at: row.reported_at, local: row.local_sdp, remote: row.remote_sdp })
}
