//! Who did an admin action: a signed-in admin or an operator at the CLI.
//! Every admin action is recorded in `audit_log`, in the transaction that
//! does it, so an action and its record stand or fall together.

use serde_json::Value;
use sqlx::{PgConnection, PgPool};

use super::AppError;
use super::db::apps;
use super::db::audit::{self, AuditFilter};
use crate::api::{AUDIT_PAGE_SIZE, AuditPage, AuditQuery};
use crate::domain::InvalidField;

/// Who acts.
#[derive(Debug, Clone)]
pub enum Actor {
    /// A signed-in dashboard user.
    User {
        /// Database id.
        id: i64,
        /// Their sign-in address, kept in the record as it was.
        email: String,
    },
    /// The command line, on this host.
    Cli,
}

impl Actor {
    /// The dashboard user's id, if a user acts.
    pub fn user_id(&self) -> Option<i64> {
        match self {
            Actor::User { id, .. } => Some(*id),
            Actor::Cli => None,
        }
    }

    /// How the actor reads in the audit log: an email, or `cli@<host>`.
    pub fn label(&self) -> String {
        match self {
            Actor::User { email, .. } => email.clone(),
            Actor::Cli => {
                let host = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
                format!("cli@{}", host.trim())
            }
        }
    }
}

/// One admin action to record.
pub struct Action {
    /// Dotted verb, e.g. `app.secret.revoke`.
    pub action: &'static str,
    /// The app concerned (internal id), if any.
    pub app_id: Option<i64>,
    /// What was acted on: `("user", "12")`, `("app_secret", "7")`, …
    pub target: Option<(&'static str, String)>,
    /// More about it; never a secret, token or password.
    pub details: Value,
}

/// Records `action` by `actor` on `conn` (the action's transaction).
pub async fn record(conn: &mut PgConnection, actor: &Actor, action: Action) -> Result<(), AppError> {
    let (kind, user_id) = match actor {
        Actor::User { id, .. } => ("user", Some(*id)),
        Actor::Cli => ("cli", None),
    };
    audit::insert(conn, kind, user_id, &actor.label(), &action).await
}

/// One page of the audit log for the admin page, newest first.
pub async fn page(pool: &PgPool, query: &AuditQuery) -> Result<AuditPage, AppError> {
    let app_id = match &query.app {
        Some(public_id) => Some(
            apps::find(pool, public_id)
                .await?
                .ok_or_else(|| InvalidField::new("app", format!("no app has the appID {public_id}")))?
                .id,
        ),
        None => None,
    };
    let filter = AuditFilter {
        app_id,
        actor: query.actor.as_deref(),
        action_prefix: query.action.as_deref(),
        before: query.before,
        // One more than shown tells whether an older page exists.
        limit: AUDIT_PAGE_SIZE + 1,
    };
    let mut rows = audit::list(pool, &filter).await?;
    let older = if rows.len() as i64 > AUDIT_PAGE_SIZE {
        rows.truncate(AUDIT_PAGE_SIZE as usize);
        rows.last().map(|row| row.id)
    } else {
        None
    };
    Ok(AuditPage { rows, older })
}
