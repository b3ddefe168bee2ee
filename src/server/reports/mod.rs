//! The dashboard's read side: turns what `db::dashboard` reads into the
//! DTOs of `crate::api`, for one signed-in user. Visibility (granted apps)
//! and privacy (real names) are applied at the query, never after it.
//!
//! A report that takes a [`ReadPool`] may be served by a replica a moment
//! behind the primary; the pages of one conference instance take both pools
//! and choose per instance ([`InstancePools`]).

mod attachments;
mod conference;
mod diagnosis;
mod fabric;
mod fabric_charts;
mod fabric_series;
mod feedback;
mod integration;
mod overview;
mod period;
mod search;
mod timeline;
mod top_issues;

pub use attachments::{error_detail, sdp_snapshot};
pub use conference::conference;
pub use fabric::{fabric, fabric_chart};
pub use feedback::feedback;
pub use integration::integration;
pub use overview::overview;
pub use search::{apps, people, search};

use sqlx::PgPool;

use crate::api::{AppChoice, CurrentUser};
use crate::server::AppError;
use crate::server::db::dashboard::{self, ReadPool, VisibleApp};

/// What one user may read: which apps, and whether real names.
struct Viewer {
    apps: Vec<i64>,
    names: bool,
    user: CurrentUser,
}

impl Viewer {
    async fn of(pool: &PgPool, user: &CurrentUser) -> Result<Self, AppError> {
        let apps = dashboard::visible_apps(pool, user.id, user.role.is_admin()).await?;
        Ok(Self {
            apps: apps.into_iter().map(|app| app.id).collect(),
            names: user.role.sees_user_names(),
            user: user.clone(),
        })
    }
}

/// The pools one conference instance's pages use.
#[derive(Clone, Copy)]
struct InstancePools<'a> {
    /// Its reads: the replica once it has the instance ended, else the
    /// primary (`ReadPool::for_instance`).
    read: &'a PgPool,
    /// Writes the pages make (the audit note of names viewed).
    primary: &'a PgPool,
}

impl<'a> InstancePools<'a> {
    async fn of(primary: &'a PgPool, read: &'a ReadPool, id: i64) -> Result<Self, AppError> {
        Ok(Self { read: read.for_instance(primary, id).await?, primary })
    }
}

impl From<VisibleApp> for AppChoice {
    fn from(app: VisibleApp) -> Self {
        AppChoice { app_id: app.public_id, name: app.name }
    }
}
