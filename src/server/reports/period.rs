//! What the overview and the feedback page share: the apps a report covers
//! and its period as instants.

use chrono::{DateTime, Days, NaiveDate, Utc};
use sqlx::PgPool;

use crate::api::{AppChoice, CurrentUser, ReportQuery};
use crate::domain::rollup::midnight;
use crate::server::AppError;
use crate::server::db::dashboard;

/// The scope of one report.
pub(super) struct Scope {
    /// Internal ids of the apps covered.
    pub apps: Vec<i64>,
    /// Every app the viewer may pick, by name.
    pub choices: Vec<AppChoice>,
    /// The days shown, both included.
    pub days: (NaiveDate, NaiveDate),
    /// The period as `[from, to)`.
    pub from: DateTime<Utc>,
    /// End of the period (exclusive): midnight after the last day.
    pub to: DateTime<Utc>,
}

impl Scope {
    /// The scope of `query` for `user` as of `now`; `NotFound` for an app
    /// the user may not see.
    pub async fn of(
        pool: &PgPool,
        user: &CurrentUser,
        query: &ReportQuery,
        now: DateTime<Utc>,
    ) -> Result<Self, AppError> {
        let visible = dashboard::visible_apps(pool, user.id, user.role.is_admin()).await?;
        let apps = match &query.app {
            Some(app) => vec![visible.iter().find(|v| &v.public_id == app).ok_or(AppError::NotFound)?.id],
            None => visible.iter().map(|v| v.id).collect(),
        };
        let days = query.days(now.date_naive());
        let from = midnight(days.0).ok_or_else(|| AppError::BadRequest("the period starts too early".into()))?;
        let to = days.1.checked_add_days(Days::new(1)).and_then(midnight);
        let to = to.ok_or_else(|| AppError::BadRequest("the period ends too late".into()))?;
        let choices = visible.into_iter().map(AppChoice::from).collect();
        Ok(Self { apps, choices, days, from, to })
    }
}
