//! Conference search: one SQL shape per kind of search, built so that each
//! is served by an index (see docs/data-model.md, "Search").

use chrono::{DateTime, Utc};
use sqlx::{PgPool, Postgres, QueryBuilder};

use crate::server::AppError;

/// What to look for. Every filter that is `None`/`false` is left out of
/// the SQL entirely, so each combination gets its own plan.
#[derive(Debug, Default)]
pub struct Filter<'a> {
    /// Apps the caller may see (internal ids); always applied.
    pub apps: &'a [i64],
    /// conferenceID, and whether it is a prefix.
    pub conference_id: Option<(&'a str, bool)>,
    /// A participant's userID or alias; with `names`, also userName and loginID.
    pub person: Option<&'a str>,
    /// Whether the caller may search by real names.
    pub names: bool,
    /// Started at or after.
    pub from: Option<DateTime<Utc>>,
    /// Started before.
    pub to: Option<DateTime<Utc>>,
    /// `totalFailure` or `partialFailure`.
    pub failure_group: Option<&'a str>,
    /// Only conferences with a rating of 1 or 2.
    pub feedback12: bool,
    /// Only conferences where this issue kind was found.
    pub issue: Option<&'a str>,
    /// Rows older than `(started_at, id)`.
    pub before: Option<(DateTime<Utc>, i64)>,
    /// Rows to return.
    pub limit: i64,
}

/// One result row.
#[derive(Debug, sqlx::FromRow)]
pub struct Row {
    /// Instance id.
    pub id: i64,
    /// conferenceID.
    pub conference_id: String,
    /// App name.
    pub app_name: String,
    /// Start.
    pub started_at: DateTime<Utc>,
    /// End.
    pub ended_at: Option<DateTime<Utc>>,
    /// Length (so far).
    pub duration_ms: i64,
    /// Distinct userIDs.
    pub participants: i64,
    /// Failure group.
    pub failure_group: Option<String>,
    /// Worst per-stream score.
    pub quality_score: Option<f64>,
    /// Feedback submissions.
    pub feedback_count: i32,
    /// Lowest rating.
    pub feedback_min_rating: Option<i16>,
    /// Mean overall rating.
    pub feedback_avg_overall: Option<f64>,
}

/// Conferences matching `filter`, newest first (`started_at desc, id desc`).
pub async fn search(pool: &PgPool, filter: &Filter<'_>) -> Result<Vec<Row>, AppError> {
    Ok(query("", filter).build_query_as::<Row>().fetch_all(pool).await?)
}

/// [`search`]'s query behind `explain (format json)`, so tests and
/// benchmarks can check which indexes serve each kind of search.
pub fn explain(filter: &Filter<'_>) -> QueryBuilder<Postgres> {
    query("explain (format json) ", filter)
}

fn query(head: &str, filter: &Filter<'_>) -> QueryBuilder<Postgres> {
    let mut sql = QueryBuilder::new(head);
    sql.push(
        "select ci.id, ci.conference_id, a.name as app_name, ci.started_at, ci.ended_at,
                coalesce(ci.duration_ms,
                         (extract(epoch from coalesce(ci.ended_at, ci.last_activity_at) - ci.started_at) * 1000)::bigint
                ) as duration_ms,
                coalesce(ci.participant_count,
                         (select count(distinct e.user_id) from endpoints e where e.instance_id = ci.id)
                )::bigint as participants,
                ci.failure_group, ci.quality_score, ci.feedback_count, ci.feedback_min_rating, ci.feedback_avg_overall
           from conference_instances ci join apps a on a.id = ci.app_id
          where ",
    );
    in_apps(&mut sql, "ci", filter.apps);
    match filter.conference_id {
        Some((id, false)) => {
            sql.push(" and ci.conference_id = ").push_bind(id.to_owned());
        }
        // A range instead of LIKE: the bound is computed at execution time,
        // so even a generic prepared plan walks the btree (see 0003).
        Some((prefix, true)) => {
            sql.push(" and ci.conference_id >= ").push_bind(prefix.to_owned());
            sql.push(" and ci.conference_id < prefix_upper_bound(").push_bind(prefix.to_owned()).push(")");
        }
        None => {}
    }
    if let Some(person) = filter.person {
        sql.push(" and ci.id in (select e.instance_id from endpoints e where ");
        in_apps(&mut sql, "e", filter.apps);
        sql.push(" and (e.user_id = ").push_bind(person.to_owned());
        sql.push(" or e.alias_name = ").push_bind(person.to_owned());
        if filter.names {
            sql.push(" or e.user_name = ").push_bind(person.to_owned());
            sql.push(" or e.login_id = ").push_bind(person.to_owned());
        }
        sql.push("))");
    }
    if let Some(from) = filter.from {
        sql.push(" and ci.started_at >= ").push_bind(from);
    }
    if let Some(to) = filter.to {
        sql.push(" and ci.started_at < ").push_bind(to);
    }
    if let Some(group) = filter.failure_group {
        sql.push(" and ci.failure_group = ").push_bind(group.to_owned());
    }
    if filter.feedback12 {
        // Spelled literally so the partial index's predicate matches.
        sql.push(" and ci.feedback_min_rating <= 2");
    }
    if let Some(issue) = filter.issue {
        // `@>` is what the GIN index on issue_kinds serves.
        sql.push(" and ci.issue_kinds @> array[").push_bind(issue.to_owned()).push("]::text[]");
    }
    if let Some((started_at, id)) = filter.before {
        sql.push(" and (ci.started_at, ci.id) < (").push_bind(started_at).push(", ").push_bind(id.to_owned()).push(")");
    }
    sql.push(" order by ci.started_at desc, ci.id desc limit ").push_bind(filter.limit);
    sql
}

/// `alias.app_id` among `apps`. One app is spelled `= $n`, so that the
/// indexes led by `app_id` (failure group, low ratings, newest first) can
/// return that app's rows already in `started_at` order; `= any($n)` cannot.
fn in_apps(sql: &mut QueryBuilder<Postgres>, alias: &str, apps: &[i64]) {
    match apps {
        [app] => sql.push(format_args!("{alias}.app_id = ")).push_bind(*app),
        apps => sql.push(format_args!("{alias}.app_id = any(")).push_bind(apps.to_vec()).push(")"),
    };
}

/// A participant whose userID (or, with names, userName) starts with a prefix.
pub struct PersonRow {
    /// userID (alias).
    pub user_id: String,
    /// userName, only when names may be read.
    pub user_name: Option<String>,
}

/// Up to `limit` distinct participants of `apps` whose userID — or, with
/// `names`, userName — starts with `prefix`, for the search form's
/// suggestions. Engineers' suggestions never read `user_name`.
pub async fn people(
    pool: &PgPool,
    apps: &[i64],
    prefix: &str,
    names: bool,
    limit: i64,
) -> Result<Vec<PersonRow>, AppError> {
    Ok(sqlx::query_as!(
        PersonRow,
        r#"select user_id as "user_id!", user_name from (
               select user_id, case when $3 then user_name end as user_name from endpoints
                where app_id = any($1) and user_id >= $2 and user_id < prefix_upper_bound($2)
               union
               select user_id, user_name from endpoints
                where $3 and app_id = any($1) and user_name >= $2 and user_name < prefix_upper_bound($2)
           ) people
           order by 1, 2 limit $4"#,
        apps,
        prefix,
        names,
        limit,
    )
    .fetch_all(pool)
    .await?)
}
