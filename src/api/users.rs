use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::{ApiError, AppChoice};
use crate::domain::Role;

/// One dashboard user.
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

/// A user in the admin list, with the apps granted to them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserView {
    /// The account.
    pub user: UserRow,
    /// Apps granted (ignored for admins, who see every app), by name.
    pub apps: Vec<AppChoice>,
}

/// The admin users page: every user, and every app that can be granted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsersView {
    /// Every user, oldest first.
    pub users: Vec<UserView>,
    /// Every app, by name.
    pub apps: Vec<AppChoice>,
}

/// Every dashboard user with their grants. Admins only.
#[server(endpoint = "admin_users")]
pub async fn admin_users() -> Result<UsersView, ApiError> {
    let admin = crate::server::auth::require_role(Role::Admin)?;
    let state = crate::server::AppState::from_context()?;
    Ok(crate::server::accounts::view(&state.pool, &admin).await?)
}
