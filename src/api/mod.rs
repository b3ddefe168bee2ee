//! Server functions and the DTOs they return.
//!
//! Each function's body runs on the server and calls into `crate::server`;
//! the browser gets a generated stub that POSTs to `/api/<name>`. Every
//! function checks the caller's session and role itself: a page hiding a
//! link is a convenience, the check here is the rule.

mod error;
mod session;
mod users;

pub use error::ApiError;
pub use session::{CurrentUser, GetCurrentUser, get_current_user};
pub use users::{ListUsers, UserRow, list_users};
