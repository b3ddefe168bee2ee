//! Dashboard sign-in: password hashing, server-side sessions, role guards,
//! sign-in throttling, and the client address and limits shared with the
//! collector's `/authenticate`.

mod client_addr;
mod guard;
mod handlers;
mod limits;
mod next_path;
mod origin;
pub mod password;
mod session;
pub mod throttle;

pub use client_addr::{ClientAddr, client_addr};
pub use guard::{require_role, require_user};
pub use handlers::router;
pub use limits::AuthLimits;
pub use next_path::{DEFAULT_NEXT, safe_next};
pub use origin::same_origin_writes;
pub use session::{SESSION_COOKIE, load_session, redirect_signed_out_pages};
