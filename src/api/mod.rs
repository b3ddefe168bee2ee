//! Server functions and the DTOs they return.
//!
//! Each function's body runs on the server and calls the `crate::server`
//! module that serves it, which reads the store (`server::db`, never named
//! here) and maps its rows to these DTOs; the browser gets a generated stub
//! that POSTs to `/api/<name>`. Every
//! function checks the caller's session and role itself: a page hiding a
//! link is a convenience, the check here is the rule.

mod admin_apps;
mod attachments;
mod audit;
mod conference;
mod error;
mod fabric;
mod feedback_report;
mod form_intent;
mod form_outcome;
mod integration;
mod overview;
mod person;
mod query_string;
mod report_query;
mod search;
mod search_query;
mod session;
mod site_assets;
mod subject;
mod users;
mod webhooks;

pub use admin_apps::{
    AdminApp, AdminApps, AppDetail, AppRetention, AppSummary, Grantee, KeyRow, OriginRow, SecretRow, admin_app,
    admin_apps,
};
pub use attachments::{ErrorDetail, GetErrorDetail, GetSdpSnapshot, SdpDetail, get_error_detail, get_sdp_snapshot};
pub use audit::{AUDIT_PAGE_SIZE, AdminAudit, AuditPage, AuditQuery, AuditRow, admin_audit};
pub use conference::{
    ConferenceSummary, ConferenceView, DiagnosisLine, ErrorRow, FabricRow, FeedbackRow, GetConference, InstanceLink,
    Participant, PrecallResult, get_conference,
};
pub use error::ApiError;
pub use fabric::{ChartView, FabricView, FirstMedia, GetFabric, SdpSnapshot, TimelineEntry, TimelineKind, get_fabric};
pub use feedback_report::{
    FeedbackComment, FeedbackDay, FeedbackReport, GetFeedbackReport, RatingDistribution, get_feedback_report,
};
pub use form_intent::{AppIntent, AppsIntent, FormIntent, SubjectIntent, UsersIntent, WebhookIntent};
pub use form_outcome::{FormError, FormOutcome, SecretKind, ShownSecret};
pub use integration::{IntegrationProgress, IntegrationStep, IntegrationView, StepSeen, integration_progress};
pub use overview::{ClientShare, DelayPercentiles, GetOverview, IssueTrend, OverviewView, get_overview};
pub use person::Person;
pub use report_query::{DEFAULT_DAYS, ReportQuery};
pub use search::{
    AppChoice, ConferenceRow, ListSearchApps, PAGE_SIZE, SearchConferences, SearchResults, SuggestPeople,
    list_search_apps, search_conferences, suggest_people,
};
pub use search_query::{Cursor, FailureGroup, SearchQuery, format_time};
pub use session::{CurrentUser, GetCurrentUser, get_current_user};
pub use site_assets::SiteAssets;
pub use subject::{AdminSubject, SubjectPerson, SubjectView, admin_subject};
pub use users::{AdminUsers, UserRow, UserView, UsersView, admin_users};
pub use webhooks::{
    AdminWebhook, AttemptRow, DELIVERY_LOG_SIZE, DeliveryRow, WebhookDetail, WebhookRow, admin_webhook,
};
