//! Dashboard sign-in: password hashing, server-side sessions, role guards.

mod guard;
mod handlers;
mod origin;
pub mod password;
mod session;

pub use guard::{require_role, require_user};
pub use handlers::router;
pub use origin::same_origin_writes;
pub use session::{SESSION_COOKIE, load_session, redirect_signed_out_pages};
