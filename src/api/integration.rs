use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::{ApiError, AppChoice};

/// One call of the SDK or the collector API an integration should make.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntegrationStep {
    /// The step's name as recorded (`authenticate`, `userJoined`, …).
    pub step: String,
    /// What it is, in words.
    pub title: String,
    /// Whether every integration needs it (else it is optional).
    pub required: bool,
    /// When it was first and last seen succeeding, and how often (counted
    /// at most once a minute per process); `None` when never.
    pub seen: Option<StepSeen>,
    /// What to do when it has not been seen.
    pub hint: String,
}

/// When a step was seen succeeding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepSeen {
    /// First time.
    pub first: DateTime<Utc>,
    /// Last time.
    pub last: DateTime<Utc>,
    /// How many times (sampled).
    pub count: i64,
}

/// The integration page of one app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntegrationView {
    /// The app shown.
    pub app: AppChoice,
    /// Every app the caller may pick.
    pub apps: Vec<AppChoice>,
    /// The steps, in the order an integration makes them.
    pub steps: Vec<IntegrationStep>,
}

/// Integration progress of the app `app` (appID), or of the caller's first
/// app when empty (`None` when the caller may see no app). Any role, for
/// the apps it may see.
#[server(endpoint = "integration_progress")]
pub async fn integration_progress(
    /// The appID; empty for the first app the caller may see.
    app: String,
) -> Result<Option<IntegrationView>, ApiError> {
    let user = crate::server::auth::require_user()?;
    let state = crate::server::AppState::from_context()?;
    // The primary, not the read replica: it is watched for the very first
    // data of an SDK being set up.
    Ok(crate::server::reports::integration(&state.dashboard_pool, &user, &app).await?)
}
