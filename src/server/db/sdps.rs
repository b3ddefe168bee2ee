//! SDP snapshots of a fabric (REST `events/sdp`).

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use crate::server::AppError;

/// Stores the local and/or remote SDP of a fabric; at least one is given.
pub async fn insert(
    conn: &mut PgConnection,
    fabric_id: i64,
    local_sdp: Option<&str>,
    remote_sdp: Option<&str>,
    reported_at: DateTime<Utc>,
) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar!(
        r#"insert into sdps (fabric_id, local_sdp, remote_sdp, reported_at)
           values ($1, $2, $3, $4) returning id"#,
        fabric_id,
        local_sdp,
        remote_sdp,
        reported_at,
    )
    .fetch_one(conn)
    .await?)
}
