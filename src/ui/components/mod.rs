//! Building blocks shared by several pages.

mod admin_form;
mod app_select;
mod conference_table;
mod empty_state;
mod error_list;
mod error_view;
mod hydration_scripts;
mod live_refresh;
mod page_data;
mod page_title;
mod participants_overview;
mod report_filters;
mod sdp_viewer;
mod search_form;
mod shell;
mod timeline_strip;

pub use admin_form::{
    AdminNav, DoneNotice, FieldError, FormErrorNotice, IntentField, RowAction, SecretOnce, use_form_outcome,
    with_outcome,
};
pub use app_select::AppSelect;
pub use conference_table::ConferenceTable;
pub use empty_state::EmptyState;
pub use error_list::{ErrorList, size};
pub use error_view::ErrorView;
pub use hydration_scripts::NoncedHydrationScripts;
pub use live_refresh::LiveRefresh;
pub use page_data::{PageData, resource_for};
pub use page_title::PageTitle;
pub use participants_overview::ParticipantsOverview;
pub use report_filters::ReportFilters;
pub use sdp_viewer::SdpViewer;
pub use search_form::SearchForm;
pub use shell::Shell;
pub use timeline_strip::TimelineStrip;
