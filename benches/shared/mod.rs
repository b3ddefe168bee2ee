//! What the benchmarks share: the server configuration, a fresh database
//! and a printable URL.

use anyhow::Context;
use callscope::server::config::ConfigArgs;
use callscope::server::{Config, db};
use sqlx::{Connection, PgConnection};

/// The server configuration of a benchmark run over `url`, on a free port.
pub fn config(url: &str) -> anyhow::Result<Config> {
    let mut args = ConfigArgs::parse_from(["--addr", "127.0.0.1:0"])?;
    args.database_url = Some(url.to_owned());
    args.data_dir = std::env::temp_dir().join("callscope-bench");
    Config::load(&args)
}

/// `url` without its password, for printing.
pub fn redact(url: &str) -> String {
    url::Url::parse(url).map_or_else(
        |_| "the database".to_owned(),
        |mut url| {
            url.set_password(None).ok();
            url.to_string()
        },
    )
}

/// A fresh database `<prefix>_<unix time>` next to `given`'s: its URL and name.
pub async fn fresh_database(given: &str, prefix: &str) -> anyhow::Result<(String, String)> {
    let name = format!("{prefix}_{}", chrono::Utc::now().timestamp());
    db::ensure_database(given, &name).await.context("creating a fresh database next to DATABASE_URL's")?;
    Ok((database_url(given, &name)?, name))
}

/// The URL of database `name` next to `given`'s.
pub fn database_url(given: &str, name: &str) -> anyhow::Result<String> {
    let mut url = url::Url::parse(given).context("DATABASE_URL is not a URL")?;
    url.set_path(&format!("/{name}"));
    Ok(url.to_string())
}

/// Drops database `name`, next to `given`'s.
pub async fn drop_database(given: &str, name: &str) -> anyhow::Result<()> {
    let mut conn = PgConnection::connect(given).await?;
    let statement = format!("drop database \"{}\" with (force)", name.replace('"', "\"\""));
    sqlx::raw_sql(sqlx::AssertSqlSafe(statement)).execute(&mut conn).await?;
    Ok(())
}
