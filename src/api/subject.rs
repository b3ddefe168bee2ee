//! The admin page of one person's data in an app: who a userID, real name
//! or login names, for an export or an erase (docs/privacy.md).

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::ApiError;

/// One userID the lookup found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubjectPerson {
    /// The userID.
    pub user_id: String,
    /// The newest real name sent for it.
    pub user_name: Option<String>,
    /// The newest login sent for it.
    pub login_id: Option<String>,
    /// Endpoints (joins) under it.
    pub endpoints: i64,
    /// Conference instances it was in.
    pub conferences: i64,
    /// Its first join.
    pub first_seen: DateTime<Utc>,
    /// Its last join.
    pub last_seen: DateTime<Utc>,
}

/// What the page shows: the app, the lookup, and whom it found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubjectView {
    /// The appID.
    pub app_id: String,
    /// The app's name.
    pub app_name: String,
    /// What was looked up by (`userID`, `userName`, `loginID`), if anything was.
    pub by: Option<String>,
    /// The value looked up.
    pub value: Option<String>,
    /// The userIDs found, sorted.
    pub people: Vec<SubjectPerson>,
}

/// The people of app `app` whose `by` (`userID`, `userName` or `loginID`)
/// is `value`; nothing is looked up while `value` is empty. Admins only.
#[server(endpoint = "admin_subject")]
pub async fn admin_subject(
    /// The appID.
    app: String,
    /// `userID`, `userName` or `loginID`.
    by: String,
    /// The identifier, exactly as stored.
    value: String,
) -> Result<SubjectView, ApiError> {
    crate::server::auth::require_role(crate::domain::Role::Admin)?;
    let state = crate::server::AppState::from_context()?;
    let key = if value.is_empty() {
        None
    } else {
        Some(crate::domain::subject::SubjectKey::parse(&by, &value).map_err(crate::server::AppError::from)?)
    };
    Ok(crate::server::subject::find(&state.pool, &app, key.as_ref()).await?)
}
