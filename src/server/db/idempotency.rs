//! Idempotency keys: a retried request is stored once and answered as the
//! first time. The key is written in the same transaction as the data, at
//! its end, so both become durable together (see migrations/0006).

use sqlx::{PgConnection, PgExecutor};

use crate::server::AppError;

/// The stored first answer to a request.
pub struct StoredResponse {
    /// SHA-256 over method, path and body of the first request.
    pub fingerprint: Vec<u8>,
    /// Its HTTP status.
    pub status: u16,
    /// Its body, byte for byte.
    pub body: Vec<u8>,
}

/// Records `key` with the response about to be sent; `false` when the key
/// is already taken (by a committed request, or one that commits while this
/// waits), in which case the caller rolls back and replays.
pub async fn claim(
    conn: &mut PgConnection,
    app_id: i64,
    key: &str,
    fingerprint: &[u8],
    status: u16,
    body: &[u8],
) -> Result<bool, AppError> {
    let inserted = sqlx::query_scalar!(
        r#"insert into idempotency_keys (app_id, key, request_fingerprint, response_status, response_body, completed_at)
           values ($1, $2, $3, $4, $5, now())
           on conflict (app_id, key) do nothing
           returning 1 as "inserted!""#,
        app_id,
        key,
        fingerprint,
        i16::try_from(status).unwrap_or(500),
        body,
    )
    .fetch_optional(conn)
    .await?;
    Ok(inserted.is_some())
}

/// The first answer given under `key`.
pub async fn stored(db: impl PgExecutor<'_>, app_id: i64, key: &str) -> Result<Option<StoredResponse>, AppError> {
    let row = sqlx::query!(
        r#"select request_fingerprint, response_status as "status!", response_body as "body!"
           from idempotency_keys where app_id = $1 and key = $2"#,
        app_id,
        key,
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|row| StoredResponse {
        fingerprint: row.request_fingerprint,
        status: u16::try_from(row.status).unwrap_or(500),
        body: row.body,
    }))
}

/// Forgets keys older than `hours`; returns how many.
pub async fn purge_older_than(db: impl PgExecutor<'_>, hours: i32) -> Result<u64, AppError> {
    let done =
        sqlx::query!("delete from idempotency_keys where created_at < now() - make_interval(hours => $1)", hours,)
            .execute(db)
            .await?;
    Ok(done.rows_affected())
}
