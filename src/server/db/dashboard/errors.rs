//! Reported errors and application logs: listed as previews, read in
//! full one at a time. An SDP can be hundreds of kilobytes and a log 20 KB,
//! so a page listing sixty of them must not carry them.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use crate::server::AppError;

/// Characters of a log or DOM error that a list of errors shows.
pub const PREVIEW_CHARS: i32 = 300;
/// Errors a conference or fabric page lists, at most (oldest first).
pub const ERRORS_LISTED: i64 = 200;

/// A reportError call as a list shows it: the text cut to a preview, the
/// SDPs only measured (they are read on demand with [`error`]).
pub struct ErrorRow {
    /// Error id.
    pub id: i64,
    /// When.
    pub occurred_at: DateTime<Utc>,
    /// Reporter's userID.
    pub user_id: String,
    /// Reporter's userName, only when names may be read.
    pub user_name: Option<String>,
    /// Fabric, if any.
    pub fabric_id: Option<i64>,
    /// wrtcFuncName.
    pub wrtc_func_name: String,
    /// DOM error `name: message`, its first [`PREVIEW_CHARS`] characters.
    pub dom_error: Option<String>,
    /// Log text, its first [`PREVIEW_CHARS`] characters.
    pub message: Option<String>,
    /// Whether the DOM error or the log is longer than its preview.
    pub cut: bool,
    /// Whether the log was cut when stored.
    pub truncated: bool,
    /// Bytes of the local SDP.
    pub local_sdp_bytes: Option<i32>,
    /// Bytes of the remote SDP.
    pub remote_sdp_bytes: Option<i32>,
    /// Errors matching, of which at most [`ERRORS_LISTED`] are returned.
    pub total: i64,
}

/// Errors of the instance, or with `fabric`, of that fabric and of the
/// fabric's endpoint when they name no connection: the first
/// [`ERRORS_LISTED`], as previews.
pub async fn errors(
    pool: &PgPool,
    instance_id: i64,
    fabric: Option<(i64, Uuid)>,
    names: bool,
) -> Result<Vec<ErrorRow>, AppError> {
    let (fabric_id, endpoint_id) = fabric.unzip();
    // substr reads only the start of a long stored text; octet_length
    // reads the stored size, not the text.
    Ok(sqlx::query_as!(
        ErrorRow,
        r#"select id as "id!", occurred_at as "occurred_at!", user_id as "user_id!", user_name,
                  fabric_id, wrtc_func_name as "wrtc_func_name!",
                  substr(dom_error, 1, $5) as dom_error, substr(message, 1, $5) as message,
                  (char_length(substr(dom_error, 1, $5 + 1)) > $5
                   or char_length(substr(message, 1, $5 + 1)) > $5) is true as "cut!",
                  truncated as "truncated!", local_sdp_bytes, remote_sdp_bytes, total as "total!"
             from (select r.id, r.occurred_at, e.user_id, case when $4 then e.user_name end as user_name,
                          r.fabric_id, r.wrtc_func_name,
                          nullif(concat_ws(': ', r.dom_error->>'name', r.dom_error->>'message'), '') as dom_error,
                          r.message, r.truncated, octet_length(r.local_sdp) as local_sdp_bytes,
                          octet_length(r.remote_sdp) as remote_sdp_bytes, count(*) over () as total
                     from reported_errors r join endpoints e on e.id = r.endpoint_id
                    where e.instance_id = $1
                      and ($2::bigint is null or r.fabric_id = $2 or (r.endpoint_id = $3 and r.fabric_id is null))
                    order by r.occurred_at, r.id
                    limit $6) listed
            order by occurred_at, id"#,
        instance_id,
        fabric_id,
        endpoint_id,
        names,
        PREVIEW_CHARS,
        ERRORS_LISTED,
    )
    .fetch_all(pool)
    .await?)
}

/// One reportError call in full: its log, DOM error and SDPs.
pub struct ErrorDetailRow {
    /// Error id.
    pub id: i64,
    /// When.
    pub occurred_at: DateTime<Utc>,
    /// Reporter's userID.
    pub user_id: String,
    /// Reporter's userName, only when names may be read.
    pub user_name: Option<String>,
    /// Fabric, if any.
    pub fabric_id: Option<i64>,
    /// wrtcFuncName.
    pub wrtc_func_name: String,
    /// DOM error `name: message`.
    pub dom_error: Option<String>,
    /// Log text.
    pub message: Option<String>,
    /// Whether the log was cut when stored.
    pub truncated: bool,
    /// Local SDP.
    pub local_sdp: Option<String>,
    /// Remote SDP.
    pub remote_sdp: Option<String>,
}

/// Error `id` if it was reported in instance `instance_id`.
pub async fn error(pool: &PgPool, instance_id: i64, id: i64, names: bool) -> Result<Option<ErrorDetailRow>, AppError> {
    Ok(sqlx::query_as!(
        ErrorDetailRow,
        r#"select r.id, r.occurred_at, e.user_id, case when $3 then e.user_name end as user_name, r.fabric_id,
                  r.wrtc_func_name,
                  nullif(concat_ws(': ', r.dom_error->>'name', r.dom_error->>'message'), '') as dom_error,
                  r.message, r.truncated, r.local_sdp, r.remote_sdp
             from reported_errors r join endpoints e on e.id = r.endpoint_id
            where r.id = $2 and e.instance_id = $1"#,
        instance_id,
        id,
        names,
    )
    .fetch_optional(pool)
    .await?)
}
