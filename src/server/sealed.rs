//! Secrets at rest, sealed to their row.
//!
//! App secrets and webhook signing secrets must be recoverable (the server
//! computes HMACs with them), so they are encrypted with the master key
//! (AES-256-GCM), not hashed. Each ciphertext also authenticates
//! *associated data* naming the row that holds it: the table, the app and
//! the row's id ([`Owner`]). A ciphertext copied into another row, or a row
//! moved to another app, no longer decrypts: someone who can write to the
//! database but does not hold the master key cannot, say, put a secret
//! they know (their own app's) in place of another app's.
//!
//! The stored format says how a row was sealed: [`UNBOUND`] for rows
//! written before migration 0013 (no associated data), [`BOUND`] since.
//! Both open, so nothing breaks on upgrade; [`upgrade`] re-seals unbound
//! rows as bound at every start of `callscope serve`, and every new or
//! rotated secret is written bound.

use anyhow::bail;
use secrecy::SecretBox;
use sqlx::PgPool;

use super::AppError;
use super::db::sealed as store;
use super::master_key::MasterKey;

/// Format of rows sealed without associated data (before migration 0013).
pub const UNBOUND: i16 = 1;
/// Format of rows sealed with associated data naming their row.
pub const BOUND: i16 = 2;

/// The row a secret belongs to, by internal ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// A row of `app_secrets`.
    AppSecret {
        /// The app (`apps.id`).
        app_id: i64,
        /// The secret (`app_secrets.id`).
        secret_id: i64,
    },
    /// The signing secret of a row of `webhooks`.
    Webhook {
        /// The app (`apps.id`).
        app_id: i64,
        /// The webhook (`webhooks.id`).
        webhook_id: i64,
    },
}

impl Owner {
    /// The associated data of its ciphertext. Versioned and unambiguous:
    /// no two rows of either table share it.
    fn associated_data(self) -> Vec<u8> {
        match self {
            Owner::AppSecret { app_id, secret_id } => format!("callscope/v1 app_secrets app={app_id} id={secret_id}"),
            Owner::Webhook { app_id, webhook_id } => format!("callscope/v1 webhooks app={app_id} id={webhook_id}"),
        }
        .into_bytes()
    }
}

/// A secret sealed for its row, in the [`BOUND`] format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    /// AES-256-GCM ciphertext.
    pub ciphertext: Vec<u8>,
    /// Its nonce.
    pub nonce: Vec<u8>,
}

/// Seals `plaintext` for the row `owner`.
pub fn seal(key: &MasterKey, owner: Owner, plaintext: &[u8]) -> anyhow::Result<Sealed> {
    let (ciphertext, nonce) = key.encrypt(plaintext, &owner.associated_data())?;
    Ok(Sealed { ciphertext, nonce })
}

/// Opens the secret stored in row `owner` in `format`. Fails when the
/// ciphertext is not that row's (copied, moved), was altered, or is of
/// another master key; callers treat such a secret as unusable.
pub fn open(
    key: &MasterKey,
    owner: Owner,
    format: i16,
    ciphertext: &[u8],
    nonce: &[u8],
) -> anyhow::Result<SecretBox<[u8]>> {
    let associated_data = match format {
        UNBOUND => Vec::new(),
        BOUND => owner.associated_data(),
        other => bail!("unknown secret format {other}"),
    };
    key.decrypt(ciphertext, nonce, &associated_data)
}

/// Re-seals every app and webhook secret still stored [`UNBOUND`] as
/// [`BOUND`] to its row, in one transaction; returns how many. A row that
/// does not decrypt (altered, or of another master key) is logged and left
/// as it is: it keeps failing where it is used, as it did before.
pub async fn upgrade(pool: &PgPool, key: &MasterKey) -> Result<usize, AppError> {
    let mut tx = pool.begin().await?;
    let mut upgraded = 0;
    for row in store::unbound_app_secrets(&mut tx).await? {
        let owner = Owner::AppSecret { app_id: row.app_id, secret_id: row.id };
        if let Some(sealed) = reseal(key, owner, &row.ciphertext, &row.nonce) {
            store::reseal_app_secret(&mut tx, row.id, &sealed.ciphertext, &sealed.nonce, BOUND).await?;
            upgraded += 1;
        }
    }
    for row in store::unbound_webhook_secrets(&mut tx).await? {
        let owner = Owner::Webhook { app_id: row.app_id, webhook_id: row.id };
        if let Some(sealed) = reseal(key, owner, &row.ciphertext, &row.nonce) {
            store::reseal_webhook_secret(&mut tx, row.id, &sealed.ciphertext, &sealed.nonce, BOUND).await?;
            upgraded += 1;
        }
    }
    tx.commit().await?;
    if upgraded > 0 {
        tracing::info!(upgraded, "secrets at rest bound to their rows");
    }
    Ok(upgraded)
}

/// The unbound secret of `owner`, sealed again bound to it; `None` (logged)
/// when it does not decrypt.
fn reseal(key: &MasterKey, owner: Owner, ciphertext: &[u8], nonce: &[u8]) -> Option<Sealed> {
    let sealed = open(key, owner, UNBOUND, ciphertext, nonce)
        .and_then(|plaintext| seal(key, owner, secrecy::ExposeSecret::expose_secret(&plaintext)));
    match sealed {
        Ok(sealed) => Some(sealed),
        Err(error) => {
            tracing::error!(?owner, error = format!("{error:#}"), "a stored secret does not decrypt; left as it is");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;

    use super::*;

    fn key() -> MasterKey {
        let dir = std::env::temp_dir().join(format!("cs-sealed-{}", std::process::id()));
        let hex_key = secrecy::SecretString::from("ab".repeat(32));
        MasterKey::load(Some(&hex_key), &dir).expect("key")
    }

    #[test]
    fn a_sealed_secret_opens_only_in_its_own_row() {
        let key = key();
        let owner = Owner::AppSecret { app_id: 1, secret_id: 7 };
        let sealed = seal(&key, owner, b"s3cret").expect("seal");
        let opened = open(&key, owner, BOUND, &sealed.ciphertext, &sealed.nonce).expect("own row");
        assert_eq!(opened.expose_secret(), b"s3cret");
        for elsewhere in [
            Owner::AppSecret { app_id: 1, secret_id: 8 },
            Owner::AppSecret { app_id: 2, secret_id: 7 },
            Owner::Webhook { app_id: 1, webhook_id: 7 },
        ] {
            assert!(open(&key, elsewhere, BOUND, &sealed.ciphertext, &sealed.nonce).is_err(), "{elsewhere:?}");
        }
        assert!(open(&key, owner, UNBOUND, &sealed.ciphertext, &sealed.nonce).is_err(), "no downgrade");
        assert!(open(&key, owner, 3, &sealed.ciphertext, &sealed.nonce).is_err(), "unknown format");
    }

    #[test]
    fn an_unbound_secret_still_opens_and_reseals_bound() {
        let key = key();
        let (ciphertext, nonce) = key.encrypt(b"old secret", b"").expect("legacy");
        let owner = Owner::Webhook { app_id: 3, webhook_id: 4 };
        let opened = open(&key, owner, UNBOUND, &ciphertext, &nonce).expect("unbound");
        assert_eq!(opened.expose_secret(), b"old secret");
        let sealed = reseal(&key, owner, &ciphertext, &nonce).expect("resealed");
        assert_eq!(
            open(&key, owner, BOUND, &sealed.ciphertext, &sealed.nonce).expect("bound").expose_secret(),
            b"old secret"
        );
        assert!(reseal(&key, owner, &sealed.ciphertext, &sealed.nonce).is_none(), "not unbound");
    }
}
