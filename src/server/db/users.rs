//! Dashboard users.

use sqlx::{PgExecutor, PgPool};

use crate::api::UserRow;
use crate::domain::{Email, Role};
use crate::server::AppError;

/// A user's credentials, read to check a sign-in.
pub struct Credentials {
    /// Database id.
    pub id: i64,
    /// argon2id PHC string.
    pub password_hash: String,
}

/// Inserts a user; [`AppError::Conflict`] when the email is taken.
pub async fn create(
    db: impl PgExecutor<'_>,
    email: &Email,
    role: Role,
    password_hash: &str,
) -> Result<UserRow, AppError> {
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
    Ok(UserRow { id: row.id, email: email.to_string(), role, created_at: row.created_at, disabled: false })
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
pub async fn list(pool: &PgPool) -> Result<Vec<UserRow>, AppError> {
    let rows = sqlx::query!(
        "select id, email, role, created_at, disabled_at is not null as \"disabled!\" from users order by id"
    )
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|row| {
            Ok(UserRow {
                id: row.id,
                email: row.email,
                role: parse_role(&row.role)?,
                created_at: row.created_at,
                disabled: row.disabled,
            })
        })
        .collect()
}

/// Whether any user exists (the first start creates an admin when not).
pub async fn any_exist(db: impl PgExecutor<'_>) -> Result<bool, AppError> {
    Ok(sqlx::query_scalar!(r#"select exists(select 1 from users) as "exists!""#).fetch_one(db).await?)
}

/// Lets the user with `email` see the app with public appID `app_id`;
/// granting twice is a no-op. `NotFound` names what does not exist.
pub async fn grant_app(pool: &PgPool, email: &Email, app_id: &str) -> Result<(), AppError> {
    let row = sqlx::query!(
        r#"select (select id from users where lower(email) = lower($1)) as user_id,
                  (select id from apps where public_id = $2) as app_id"#,
        email.as_str(),
        app_id,
    )
    .fetch_one(pool)
    .await?;
    let user_id = row.user_id.ok_or_else(|| AppError::Validation {
        field: "email".into(),
        message: format!("no user has the email {email}"),
    })?;
    let app_id = row.app_id.ok_or_else(|| AppError::Validation {
        field: "app".into(),
        message: format!("no app has the appID {app_id}"),
    })?;
    sqlx::query!(
        "insert into user_app_grants (user_id, app_id) values ($1, $2) on conflict do nothing",
        user_id,
        app_id,
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Reads a role written by this application; anything else is corruption.
pub(super) fn parse_role(raw: &str) -> Result<Role, AppError> {
    raw.parse().map_err(|_| AppError::Internal(anyhow::anyhow!("unknown role {raw:?} in the users table")))
}
