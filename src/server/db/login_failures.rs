//! Failed dashboard sign-ins, per account key and client address (see
//! migration 0014 and `server::auth::throttle`).

use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};

use crate::server::AppError;

/// Recent failures of one account or one address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failures {
    /// How many within the window.
    pub count: i64,
    /// When the newest of them happened.
    pub last: Option<DateTime<Utc>>,
}

/// What the store knows when an attempt arrives.
#[derive(Debug, Clone, Copy)]
pub struct Recent {
    /// Failures for the account.
    pub account: Failures,
    /// Failures from the address.
    pub address: Failures,
    /// The store's clock, which every process shares.
    pub now: DateTime<Utc>,
}

/// Serialises attempts on one account and one address until the end of
/// the transaction on `conn`. Accounts are always locked before addresses,
/// and each transaction locks one of each, so two attempts cannot deadlock.
pub async fn lock(conn: &mut PgConnection, account_key: &[u8], client_addr: &str) -> Result<(), AppError> {
    // In FROM, as the lock function returns `void`, which sqlx cannot decode.
    sqlx::query_scalar!(
        r#"select 1 as "locked!" from pg_advisory_xact_lock(hashtextextended('login-account:' || encode($1, 'hex'), 0))"#,
        account_key
    )
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query_scalar!(
        r#"select 1 as "locked!" from pg_advisory_xact_lock(hashtextextended('login-address:' || $1, 0))"#,
        client_addr
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(())
}

/// The failures of the last `window` for the account and the address.
pub async fn recent(
    conn: &mut PgConnection,
    account_key: &[u8],
    client_addr: &str,
    window: Duration,
) -> Result<Recent, AppError> {
    let row = sqlx::query!(
        r#"select count(*) filter (where account_key = $1) as "account_count!",
                  max(occurred_at) filter (where account_key = $1) as account_last,
                  count(*) filter (where client_addr = $2) as "address_count!",
                  max(occurred_at) filter (where client_addr = $2) as address_last,
                  now() as "now!"
             from login_failures
            where (account_key = $1 or client_addr = $2)
              and occurred_at > now() - make_interval(secs => $3)"#,
        account_key,
        client_addr,
        window.as_secs_f64(),
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(Recent {
        account: Failures { count: row.account_count, last: row.account_last },
        address: Failures { count: row.address_count, last: row.address_last },
        now: row.now,
    })
}

/// Records an attempt as a failure until [`forget`] says otherwise; its id.
pub async fn insert(conn: &mut PgConnection, account_key: &[u8], client_addr: &str) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar!(
        "insert into login_failures (account_key, client_addr) values ($1, $2) returning id",
        account_key,
        client_addr,
    )
    .fetch_one(conn)
    .await?)
}

/// Removes the row of an attempt that turned out to be a success.
pub async fn forget(pool: &PgPool, id: i64) -> Result<(), AppError> {
    sqlx::query!("delete from login_failures where id = $1", id).execute(pool).await?;
    Ok(())
}

/// Deletes failures older than `age`; returns how many.
pub async fn purge_older_than(pool: &PgPool, age: Duration) -> Result<u64, AppError> {
    let done = sqlx::query!(
        "delete from login_failures where occurred_at < now() - make_interval(secs => $1)",
        age.as_secs_f64()
    )
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}
