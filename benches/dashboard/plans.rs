//! The plans of the dashboard's searches over the loaded data, from the
//! product's own SQL and binds (`db::dashboard::search::explain`), so the
//! docs can show which index serves each kind of search.

use anyhow::Context;
use callscope::server::db::dashboard::search::{self, Filter};
use chrono::{DateTime, Utc};
use sqlx::pool::PoolConnection;
use sqlx::postgres::PgRow;
use sqlx::{AssertSqlSafe, Execute, PgPool, Postgres, Row};

/// A loaded conference to search for, and one of its participants.
pub struct Sample {
    /// Its conferenceID.
    pub conference_id: String,
    /// Its instance id.
    pub id: i64,
    /// When it started (a page cursor).
    pub started_at: DateTime<Utc>,
    /// A participant's userID.
    pub user_id: String,
}

impl Sample {
    /// The instance `id`, with its first participant.
    pub async fn of(pool: &PgPool, id: i64) -> anyhow::Result<Self> {
        let (conference_id, started_at, user_id) = sqlx::query_as(
            "select ci.conference_id, ci.started_at, e.user_id
               from conference_instances ci join endpoints e on e.instance_id = ci.id
              where ci.id = $1 order by e.joined_at limit 1",
        )
        .bind(id)
        .fetch_one(pool)
        .await?;
        Ok(Self { conference_id, id, started_at, user_id })
    }
}

/// `explain (analyze, buffers)` of every kind of search an admin runs
/// (a page of 25 + 1 rows), and of the exact-ID search once more as a
/// generic plan, which PostgreSQL may switch a prepared statement to after
/// five executions.
pub async fn all(pool: &PgPool, apps: &[i64], sample: &Sample) -> anyhow::Result<String> {
    let limit = callscope::api::PAGE_SIZE + 1;
    let base = Filter { apps, names: true, limit, ..Filter::default() };
    let id = sample.conference_id.as_str();
    // A prefix shared by a few IDs: the ID without its last two characters.
    let cut = id.char_indices().rev().nth(1).map_or(id.len(), |(at, _)| at);
    let searches = [
        ("exact conferenceID", Filter { conference_id: Some((id, false)), ..base }),
        ("conferenceID prefix", Filter { conference_id: Some((&id[..cut], true)), ..base }),
        ("userID (admin: also userName, loginID)", Filter { person: Some(&sample.user_id), ..base }),
        ("newest first, no filter", Filter { ..base }),
        ("next page (keyset)", Filter { before: Some((sample.started_at, sample.id)), ..base }),
        ("failureGroup=totalFailure", Filter { failure_group: Some("totalFailure"), ..base }),
        ("feedback12=1", Filter { feedback12: true, ..base }),
    ];
    let mut conn = pool.acquire().await?;
    let mut text = String::new();
    for (title, filter) in &searches {
        let mut builder = search::explain(filter);
        let sql = builder.sql().as_str().replacen("explain (format json) ", "explain (analyze, buffers) ", 1);
        let binds = builder.build().take_arguments().map_err(|error| anyhow::anyhow!("{error}"))?;
        let rows = sqlx::query_with(AssertSqlSafe(sql), binds.context("the search binds nothing")?)
            .fetch_all(&mut *conn)
            .await
            .with_context(|| format!("explain of the {title} search"))?;
        text.push_str(&format!("-- {title}\n"));
        lines(&mut text, rows)?;
    }
    text.push_str("-- exact conferenceID, generic plan (prepared, plan_cache_mode = force_generic_plan)\n");
    generic_exact(&mut conn, apps, id, limit, &mut text).await?;
    Ok(text)
}

/// The exact-ID search as a prepared statement under a generic plan.
async fn generic_exact(
    conn: &mut PoolConnection<Postgres>,
    apps: &[i64],
    id: &str,
    limit: i64,
    text: &mut String,
) -> anyhow::Result<()> {
    let filter = Filter { apps, conference_id: Some((id, false)), limit, ..Filter::default() };
    let sql = search::explain(&filter).sql().as_str().trim_start_matches("explain (format json) ").to_owned();
    // EXECUTE takes no bind parameters: literals, in the order the search
    // binds them (a mismatch fails loudly: wrong parameter count).
    // One app is bound as a bigint, several as an array (see `in_apps`).
    let apps = match apps {
        [app] => app.to_string(),
        apps => literal(&format!("{{{}}}", apps.iter().map(i64::to_string).collect::<Vec<_>>().join(","))),
    };
    let values = [apps, literal(id), limit.to_string()];
    sqlx::raw_sql(AssertSqlSafe(format!("prepare bench_exact_search as {sql}"))).execute(&mut **conn).await?;
    sqlx::raw_sql("set plan_cache_mode = force_generic_plan").execute(&mut **conn).await?;
    let explain = format!("explain (analyze, buffers) execute bench_exact_search({})", values.join(", "));
    let rows = sqlx::query(AssertSqlSafe(explain)).fetch_all(&mut **conn).await;
    sqlx::raw_sql("reset plan_cache_mode; deallocate bench_exact_search").execute(&mut **conn).await?;
    lines(text, rows?)
}

/// A string literal (standard_conforming_strings: only quotes are doubled).
fn literal(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// Appends the text of an `explain`'s rows.
fn lines(text: &mut String, rows: Vec<PgRow>) -> anyhow::Result<()> {
    for row in rows {
        text.push_str(&row.try_get::<String, _>(0)?);
        text.push('\n');
    }
    Ok(())
}
