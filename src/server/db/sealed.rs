//! Secrets at rest of both tables that hold them (`app_secrets`,
//! `webhooks`), for re-sealing the rows still stored without associated
//! data (`server::sealed::upgrade`). Everyday reads and writes of a secret
//! stay with its aggregate (`apps`, `webhooks`).

use sqlx::{PgConnection, Postgres, Transaction};

use crate::server::AppError;

/// A secret still sealed without associated data, with its row's ids.
pub struct UnboundSecret {
    /// The row's id (`app_secrets.id` or `webhooks.id`).
    pub id: i64,
    /// The app it belongs to.
    pub app_id: i64,
    /// AES-256-GCM ciphertext.
    pub ciphertext: Vec<u8>,
    /// Its nonce.
    pub nonce: Vec<u8>,
}

/// Every app secret still sealed without associated data (format 1),
/// locked until the end of `tx`.
pub async fn unbound_app_secrets(tx: &mut Transaction<'_, Postgres>) -> Result<Vec<UnboundSecret>, AppError> {
    Ok(sqlx::query_as!(
        UnboundSecret,
        "select id, app_id, ciphertext, nonce from app_secrets where ciphertext_format = 1 order by id for update",
    )
    .fetch_all(&mut **tx)
    .await?)
}

/// Every webhook signing secret still sealed without associated data
/// (format 1), locked until the end of `tx`.
pub async fn unbound_webhook_secrets(tx: &mut Transaction<'_, Postgres>) -> Result<Vec<UnboundSecret>, AppError> {
    Ok(sqlx::query_as!(
        UnboundSecret,
        r#"select id, app_id, secret_ciphertext as ciphertext, secret_nonce as nonce
             from webhooks where secret_format = 1 order by id for update"#,
    )
    .fetch_all(&mut **tx)
    .await?)
}

/// Replaces the ciphertext of app secret `id` by one sealed in `format`.
pub async fn reseal_app_secret(
    conn: &mut PgConnection,
    id: i64,
    ciphertext: &[u8],
    nonce: &[u8],
    format: i16,
) -> Result<(), AppError> {
    sqlx::query!(
        "update app_secrets set ciphertext = $2, nonce = $3, ciphertext_format = $4 where id = $1",
        id,
        ciphertext,
        nonce,
        format,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Replaces the ciphertext of webhook `id`'s signing secret by one sealed
/// in `format`.
pub async fn reseal_webhook_secret(
    conn: &mut PgConnection,
    id: i64,
    ciphertext: &[u8],
    nonce: &[u8],
    format: i16,
) -> Result<(), AppError> {
    sqlx::query!(
        "update webhooks set secret_ciphertext = $2, secret_nonce = $3, secret_format = $4 where id = $1",
        id,
        ciphertext,
        nonce,
        format,
    )
    .execute(conn)
    .await?;
    Ok(())
}
