//! One page per file, one file per route.

mod admin;
mod feedback;
mod login;
mod not_found;
mod overview;
mod search;

pub use admin::AdminPage;
pub use feedback::FeedbackPage;
pub use login::LoginPage;
pub use not_found::NotFound;
pub use overview::OverviewPage;
pub use search::SearchPage;
