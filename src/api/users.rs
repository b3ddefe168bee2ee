use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::ApiError;
use crate::domain::Role;

/// One dashboard user in the admin list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    /// Database id.
    pub id: i64,
    /// Sign-in address.
    pub email: String,
    /// Role.
    pub role: Role,
    /// When the account was created.
    pub created_at: DateTime<Utc>,
    /// Set when the account was disabled.
    pub disabled: bool,
}

/// Every dashboard user, oldest first. Admins only.
#[server(endpoint = "list_users")]
pub async fn list_users() -> Result<Vec<UserRow>, ApiError> {
    use crate::server::{auth, db};
    auth::require_role(Role::Admin)?;
    let state = crate::server::AppState::from_context()?;
    Ok(db::users::list(&state.pool).await?)
}
