use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use super::{ApiError, Cursor, FailureGroup, Person, SearchQuery};

/// Rows per page of search results.
pub const PAGE_SIZE: i64 = 25;

/// One page of conferences, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    /// The conferences of this page.
    pub rows: Vec<ConferenceRow>,
    /// Where the next (older) page starts, when there is one.
    pub next: Option<Cursor>,
}

/// One conference instance in a result list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConferenceRow {
    /// Instance id: the conference page is `/conferences/{id}`.
    pub id: i64,
    /// The conferenceID, exactly as the app sent it.
    pub conference_id: String,
    /// The app's name.
    pub app_name: String,
    /// When the first endpoint joined.
    pub started_at: DateTime<Utc>,
    /// When it ended; `None` while live.
    pub ended_at: Option<DateTime<Utc>>,
    /// Its length (so far, while live).
    pub duration_ms: i64,
    /// Distinct participants (userIDs).
    pub participants: i64,
    /// The failure group, once summarised.
    pub failure_group: Option<FailureGroup>,
    /// Lowest per-stream quality score (1..5), once summarised.
    pub worst_quality: Option<f64>,
    /// Number of feedback submissions.
    pub feedback_count: i32,
    /// Lowest rating of any kind.
    pub feedback_min: Option<i16>,
    /// Mean overall rating.
    pub feedback_avg: Option<f64>,
}

/// Conferences matching `query` among the apps the caller may see.
///
/// Engineers find people by userID (alias) only; support and admin also
/// by userName and loginID.
#[server(endpoint = "search_conferences", input = Json)]
pub async fn search_conferences(
    /// What to look for.
    query: SearchQuery,
) -> Result<SearchResults, ApiError> {
    let user = crate::server::auth::require_user()?;
    let state = crate::server::AppState::from_context()?;
    Ok(crate::server::reports::search(&state.read_pool, &user, &query).await?)
}

/// An app in the search form's app filter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppChoice {
    /// The public appID (the `app` query parameter).
    pub app_id: String,
    /// Display name.
    pub name: String,
}

/// The apps the caller may search, by name.
#[server(endpoint = "list_search_apps")]
pub async fn list_search_apps() -> Result<Vec<AppChoice>, ApiError> {
    let user = crate::server::auth::require_user()?;
    let state = crate::server::AppState::from_context()?;
    Ok(crate::server::reports::apps(&state.read_pool, &user).await?)
}

/// Suggestions for the userID field: people whose userID (support and
/// admin: also real name) starts with `prefix`, as the caller may see them.
#[server(endpoint = "suggest_people")]
pub async fn suggest_people(
    /// What has been typed so far.
    prefix: String,
) -> Result<Vec<Person>, ApiError> {
    let user = crate::server::auth::require_user()?;
    let state = crate::server::AppState::from_context()?;
    Ok(crate::server::reports::people(&state.read_pool, &user, &prefix).await?)
}
