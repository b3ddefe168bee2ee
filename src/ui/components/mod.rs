//! Building blocks shared by several pages.

mod empty_state;
mod error_view;
mod shell;

pub use empty_state::EmptyState;
pub use error_view::ErrorView;
pub use shell::Shell;
