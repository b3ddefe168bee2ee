//! Role guards for server functions: they *return* an error, which stops
//! the function and sets the response status (401 or 403).

use crate::api::CurrentUser;
use crate::domain::Role;
use crate::server::AppError;

/// The signed-in user of the request being served, or `Unauthorized`.
pub fn require_user() -> Result<CurrentUser, AppError> {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<CurrentUser>().cloned())
        .ok_or(AppError::Unauthorized)
}

/// The signed-in user if their role is `role` (admins pass every check).
pub fn require_role(role: Role) -> Result<CurrentUser, AppError> {
    let user = require_user()?;
    if user.role == role || user.role.is_admin() { Ok(user) } else { Err(AppError::Forbidden) }
}
