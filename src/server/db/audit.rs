//! The audit log of admin actions.

use sqlx::PgConnection;

use crate::server::AppError;
use crate::server::audit::Action;

/// Appends one record.
pub async fn insert(
    conn: &mut PgConnection,
    actor_kind: &str,
    actor_user_id: Option<i64>,
    actor_label: &str,
    action: &Action,
) -> Result<(), AppError> {
    let (target_type, target_id) = action.target.as_ref().map(|(kind, id)| (*kind, id.as_str())).unzip();
    sqlx::query!(
        r#"insert into audit_log (actor_user_id, actor_kind, actor_label, action, app_id, target_type, target_id, details)
           values ($1, $2, $3, $4, $5, $6, $7, $8)"#,
        actor_user_id,
        actor_kind,
        actor_label,
        action.action,
        action.app_id,
        target_type,
        target_id,
        action.details,
    )
    .execute(conn)
    .await?;
    Ok(())
}
