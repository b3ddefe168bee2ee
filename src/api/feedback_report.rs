use chrono::{DateTime, NaiveDate, Utc};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use super::{ApiError, AppChoice, ReportQuery};

/// How one kind of rating (overall, audio, video, screen) was given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RatingDistribution {
    /// `overall`, `audio`, `video` or `screen`.
    pub kind: String,
    /// Ratings of 1, 2, 3, 4 and 5.
    pub counts: [i64; 5],
    /// Their mean, when any.
    pub mean: Option<f64>,
    /// The distribution as an SVG bar chart.
    pub chart: String,
}

/// Feedback of one day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedbackDay {
    /// The day.
    pub day: NaiveDate,
    /// Mean overall rating.
    pub mean_overall: Option<f64>,
    /// Feedback with a rating.
    pub rated: i64,
    /// Of those, with a rating of 1 or 2.
    pub dissatisfied: i64,
}

/// A comment, with its conference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackComment {
    /// The conference instance (link target).
    pub instance_id: i64,
    /// Its conferenceID.
    pub conference_id: String,
    /// When it was submitted.
    pub submitted_at: DateTime<Utc>,
    /// The overall rating given with it.
    pub overall: Option<i16>,
    /// The comment.
    pub comment: String,
}

/// The feedback page: ratings over a period for an app or every app the
/// viewer may see, optionally of one applicationVersion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedbackReport {
    /// The period shown (UTC days, both included).
    pub days: (NaiveDate, NaiveDate),
    /// The filters as asked for.
    pub query: ReportQuery,
    /// Every app the viewer may pick.
    pub apps: Vec<AppChoice>,
    /// applicationVersions that sent feedback in the period.
    pub app_versions: Vec<String>,
    /// Feedback with any rating.
    pub rated: i64,
    /// Of those, with a rating of 1 or 2 (any kind).
    pub dissatisfied: i64,
    /// Overall, audio, video and screen, in that order.
    pub distributions: Vec<RatingDistribution>,
    /// Days with feedback, oldest first.
    pub trend: Vec<FeedbackDay>,
    /// Mean overall rating by day as an SVG line chart.
    pub trend_chart: String,
    /// The newest comments.
    pub comments: Vec<FeedbackComment>,
}

impl FeedbackReport {
    /// Share of rated feedback with a 1 or 2, 0–1.
    pub fn dissatisfied_share(&self) -> Option<f64> {
        (self.rated > 0).then(|| self.dissatisfied as f64 / self.rated as f64)
    }
}

/// The feedback report for `query`. Any role, over the apps it may see.
#[server(endpoint = "get_feedback_report", input = Json)]
pub async fn get_feedback_report(
    /// App, period and applicationVersion.
    query: ReportQuery,
) -> Result<FeedbackReport, ApiError> {
    let user = crate::server::auth::require_user()?;
    let state = crate::server::AppState::from_context()?;
    Ok(crate::server::reports::feedback(&state.read_pool, &user, query, Utc::now()).await?)
}
