//! Server functions and the DTOs they return.
//!
//! Each function's body runs on the server and calls into `crate::server`;
//! the browser gets a generated stub that POSTs to `/api/<name>`. Every
//! function checks the caller's session and role itself: a page hiding a
//! link is a convenience, the check here is the rule.

mod conference;
mod error;
mod fabric;
mod person;
mod search;
mod search_query;
mod session;
mod users;

pub use conference::{
    ConferenceSummary, ConferenceView, ErrorRow, FabricRow, FeedbackRow, GetConference, InstanceLink, Participant,
    PrecallResult, get_conference,
};
pub use error::ApiError;
pub use fabric::{ChartView, FabricView, FirstMedia, GetFabric, SdpSnapshot, TimelineEntry, TimelineKind, get_fabric};
pub use person::Person;
pub use search::{
    AppChoice, ConferenceRow, ListSearchApps, PAGE_SIZE, SearchConferences, SearchResults, SuggestPeople,
    list_search_apps, search_conferences, suggest_people,
};
pub use search_query::{Cursor, FailureGroup, SearchQuery, format_time};
pub use session::{CurrentUser, GetCurrentUser, get_current_user};
pub use users::{ListUsers, UserRow, list_users};
