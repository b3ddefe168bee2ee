//! Pure domain types shared by the server and the browser: identifiers,
//! enums and their validation rules. Nothing here does I/O.

pub mod bounds;
pub mod diagnosis;
mod email;
pub mod limits;
pub mod notification;
pub mod quality;
pub mod retention;
mod role;
#[cfg(feature = "ssr")]
pub mod rollup;
#[cfg(feature = "ssr")]
pub mod sketch;
pub mod stats;
pub mod subject;

pub use email::Email;
pub use role::Role;

/// A value that failed validation, naming the field and the rule it broke.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct InvalidField {
    /// The name of the field as the user or the wire protocol knows it.
    pub field: &'static str,
    /// What is wrong, in words a user can act on.
    pub message: String,
}

impl InvalidField {
    /// Builds an error for `field`.
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self { field, message: message.into() }
    }
}
