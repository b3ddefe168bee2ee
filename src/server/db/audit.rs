//! The audit log of admin actions.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder};

use crate::server::AppError;

/// A record to append, column by column (`server::audit` says who acted
/// and what they did).
#[derive(Debug)]
pub struct NewRecord<'a> {
    /// `user`, `cli` or `system`.
    pub actor_kind: &'a str,
    /// The dashboard user who acted, if one did.
    pub actor_user_id: Option<i64>,
    /// The actor's email, `cli@<host>`, or what the system part was.
    pub actor_label: &'a str,
    /// Dotted verb.
    pub action: &'a str,
    /// The app concerned (internal id), if any.
    pub app_id: Option<i64>,
    /// What was acted on: its kind and id.
    pub target: Option<(&'a str, &'a str)>,
    /// More about it.
    pub details: &'a Value,
}

/// Appends one record.
pub async fn insert(conn: &mut PgConnection, record: &NewRecord<'_>) -> Result<(), AppError> {
    let (target_type, target_id) = record.target.unzip();
    sqlx::query!(
        r#"insert into audit_log (actor_user_id, actor_kind, actor_label, action, app_id, target_type, target_id, details)
           values ($1, $2, $3, $4, $5, $6, $7, $8)"#,
        record.actor_user_id,
        record.actor_kind,
        record.actor_label,
        record.action,
        record.app_id,
        target_type,
        target_id,
        record.details,
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

/// One record as read, its app named by appID.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditRow {
    /// Record id (newest is highest).
    pub id: i64,
    /// When.
    pub occurred_at: DateTime<Utc>,
    /// `user`, `cli` or `system`.
    pub actor_kind: String,
    /// The actor's email, or `cli@<host>`.
    pub actor_label: String,
    /// Dotted verb.
    pub action: String,
    /// The appID concerned, if any.
    pub app_public_id: Option<String>,
    /// What was acted on.
    pub target_type: Option<String>,
    /// Its id.
    pub target_id: Option<String>,
    /// More about it.
    pub details: Value,
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
