//! What an interval webhook's evaluation counts over its period: the
//! whole UTC days inside it from the daily rollups, corrected as the
//! overview's are (`rollups::period`), the hours around them from the rows.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use super::rollups;
use crate::domain::notification::ConferenceMatch;
use crate::domain::rollup::Cut;
use crate::server::AppError;

/// How many of a period's conferences or feedback matched, of how many.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Ratio {
    /// Failed conferences, or dissatisfied feedback.
    pub actual: i64,
    /// Summarised conferences, or feedback with a rating.
    pub total: i64,
}

impl std::ops::AddAssign for Ratio {
    fn add_assign(&mut self, other: Ratio) {
        self.actual += other.actual;
        self.total += other.total;
    }
}

/// Of the summarised conferences of `app_id` that started in the period
/// `cut`, those that show `counted`: a failure group, or an issue (what
/// `/search?failureGroup=…` or `/search?issue=…` lists).
pub async fn conferences_with(
    conn: &mut PgConnection,
    app_id: i64,
    counted: ConferenceMatch,
    cut: &Cut,
) -> Result<Ratio, AppError> {
    let (group, issue) = match counted {
        ConferenceMatch::FailureGroup(group) => (Some(group), None),
        ConferenceMatch::Issue(kind) => (None, Some(kind.as_str())),
    };
    let mut ratio = Ratio::default();
    if let Some((first, end)) = cut.days {
        let tallies = rollups::period(&mut *conn, &[app_id], first, end).await?.tallies;
        let matched = match counted {
            ConferenceMatch::FailureGroup(group) => tallies.failure_groups.get(&group.to_owned()),
            ConferenceMatch::Issue(kind) => tallies.issue_kinds.get(&kind.as_str().to_owned()),
        };
        ratio += Ratio { actual: matched, total: tallies.summarized };
    }
    for &part in &cut.parts {
        ratio += conferences_in_rows(conn, app_id, group, issue, part).await?;
    }
    Ok(ratio)
}

/// The counts of [`conferences_with`] from the rows of `[from, to)`.
async fn conferences_in_rows(
    conn: &mut PgConnection,
    app_id: i64,
    group: Option<&str>,
    issue: Option<&str>,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
) -> Result<Ratio, AppError> {
    Ok(sqlx::query_as!(
        Ratio,
        r#"select (count(*) filter (where failure_group = $4 or $5 = any(issue_kinds))) as "actual!",
                  count(*) as "total!"
             from conference_instances
            where app_id = $1 and started_at >= $2 and started_at < $3 and summarized_at is not null"#,
        app_id,
        from,
        to,
        group,
        issue,
    )
    .fetch_one(conn)
    .await?)
}

/// Of the rated feedback of `app_id` submitted in the period `cut`, those
/// with a rating of 1 or 2 (as the feedback page counts them).
pub async fn dissatisfied_feedback(conn: &mut PgConnection, app_id: i64, cut: &Cut) -> Result<Ratio, AppError> {
    let mut ratio = Ratio::default();
    if let Some((first, end)) = cut.days {
        ratio += sqlx::query_as!(
            Ratio,
            r#"select coalesce(sum(count) filter (where rating <= 2), 0)::bigint as "actual!",
                      coalesce(sum(count), 0)::bigint as "total!"
                 from daily_feedback where app_id = $1 and day >= $2 and day < $3 and kind = 'lowest'"#,
            app_id,
            first,
            end,
        )
        .fetch_one(&mut *conn)
        .await?;
    }
    for &(from, to) in &cut.parts {
        ratio += sqlx::query_as!(
            Ratio,
            r#"select (count(*) filter (where min_rating <= 2)) as "actual!", count(*) as "total!"
                 from feedback
                where app_id = $1 and submitted_at >= $2 and submitted_at < $3 and min_rating is not null"#,
            app_id,
            from,
            to,
        )
        .fetch_one(&mut *conn)
        .await?;
    }
    Ok(ratio)
}
