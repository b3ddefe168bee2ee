//! Daily conference rollups (`daily_conferences`): what each summarised
//! instance contributed is added to its app's day once, and taken out
//! again when the instance is summarised anew; reports read the days and
//! compute, from their rows, only the instances not rolled up yet.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;
use sqlx::{PgConnection, PgExecutor};

use crate::domain::rollup::{Contribution, Day, Unreadable, midnight};
use crate::server::AppError;

/// One instance's contribution, as read from its rows.
pub struct Instance {
    /// The instance.
    pub id: i64,
    /// Its app.
    pub app_id: i64,
    /// The UTC day it started.
    pub day: NaiveDate,
    /// What it adds now.
    pub contribution: Contribution,
    /// The userIDs of its endpoints (counted, never stored).
    pub users: Vec<String>,
    /// What it added when last rolled up, if it was.
    pub previous: Option<Contribution>,
}

struct Row {
    id: i64,
    app_id: i64,
    day: NaiveDate,
    contribution: Value,
    users: Vec<String>,
    previous: Option<Value>,
}

impl From<Unreadable> for AppError {
    fn from(error: Unreadable) -> Self {
        AppError::Internal(error.into())
    }
}

fn contribution(json: Value) -> Result<Contribution, AppError> {
    serde_json::from_value(json).map_err(|error| AppError::Internal(error.into()))
}

/// The contributions of instances `ids`, computed from their rows.
pub async fn contributions(db: impl PgExecutor<'_>, ids: &[i64]) -> Result<Vec<Instance>, AppError> {
    let rows = sqlx::query_as!(
        Row,
        r#"select ci.id, ci.app_id, (ci.started_at at time zone 'UTC')::date as "day!", ci.rollup as previous,
                  array(select e.user_id from endpoints e where e.instance_id = ci.id) as "users!",
                  jsonb_build_object(
                      'summarized', ci.summarized_at is not null,
                      'failureGroup', ci.failure_group,
                      'failuresByFunction', coalesce((select jsonb_agg(jsonb_build_array(f.key,
                              case when f.value ~ '^[0-9]{1,18}$' then f.value::bigint else 0 end))
                          from jsonb_each_text(case when jsonb_typeof(ci.summary -> 'failuresByFunction') = 'object'
                                                    then ci.summary -> 'failuresByFunction' end) f), '[]'),
                      'issueKinds', to_jsonb(ci.issue_kinds),
                      'quality', case when ci.quality_score between 0 and 5 then ci.quality_score end,
                      'setupDelays', coalesce((select jsonb_agg(f.setup_delay_ms) from fabrics f
                                               where f.instance_id = ci.id and f.setup_delay_ms is not null), '[]'),
                      'browsers', coalesce((select jsonb_agg(jsonb_build_array(b, n)) from (
                          select coalesce(e.endpoint_info ->> 'name', 'unknown') as b, count(*) as n
                            from endpoints e where e.instance_id = ci.id group by 1) t), '[]'),
                      'appVersions', coalesce((select jsonb_agg(jsonb_build_array(v, n)) from (
                          select coalesce(e.application_version, 'not given') as v, count(*) as n
                            from endpoints e where e.instance_id = ci.id group by 1) t), '[]'),
                      'clients', coalesce((select jsonb_agg(jsonb_build_array(jsonb_build_array(b, v), n)) from (
                          select coalesce(e.endpoint_info ->> 'name', 'unknown') as b,
                                 coalesce(e.application_version, 'not given') as v, count(*) as n
                            from fabrics f join endpoints e on e.id = f.endpoint_id
                           where f.instance_id = ci.id group by 1, 2) t), '[]'),
                      'affected', coalesce((select jsonb_agg(jsonb_build_array(jsonb_build_array(k, b, v), n)) from (
                          select fi.kind as k, coalesce(e.endpoint_info ->> 'name', 'unknown') as b,
                                 coalesce(e.application_version, 'not given') as v, count(distinct fi.fabric_id) as n
                            from fabric_issues fi join fabrics f on f.id = fi.fabric_id
                            join endpoints e on e.id = f.endpoint_id
                           where fi.instance_id = ci.id group by 1, 2, 3) t), '[]')
                  ) as "contribution!"
             from conference_instances ci
            where ci.id = any($1)
            order by ci.app_id, 3, ci.id"#,
        ids,
    )
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|row| {
            Ok(Instance {
                id: row.id,
                app_id: row.app_id,
                day: row.day,
                contribution: contribution(row.contribution)?,
                users: row.users,
                previous: row.previous.map(contribution).transpose()?,
            })
        })
        .collect()
}

/// Rolls up the summarised ones of instances `ids` into their days: each
/// day row is locked once, in (app, day) order — the same in every
/// process, so two never wait on each other — its earlier contribution
/// taken out and the current one added.
pub async fn roll_up(conn: &mut PgConnection, ids: &[i64]) -> Result<usize, AppError> {
    let instances = contributions(&mut *conn, ids).await?;
    let mut days: BTreeMap<(i64, NaiveDate), Vec<Instance>> = BTreeMap::new();
    for instance in instances.into_iter().filter(|instance| instance.contribution.summarized) {
        days.entry((instance.app_id, instance.day)).or_default().push(instance);
    }
    let mut rolled = 0;
    for ((app_id, day), instances) in days {
        let mut rollup = lock_day(conn, app_id, day).await?;
        for instance in &instances {
            if let Some(previous) = &instance.previous {
                rollup.subtract(previous);
            }
            rollup.add(&instance.contribution, &instance.users);
        }
        store_day(conn, app_id, day, &rollup).await?;
        let (ids, contributions): (Vec<i64>, Vec<Value>) = instances
            .iter()
            .map(|instance| (instance.id, serde_json::to_value(&instance.contribution).unwrap_or_default()))
            .unzip();
        sqlx::query!(
            "update conference_instances ci set rollup = c.contribution, rolled_up_summary_at = ci.summarized_at
               from unnest($1::int8[], $2::jsonb[]) as c (id, contribution) where ci.id = c.id",
            &ids,
            &contributions,
        )
        .execute(&mut *conn)
        .await?;
        rolled += instances.len();
    }
    Ok(rolled)
}

