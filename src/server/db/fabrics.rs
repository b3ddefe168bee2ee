//! Fabrics (monitored peer connections), as the collector writes them.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::server::AppError;

/// The fabric of `endpoint_id` named `connection_id`, created on first
/// mention (clients of the plain REST API have no addNewFabric). One round
/// trip either way.
pub async fn resolve(
    conn: &mut PgConnection,
    endpoint_id: Uuid,
    instance_id: i64,
    connection_id: &str,
    remote_user_id: &str,
    at: DateTime<Utc>,
) -> Result<i64, AppError> {
    let id = sqlx::query_scalar!(
        r#"with created as (
               insert into fabrics (endpoint_id, instance_id, connection_id, remote_user_id, added_at)
               values ($1, $2, $3, $4, $5)
               on conflict (endpoint_id, connection_id) do nothing
               returning id
           )
           select id as "id!" from created
           union all
           select id from fabrics where endpoint_id = $1 and connection_id = $3
           limit 1"#,
        endpoint_id,
        instance_id,
        connection_id,
        remote_user_id,
        at,
    )
    .fetch_one(conn)
    .await?;
    Ok(id)
}
