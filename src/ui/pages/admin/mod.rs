//! The admin pages: apps, their credentials and webhooks, users, the audit log.
//! Their data comes from admin-only server functions, so other roles get a
//! 403 and an explanation whatever link they followed; their forms post to
//! the page's own URL (see `server::admin`).

mod app;
mod apps;
mod audit;
mod retention;
mod subject;
mod users;
mod webhook;
mod webhook_form;

pub use app::AdminAppPage;
pub use apps::AdminAppsPage;
pub use audit::AdminAuditPage;
pub use subject::AdminSubjectPage;
pub use users::AdminUsersPage;
pub use webhook::AdminWebhookPage;

use chrono::{DateTime, Utc};

use crate::ui::format;

/// A time as the admin tables show it, or "never".
fn when(at: Option<DateTime<Utc>>) -> String {
    at.map_or_else(|| "never".to_owned(), format::time)
}
