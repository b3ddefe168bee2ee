//! The admin pages' form posts.
//!
//! Every admin form posts to its own page's URL, with an `intent` field
//! naming the action. The handler checks the role, does the action through
//! the same code as the CLI (`server::apps`, `server::accounts`) as the
//! signed-in admin, then answers:
//! - done: a redirect back to the page (`?done=<intent>`), so that a reload
//!   does not post again;
//! - done, and a secret was made: the page itself, showing the secret once;
//! - refused: the page itself, with the message beside the field and the
//!   form filled in again, under the error's status (422, 409, 404).
//!
//! Plain form posts work the same with and without JavaScript; cross-site
//! posts are refused by `auth::same_origin_writes`.

mod forms;
mod posted;
mod render;

use axum::routing::post;
use axum::{Extension, Router};

use super::{AppState, Pages};

/// The routes of the admin forms. The pages themselves are Leptos routes
/// on the same paths (GET); a form post answered with its page renders
/// `pages` (handed to each handler as an extension).
pub fn router(pages: Pages) -> Router<AppState> {
    Router::new()
        .route("/admin", post(forms::apps))
        .route("/admin/apps/{app}", post(forms::app))
        .route("/admin/apps/{app}/subject", post(forms::subject))
        .route("/admin/apps/{app}/webhooks/{id}", post(forms::webhook))
        .route("/admin/users", post(forms::users))
        .layer(Extension(pages))
}
