//! The overview's top issues: how many of a period's summarised
//! conferences had each kind, and which clients' connections had them.

use chrono::{DateTime, Utc};
use sqlx::PgPool;

use crate::server::AppError;

/// Conferences with an issue of `kind`, in the period and the one before.
pub struct KindCount {
    /// The issue's kind, as stored.
    pub kind: String,
    /// Summarised conferences that started in `[from, to)` with it.
    pub conferences: i64,
    /// Those that started in `[before, from)`.
    pub previous: i64,
}

/// Connections (fabrics) of one browser and app version.
pub struct ClientRow {
    /// The browser's name, or `unknown`.
    pub browser: String,
    /// The applicationVersion, or `not given`.
    pub version: String,
    /// The issue's kind, for [`affected`]; none for [`connections`].
    pub kind: Option<String>,
    /// How many.
    pub fabrics: i64,
}

/// The `limit` kinds most summarised conferences of `[from, to)` had, most
/// first, with their count in `[before, from)`.
pub async fn kinds(
    pool: &PgPool,
    apps: &[i64],
    before: DateTime<Utc>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<KindCount>, AppError> {
    Ok(sqlx::query_as!(
        KindCount,
        r#"select k.kind as "kind!",
                  count(*) filter (where ci.started_at >= $3) as "conferences!",
                  count(*) filter (where ci.started_at < $3) as "previous!"
             from conference_instances ci, unnest(ci.issue_kinds) as k (kind)
            where ci.app_id = any($1) and ci.started_at >= $2 and ci.started_at < $4 and ci.summarized_at is not null
            group by k.kind
           having count(*) filter (where ci.started_at >= $3) > 0
            order by 2 desc, 1
            limit $5"#,
        apps,
        before,
        from,
        to,
        limit,
    )
    .fetch_all(pool)
    .await?)
}

/// The connections of the period's summarised conferences by browser and
/// app version (the reporting endpoint's).
pub async fn connections(
    pool: &PgPool,
    apps: &[i64],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<ClientRow>, AppError> {
    Ok(sqlx::query_as!(
        ClientRow,
        r#"select coalesce(e.endpoint_info ->> 'name', 'unknown') as "browser!",
                  coalesce(e.application_version, 'not given') as "version!",
                  null::text as kind, count(*) as "fabrics!"
             from fabrics f
             join endpoints e on e.id = f.endpoint_id
             join conference_instances ci on ci.id = f.instance_id
            where ci.app_id = any($1) and ci.started_at >= $2 and ci.started_at < $3 and ci.summarized_at is not null
            group by 1, 2"#,
        apps,
        from,
        to,
    )
    .fetch_all(pool)
    .await?)
}

/// Of those connections, the ones with an issue of each of `kinds`, by
/// browser and app version.
pub async fn affected(
    pool: &PgPool,
    apps: &[i64],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    kinds: &[String],
) -> Result<Vec<ClientRow>, AppError> {
    Ok(sqlx::query_as!(
        ClientRow,
        r#"select coalesce(e.endpoint_info ->> 'name', 'unknown') as "browser!",
                  coalesce(e.application_version, 'not given') as "version!",
                  fi.kind as "kind?", count(distinct fi.fabric_id) as "fabrics!"
             from fabric_issues fi
             join conference_instances ci on ci.id = fi.instance_id
             join fabrics f on f.id = fi.fabric_id
             join endpoints e on e.id = f.endpoint_id
            where ci.app_id = any($1) and ci.started_at >= $2 and ci.started_at < $3 and ci.summarized_at is not null
              and fi.kind = any($4)
            group by 1, 2, 3"#,
        apps,
        from,
        to,
        kinds,
    )
    .fetch_all(pool)
    .await?)
}
