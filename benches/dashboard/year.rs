//! A year of rollups for the overview and the feedback page: the loaded
//! instances (the last 30 days) are rolled up by the real job
//! (`server::rollups`), and the other days of the 365 are given rollups
//! built by `domain::rollup` from generated contributions with the same
//! mix (3 % failures, browsers, app versions, issues, delays, scores),
//! so that the year holds `total` conferences. Loading and summarising
//! ten million instance rows would take hours and measure nothing more:
//! the pages read only the day rows.

use std::time::Instant;

use anyhow::Context;
use callscope::domain::rollup::{Contribution, Day, Tally};
use callscope::server::rollups;
use chrono::{Days, NaiveDate, Utc};
use sqlx::PgPool;

/// Days of the period.
pub const DAYS: u64 = 365;
/// Distinct people the generated conferences are drawn from.
const PEOPLE: u64 = 2_000_003;

/// Rolls up the loaded instances, then fills the rest of the year; the
/// first day of the period.
pub async fn load(pool: &PgPool, app_id: i64, total: i64) -> anyhow::Result<NaiveDate> {
    let started = Instant::now();
    let mut rolled = 0;
    loop {
        let done = rollups::roll_up_due(pool).await?;
        rolled += done;
        if done == 0 {
            break;
        }
    }
    println!("rolled up {rolled} instances with the real job in {:.1} s", started.elapsed().as_secs_f64());

    let today = Utc::now().date_naive();
    let first = today - Days::new(DAYS - 1);
    let covered: Vec<NaiveDate> =
        sqlx::query_scalar("select day from daily_conferences where app_id = $1").bind(app_id).fetch_all(pool).await?;
    let loaded: i64 = sqlx::query_scalar("select count(*) from conference_instances where app_id = $1")
        .bind(app_id)
        .fetch_one(pool)
        .await?;
    let empty: Vec<NaiveDate> = first.iter_days().take(DAYS as usize).filter(|day| !covered.contains(day)).collect();
    let per_day = ((total - loaded).max(0) / empty.len().max(1) as i64) as u64;
    let started = Instant::now();
    for (n, day) in empty.iter().enumerate() {
        let rollup = generated_day(per_day, n as u64);
        let (tallies, delays, quality, participants) = rollup.to_row();
        sqlx::query(
            "insert into daily_conferences (app_id, day, tallies, setup_delays, quality, participants)
             values ($1, $2, $3, $4, $5, $6)",
        )
        .bind(app_id)
        .bind(day)
        .bind(tallies)
        .bind(delays)
        .bind(quality)
        .bind(participants)
        .execute(pool)
        .await
        .context("storing a generated day")?;
    }
    sqlx::query(FEEDBACK_SQL).bind(app_id).bind(first).bind(today).execute(pool).await?;
    println!(
        "generated {} days of {per_day} conferences each in {:.1} s, and a year of feedback rollups",
        empty.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(first)
}

/// A day of `conferences` generated conferences (seeded by `seed`).
fn generated_day(conferences: u64, seed: u64) -> Day {
    let mut day = Day::default();
    let mut state = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..conferences {
        let r = next();
        let people = 2 + r % 3;
        let fail = r % 100;
        let browser = ["Chrome", "Firefox", "Safari"][(r >> 8) as usize % 3].to_owned();
        let version = format!("2.{}", (r >> 12) % 6);
        let kinds: Vec<String> = match (r >> 20) % 10 {
            0 => vec!["highRtt".into()],
            1 => vec!["videoFreezes".into(), "highLoss".into()],
            _ => Vec::new(),
        };
        let contribution = Contribution {
            summarized: true,
            failure_group: match fail {
                0 => Some("totalFailure".into()),
                1..=3 => Some("partialFailure".into()),
                _ => None,
            },
            failures_by_function: if fail < 4 {
                Tally::from(vec![("createOffer".to_owned(), 1)])
            } else {
                Tally::default()
            },
            quality: (fail > 0).then(|| 1.0 + ((r >> 24) % 4000) as f64 / 1000.0),
            setup_delays: (0..people).map(|i| 200 + ((r >> (30 + i)) % 3500) as i32).collect(),
            browsers: Tally::from(vec![(browser.clone(), people as i64)]),
            app_versions: Tally::from(vec![(version.clone(), people as i64)]),
            clients: Tally::from(vec![((browser.clone(), version.clone()), people as i64)]),
            affected: Tally::from(
                kinds.iter().map(|kind| ((kind.clone(), browser.clone(), version.clone()), 1)).collect::<Vec<_>>(),
            ),
            issue_kinds: kinds,
        };
        let users: Vec<String> = (0..people).map(|i| format!("user-{}", (r >> 40).wrapping_add(i) % PEOPLE)).collect();
        day.add(&contribution, &users);
    }
    day
}

/// A year of feedback rollups: each day, five app versions, each kind
/// rated by 20–60 people.
const FEEDBACK_SQL: &str = "
insert into daily_feedback (app_id, day, app_version, kind, rating, count)
select $1, d::date, '2.' || v, k, r, 4 + (abs(hashtext(d::text || v || k || r)) % 9)
  from generate_series($2::date, $3::date, interval '1 day') d,
       generate_series(0, 4) v, unnest(array['overall', 'audio', 'video', 'screen', 'lowest']) k,
       generate_series(1, 5) r
on conflict do nothing";
