//! One person's data within an app (docs/privacy.md): finding them by
//! userID, real name or login, what to export, and erasing them.
//!
//! A person is the set of userIDs the lookup matches; everything is then
//! keyed by those userIDs within the app, so an endpoint that never sent a
//! name is theirs too when its userID is.

pub mod erase;
mod erase_text;
pub mod export;
pub mod needles;
pub mod stats;

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::domain::subject::SubjectKey;
use crate::server::AppError;

/// The userIDs of app `app_id` that `key` names, sorted.
pub async fn user_ids(conn: &mut PgConnection, app_id: i64, key: &SubjectKey) -> Result<Vec<String>, AppError> {
    let ids = match key {
        SubjectKey::UserId(id) => {
            sqlx::query_scalar!(
                "select distinct user_id from endpoints where app_id = $1 and user_id = $2 order by 1",
                app_id,
                id,
            )
            .fetch_all(conn)
            .await?
        }
        SubjectKey::UserName(name) => {
            sqlx::query_scalar!(
                "select distinct user_id from endpoints where app_id = $1 and user_name = $2 order by 1",
                app_id,
                name,
            )
            .fetch_all(conn)
            .await?
        }
        SubjectKey::LoginId(login) => {
            sqlx::query_scalar!(
                "select distinct user_id from endpoints where app_id = $1 and login_id = $2 order by 1",
                app_id,
                login,
            )
            .fetch_all(conn)
            .await?
        }
    };
    Ok(ids)
}

/// One userID of a person as the admin page lists it.
#[derive(Debug, Clone)]
pub struct PersonRow {
    /// The userID.
    pub user_id: String,
    /// The newest real name sent for it.
    pub user_name: Option<String>,
    /// The newest login sent for it.
    pub login_id: Option<String>,
    /// Endpoints (joins) under it.
    pub endpoints: i64,
    /// Conference instances it was in.
    pub conferences: i64,
    /// Its first join.
    pub first_seen: DateTime<Utc>,
    /// Its last join.
    pub last_seen: DateTime<Utc>,
}

/// What app `app_id` holds under each of `user_ids`.
pub async fn people(conn: &mut PgConnection, app_id: i64, user_ids: &[String]) -> Result<Vec<PersonRow>, AppError> {
    Ok(sqlx::query_as!(
        PersonRow,
        r#"select user_id,
                  (array_agg(user_name order by joined_at desc) filter (where user_name is not null))[1] as user_name,
                  (array_agg(login_id order by joined_at desc) filter (where login_id is not null))[1] as login_id,
                  count(*) as "endpoints!", count(distinct instance_id) as "conferences!",
                  min(joined_at) as "first_seen!", max(joined_at) as "last_seen!"
             from endpoints where app_id = $1 and user_id = any($2) group by user_id order by user_id"#,
        app_id,
        user_ids,
    )
    .fetch_all(conn)
    .await?)
}

/// A person's endpoints and the conference instances they were in.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// Their endpoints (ucIDs).
    pub endpoints: Vec<Uuid>,
    /// The instances of those endpoints.
    pub instances: Vec<i64>,
}

/// The endpoints of `user_ids` in app `app_id` and their instances, the
/// endpoints locked against concurrent changes until the transaction ends.
pub async fn scope(conn: &mut PgConnection, app_id: i64, user_ids: &[String]) -> Result<Scope, AppError> {
    let rows = sqlx::query!(
        "select id, instance_id from endpoints where app_id = $1 and user_id = any($2) order by id for update",
        app_id,
        user_ids,
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut instances: Vec<i64> = rows.iter().map(|row| row.instance_id).collect();
    instances.sort_unstable();
    instances.dedup();
    Ok(Scope { endpoints: rows.into_iter().map(|row| row.id).collect(), instances })
}

/// Makes the transaction's reads one snapshot; the first statement of it.
pub async fn repeatable_read(conn: &mut PgConnection) -> Result<(), AppError> {
    sqlx::raw_sql("set transaction isolation level repeatable read").execute(conn).await?;
    Ok(())
}
