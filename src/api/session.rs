use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::ApiError;
use crate::domain::Role;

/// The signed-in dashboard user, as the UI needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    /// Database id.
    pub id: i64,
    /// Sign-in address.
    pub email: String,
    /// What the user may see and do.
    pub role: Role,
}

/// The user of the current session; [`ApiError::Unauthorized`] without one.
#[server(endpoint = "get_current_user")]
pub async fn get_current_user() -> Result<CurrentUser, ApiError> {
    Ok(crate::server::auth::require_user()?)
}
