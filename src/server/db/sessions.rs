//! Dashboard sessions, keyed by the SHA-256 of the cookie token.

use std::time::Duration;

use sqlx::PgPool;

use super::users::parse_role;
use crate::api::CurrentUser;
use crate::server::AppError;

/// Stores a new session for `user_id` valid for `ttl`.
pub async fn create(pool: &PgPool, token_hash: &[u8], user_id: i64, ttl: Duration) -> Result<(), AppError> {
    sqlx::query!(
        "insert into sessions (token_hash, user_id, expires_at)
         values ($1, $2, now() + make_interval(secs => $3))",
        token_hash,
        user_id,
        ttl.as_secs_f64(),
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// The user of a live session, sliding its expiry forward by `ttl`.
///
/// The expiry is written at most once a minute per session, so reading a
/// page does not turn into a write on every request.
pub async fn touch(pool: &PgPool, token_hash: &[u8], ttl: Duration) -> Result<Option<CurrentUser>, AppError> {
    let row = sqlx::query!(
        r#"with live as (
               select s.token_hash, u.id, u.email, u.role, s.last_seen_at
               from sessions s join users u on u.id = s.user_id
               where s.token_hash = $1 and s.expires_at > now() and u.disabled_at is null
           ), slid as (
               update sessions s
               set last_seen_at = now(), expires_at = now() + make_interval(secs => $2)
               from live
               where s.token_hash = live.token_hash and live.last_seen_at < now() - interval '1 minute'
           )
           select id, email, role from live"#,
        token_hash,
        ttl.as_secs_f64(),
    )
    .fetch_optional(pool)
    .await?;
    row.map(|row| Ok(CurrentUser { id: row.id, email: row.email, role: parse_role(&row.role)? })).transpose()
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