/// Summarised instances whose roll-up is due (summarised since they were
/// last rolled up, or never), up to `limit`, in (app, start) order and
/// locked; rows another worker holds are skipped.
pub async fn claim_due(conn: &mut PgConnection, limit: i64) -> Result<Vec<i64>, AppError> {
    Ok(sqlx::query_scalar!(
        "select id from conference_instances
          where summarized_at is not null and rolled_up_summary_at is distinct from summarized_at
          order by app_id, started_at limit $1 for update skip locked",
        limit,
    )
    .fetch_all(conn)
    .await?)
}

/// Notes that instance `id` could not be rolled up, so it is not claimed
/// again until it is summarised anew. Until then it counts as it did: by
/// its last contribution, or (never rolled up) from its rows.
pub async fn set_aside(conn: &mut PgConnection, id: i64) -> Result<(), AppError> {
    sqlx::query!("update conference_instances set rolled_up_summary_at = summarized_at where id = $1", id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The day's rollup of `app_id`, locked until the transaction ends (an
/// empty one, created, if there is none yet). Two statements: the select
/// must see a row another transaction created while this one waited.
async fn lock_day(conn: &mut PgConnection, app_id: i64, day: NaiveDate) -> Result<Day, AppError> {
    let (tallies, setup_delays, quality, participants) = Day::default().to_row();
    sqlx::query!(
        "insert into daily_conferences (app_id, day, tallies, setup_delays, quality, participants)
         values ($1, $2, $3, $4, $5, $6) on conflict do nothing",
        app_id,
        day,
        tallies,
        setup_delays,
        quality,
        participants,
    )
    .execute(&mut *conn)
    .await?;
    let row = sqlx::query!(
        "select tallies, setup_delays, quality, participants from daily_conferences
          where app_id = $1 and day = $2 for update",
        app_id,
        day,
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(Day::from_row(row.tallies, &row.setup_delays, &row.quality, &row.participants)?)
}

async fn store_day(conn: &mut PgConnection, app_id: i64, day: NaiveDate, rollup: &Day) -> Result<(), AppError> {
    let (tallies, setup_delays, quality, participants) = rollup.to_row();
    sqlx::query!(
        "update daily_conferences set tallies = $3, setup_delays = $4, quality = $5, participants = $6
          where app_id = $1 and day = $2",
        app_id,
        day,
        tallies,
        setup_delays,
        quality,
        participants,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The days `[first, end)` of `apps`, added up.
pub async fn days(db: impl PgExecutor<'_>, apps: &[i64], first: NaiveDate, end: NaiveDate) -> Result<Day, AppError> {
    let rows = sqlx::query!(
        "select tallies, setup_delays, quality, participants from daily_conferences
          where app_id = any($1) and day >= $2 and day < $3",
        apps,
        first,
        end,
    )
    .fetch_all(db)
    .await?;
    let mut period = Day::default();
    for row in rows {
        period.merge(&Day::from_row(row.tallies, &row.setup_delays, &row.quality, &row.participants)?);
    }
    Ok(period)
}

/// The instances of `apps` that started in `[from, to)` whose day row
/// does not hold what their rows say now: live, summarised (again) since
/// their roll-up, or set aside.
async fn out_of_date(
    db: impl PgExecutor<'_>,
    apps: &[i64],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<i64>, AppError> {
    Ok(sqlx::query_scalar!(
        "select id from conference_instances
          where app_id = any($1) and started_at >= $2 and started_at < $3
            and (rollup is null or summarized_at is null or rolled_up_summary_at is distinct from summarized_at)",
        apps,
        from,
        to,
    )
    .fetch_all(db)
    .await?)
}

/// The rollup of the days `[first, end)` of `apps` as their rows say now:
/// the day rows, corrected by the instances they do not hold as they are
/// (their last contribution taken out, what their rows say added).
pub async fn period(conn: &mut PgConnection, apps: &[i64], first: NaiveDate, end: NaiveDate) -> Result<Day, AppError> {
    let start = |day| midnight(day).ok_or(AppError::NotFound);
    let mut rollup = days(&mut *conn, apps, first, end).await?;
    let pending = out_of_date(&mut *conn, apps, start(first)?, start(end)?).await?;
    for ids in pending.chunks(PENDING_PER_READ) {
        for instance in contributions(&mut *conn, ids).await? {
            if let Some(previous) = &instance.previous {
                rollup.subtract(previous);
            }
            rollup.add(&instance.contribution, &instance.users);
        }
    }
    Ok(rollup)
}

/// Out-of-date instances whose contributions are read per query.
const PENDING_PER_READ: usize = 1000;
