//! Dashboard users.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor, PgPool};

use crate::domain::{Email, Role};
use crate::server::AppError;

/// A dashboard user as stored, without the password hash.
#[derive(Debug, Clone)]
pub struct User {
    /// Database id.
    pub id: i64,
    /// Sign-in address.
    pub email: String,
    /// Role.
    pub role: Role,
    /// When the account was created.
    pub created_at: DateTime<Utc>,
    /// Whether the account is disabled.
    pub disabled: bool,
}

/// A user's credentials, read to check a sign-in.
pub struct Credentials {
    /// Database id.
    pub id: i64,
    /// argon2id PHC string.
    pub password_hash: String,
}

/// Inserts a user; [`AppError::Conflict`] when the email is taken.
pub async fn create(db: impl PgExecutor<'_>, email: &Email, role: Role, password_hash: &str) -> Result<User, AppError> {
    let row = sqlx::query!(
        r#"insert into users (email, role, password_hash) values ($1, $2, $3)
           returning id, created_at"#,
        email.as_str(),
        role.as_str(),
        password_hash,
    )
    .fetch_one(db)
    .await
    .map_err(|error| match &error {
        sqlx::Error::Database(db_error) if db_error.constraint() == Some("users_email_key") => {
            AppError::Conflict(format!("a user with email {email} already exists"))
        }
        _ => error.into(),
    })?;
    Ok(User { id: row.id, email: email.to_string(), role, created_at: row.created_at, disabled: false })
}

/// The credentials of the active (not disabled) user with this email, if any.
pub async fn credentials(pool: &PgPool, email: &Email) -> Result<Option<Credentials>, AppError> {
    Ok(sqlx::query_as!(
        Credentials,
        "select id, password_hash from users where lower(email) = lower($1) and disabled_at is null",
        email.as_str(),
    )
    .fetch_optional(pool)
    .await?)
}

/// Every user, oldest first.
pub async fn list(pool: &PgPool) -> Result<Vec<User>, AppError> {
    let rows = sqlx::query_as!(
        StoredUser,
        r#"select id, email, role, created_at, disabled_at is not null as "disabled!" from users order by id"#
    )
    .fetch_all(pool)
    .await?;
    rows.into_iter().map(StoredUser::parse).collect()
}

/// Whether any user exists (the first start creates an admin when not).
pub async fn any_exist(db: impl PgExecutor<'_>) -> Result<bool, AppError> {
    Ok(sqlx::query_scalar!(r#"select exists(select 1 from users) as "exists!""#).fetch_one(db).await?)
}

/// Reads a role written by this application; anything else is corruption.
pub(super) fn parse_role(raw: &str) -> Result<Role, AppError> {
    raw.parse().map_err(|_| AppError::Internal(anyhow::anyhow!("unknown role {raw:?} in the users table")))
}

/// The user with `email`, locked until the transaction ends.
pub async fn find_for_update(conn: &mut PgConnection, email: &Email) -> Result<Option<User>, AppError> {
    let row = sqlx::query_as!(
        StoredUser,
        r#"select id, email, role, created_at, disabled_at is not null as "disabled!"
             from users where lower(email) = lower($1) for update"#,
        email.as_str(),
    )
    .fetch_optional(conn)
    .await?;
    row.map(StoredUser::parse).transpose()
}

/// A `users` row as read, its role not yet parsed.
struct StoredUser {
    id: i64,
    email: String,
    role: String,
    created_at: DateTime<Utc>,
    disabled: bool,
}

impl StoredUser {
    fn parse(self) -> Result<User, AppError> {
        let role = parse_role(&self.role)?;
        Ok(User { id: self.id, email: self.email, role, created_at: self.created_at, disabled: self.disabled })
    }
}

/// The ids of the active admins, locked until the transaction ends, so two
/// admins demoting each other at once cannot both succeed.
pub async fn active_admins_for_update(conn: &mut PgConnection) -> Result<Vec<i64>, AppError> {
    Ok(sqlx::query_scalar!("select id from users where role = 'admin' and disabled_at is null order by id for update")
        .fetch_all(conn)
        .await?)
}

/// Sets the role of user `id`.
pub async fn set_role(conn: &mut PgConnection, id: i64, role: Role) -> Result<(), AppError> {
    sqlx::query!("update users set role = $2 where id = $1", id, role.as_str()).execute(conn).await?;
    Ok(())
}

/// Disables user `id` (and ends their sessions), or enables them again.
pub async fn set_disabled(conn: &mut PgConnection, id: i64, disabled: bool) -> Result<(), AppError> {
    sqlx::query!(
        "update users set disabled_at = case when $2 then coalesce(disabled_at, now()) end where id = $1",
        id,
        disabled,
    )
    .execute(&mut *conn)
    .await?;
    if disabled {
        delete_sessions(conn, id).await?;
    }
    Ok(())
}

/// Replaces the password hash of user `id` and ends their sessions.
pub async fn set_password(conn: &mut PgConnection, id: i64, password_hash: &str) -> Result<(), AppError> {
    sqlx::query!("update users set password_hash = $2 where id = $1", id, password_hash).execute(&mut *conn).await?;
    delete_sessions(conn, id).await
}

async fn delete_sessions(conn: &mut PgConnection, user_id: i64) -> Result<(), AppError> {
    sqlx::query!("delete from sessions where user_id = $1", user_id).execute(conn).await?;
    Ok(())
}

/// Withdraws the grant of app `app_id` (internal id) from user `user_id`;
/// whether there was one.
pub async fn revoke_app(conn: &mut PgConnection, user_id: i64, app_id: i64) -> Result<bool, AppError> {
    let done = sqlx::query!("delete from user_app_grants where user_id = $1 and app_id = $2", user_id, app_id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// Grants app `app_id` (internal id) to user `user_id`; whether it is new.
pub async fn grant_app_to(conn: &mut PgConnection, user_id: i64, app_id: i64) -> Result<bool, AppError> {
    let done = sqlx::query!(
        "insert into user_app_grants (user_id, app_id) values ($1, $2) on conflict do nothing",
        user_id,
        app_id,
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// An app granted to a user.
#[derive(Debug, Clone)]
pub struct Grant {
    /// The user's database id.
    pub user_id: i64,
    /// The app's public appID.
    pub public_id: String,
    /// The app's display name.
    pub name: String,
}

/// Every grant, by user then app name.
pub async fn grants(pool: &PgPool) -> Result<Vec<Grant>, AppError> {
    let rows = sqlx::query!(
        "select g.user_id, a.public_id, a.name from user_app_grants g join apps a on a.id = g.app_id
          order by g.user_id, a.name, a.public_id"
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|row| Grant { user_id: row.user_id, public_id: row.public_id, name: row.name }).collect())
}
