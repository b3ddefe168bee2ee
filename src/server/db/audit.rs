//! The audit log of admin actions.

use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder};

use crate::api::AuditRow;
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

/// Notes that user `user_id` (`email`) was shown the real names of
/// conference instance `instance_id` (`conference_id`) of app `app_id`: at
/// most one record per user and instance an hour, so live refreshes do not
/// flood the log.
pub async fn note_names_viewed(
    pool: &PgPool,
    user_id: i64,
    email: &str,
    app_id: i64,
    instance_id: i64,
    conference_id: &str,
) -> Result<(), AppError> {
    let target = instance_id.to_string();
    sqlx::query!(
        r#"insert into audit_log (actor_user_id, actor_kind, actor_label, action, app_id, target_type, target_id, details)
           select $1, 'user', $2, 'conference.view_names', $3, 'conference', $4, jsonb_build_object('conferenceID', $5::text)
            where not exists (
                select 1 from audit_log
                 where actor_user_id = $1 and occurred_at > now() - interval '1 hour'
                   and action = 'conference.view_names' and target_id = $4)"#,
        user_id,
        email,
        app_id,
        target,
        conference_id,
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Which records to list, newest first.
#[derive(Debug, Default)]
pub struct AuditFilter<'a> {
    /// Only this app (internal id).
    pub app_id: Option<i64>,
    /// Only this actor (email or `cli@…` label), exact.
    pub actor: Option<&'a str>,
    /// Only actions starting with this (`app.secret`, `user.`).
    pub action_prefix: Option<&'a str>,
    /// Only records older than this id (the next page).
    pub before: Option<i64>,
    /// At most this many.
    pub limit: i64,
}

/// The records `filter` selects, newest first.
pub async fn list(pool: &PgPool, filter: &AuditFilter<'_>) -> Result<Vec<AuditRow>, AppError> {
    let mut query = QueryBuilder::<Postgres>::new(
        "select l.id, l.occurred_at, l.actor_kind, l.actor_label, l.action, a.public_id as app_public_id,
                l.target_type, l.target_id, l.details
           from audit_log l left join apps a on a.id = l.app_id where true",
    );
    if let Some(app_id) = filter.app_id {
        query.push(" and l.app_id = ").push_bind(app_id);
    }
    if let Some(actor) = filter.actor {
        query.push(" and l.actor_label = ").push_bind(actor.to_owned());
    }
    if let Some(prefix) = filter.action_prefix {
        // Not LIKE: actions hold `_`.
        query.push(" and starts_with(l.action, ").push_bind(prefix.to_owned()).push(")");
    }
    if let Some(before) = filter.before {
        query.push(" and l.id < ").push_bind(before);
    }
    query.push(" order by l.id desc limit ").push_bind(filter.limit);
    Ok(query.build_query_as::<AuditRow>().fetch_all(pool).await?)
}
