//! One page per file, one file per route.

mod admin;
mod conference;
mod error_detail;
mod fabric;
mod feedback;
mod integration;
mod login;
mod not_found;
mod overview;
mod sdp_detail;
mod search;

pub use admin::{AdminAppPage, AdminAppsPage, AdminAuditPage, AdminSubjectPage, AdminUsersPage, AdminWebhookPage};
pub use conference::ConferencePage;
pub use error_detail::ErrorDetailPage;
pub use fabric::FabricPage;
pub use feedback::FeedbackPage;
pub use integration::IntegrationPage;
pub use login::LoginPage;
pub use not_found::NotFound;
pub use overview::OverviewPage;
pub use sdp_detail::SdpDetailPage;
pub use search::SearchPage;
