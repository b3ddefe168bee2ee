use chrono::NaiveDate;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use super::{ApiError, AppChoice, ReportQuery};
use crate::domain::diagnosis::IssueKind;

/// Setup delay percentiles over a period's fabrics, ms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DelayPercentiles {
    /// Fabrics with a setup delay.
    pub count: i64,
    /// Shortest.
    pub min: i32,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 95th percentile.
    pub p95: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Longest.
    pub max: i32,
}

/// One of the period's most common issues: how many conferences had it,
/// then and in the period of the same length before, and the clients
/// whose connections had it most often.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IssueTrend {
    /// The kind.
    pub kind: IssueKind,
    /// Summarised conferences of the period that had it.
    pub conferences: i64,
    /// Those of the period before (as long, ending where this one starts).
    pub previous: i64,
    /// App versions whose connections had it most often, worst share first.
    pub app_versions: Vec<ClientShare>,
    /// Browsers whose connections had it most often, worst share first.
    pub browsers: Vec<ClientShare>,
}

/// The connections of one app version or browser, and how many had an issue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientShare {
    /// The applicationVersion or browser name, as the client reported it.
    pub client: String,
    /// Its connections that had the issue.
    pub affected: i64,
    /// Its connections in the period's summarised conferences.
    pub connections: i64,
}

impl ClientShare {
    /// `affected` over `connections`, 0–1.
    pub fn share(&self) -> f64 {
        if self.connections > 0 { self.affected as f64 / self.connections as f64 } else { 0.0 }
    }
}

/// The overview of an app, or of every app the viewer may see, over a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverviewView {
    /// The period shown (UTC days, both included).
    pub days: (NaiveDate, NaiveDate),
    /// The filters as asked for.
    pub query: ReportQuery,
    /// Every app the viewer may pick.
    pub apps: Vec<AppChoice>,
    /// Conferences that started in the period.
    pub conferences: i64,
    /// Of those, ended and summarised.
    pub summarized: i64,
    /// Distinct userIDs that joined them.
    pub participants: i64,
    /// Summarised conferences with no fabric ever set up.
    pub total_failures: i64,
    /// Summarised conferences with some fabrics set up and some failed.
    pub partial_failures: i64,
    /// Reported errors by WebRTC function (`wrtcFuncName`), most first.
    pub failures_by_function: Vec<(String, i64)>,
    /// Setup delays, when any fabric was set up.
    pub setup_delay: Option<DelayPercentiles>,
    /// Median conference quality score (MOS), when any was scored.
    pub median_quality: Option<f64>,
    /// Conferences by quality band, worst first.
    pub quality_bands: Vec<(String, i64)>,
    /// The quality bands as an SVG bar chart.
    pub quality_chart: String,
    /// Endpoints by browser, most first (ten at most).
    pub browsers: Vec<(String, i64)>,
    /// Endpoints by applicationVersion, most first (ten at most).
    pub app_versions: Vec<(String, i64)>,
    /// The issues most conferences had, most first (five at most).
    pub top_issues: Vec<IssueTrend>,
}

impl OverviewView {
    /// Share of summarised conferences that failed wholly or partly, 0–1.
    pub fn failure_rate(&self) -> Option<f64> {
        (self.summarized > 0).then(|| (self.total_failures + self.partial_failures) as f64 / self.summarized as f64)
    }
}

/// The overview for `query`. Any role, over the apps it may see.
#[server(endpoint = "get_overview", input = Json)]
pub async fn get_overview(
    /// App and period.
    query: ReportQuery,
) -> Result<OverviewView, ApiError> {
    let user = crate::server::auth::require_user()?;
    let state = crate::server::AppState::from_context()?;
    Ok(crate::server::reports::overview(&state.read_pool, &user, query, chrono::Utc::now()).await?)
}
