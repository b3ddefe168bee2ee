//! Dashboard sessions, keyed by the SHA-256 of the cookie token.

use std::time::Duration;

use sqlx::PgPool;

use super::users::parse_role;
use crate::domain::Role;
use crate::server::AppError;

/// How long sessions last.
#[derive(Debug, Clone, Copy)]
pub struct Lifetime {
    /// Without use.
    pub idle: Duration,
    /// From sign-in, however much it is used.
    pub max: Duration,
}

/// The user a live session belongs to.
#[derive(Debug, Clone)]
pub struct SessionUser {
    /// Database id.
    pub id: i64,
    /// Sign-in address.
    pub email: String,
    /// What the user may see and do.
    pub role: Role,
}

/// Stores a new session for `user_id`.
pub async fn create(pool: &PgPool, token_hash: &[u8], user_id: i64, lifetime: Lifetime) -> Result<(), AppError> {
    sqlx::query!(
        "insert into sessions (token_hash, user_id, expires_at)
         values ($1, $2, now() + least(make_interval(secs => $3), make_interval(secs => $4)))",
        token_hash,
        user_id,
        lifetime.idle.as_secs_f64(),
        lifetime.max.as_secs_f64(),
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// The user of a live session, sliding its expiry forward by the idle
/// lifetime, but never past the maximum from sign-in: a stolen cookie in
/// steady use still stops working.
///
/// The expiry is written at most once a minute per session, so reading a
/// page does not turn into a write on every request.
pub async fn touch(pool: &PgPool, token_hash: &[u8], lifetime: Lifetime) -> Result<Option<SessionUser>, AppError> {
    let row = sqlx::query!(
        r#"with live as (
               select s.token_hash, u.id, u.email, u.role, s.last_seen_at
               from sessions s join users u on u.id = s.user_id
               where s.token_hash = $1 and s.expires_at > now() and u.disabled_at is null
                 and s.created_at > now() - make_interval(secs => $3)
           ), slid as (
               update sessions s
               set last_seen_at = now(),
                   expires_at = least(now() + make_interval(secs => $2), s.created_at + make_interval(secs => $3))
               from live
               where s.token_hash = live.token_hash and live.last_seen_at < now() - interval '1 minute'
           )
           select id, email, role from live"#,
        token_hash,
        lifetime.idle.as_secs_f64(),
        lifetime.max.as_secs_f64(),
    )
    .fetch_optional(pool)
    .await?;
    row.map(|row| Ok(SessionUser { id: row.id, email: row.email, role: parse_role(&row.role)? })).transpose()
}

/// Ends a session.
pub async fn delete(pool: &PgPool, token_hash: &[u8]) -> Result<(), AppError> {
    sqlx::query!("delete from sessions where token_hash = $1", token_hash).execute(pool).await?;
    Ok(())
}

/// Deletes expired sessions; returns how many.
pub async fn purge_expired(pool: &PgPool) -> Result<u64, AppError> {
    let done = sqlx::query!("delete from sessions where expires_at < now()").execute(pool).await?;
    Ok(done.rows_affected())
}
