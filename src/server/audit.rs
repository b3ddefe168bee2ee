//! Who did an admin action: a signed-in admin or an operator at the CLI.
//! Every admin action is recorded in `audit_log`, in the transaction that
//! does it, so an action and its record stand or fall together.

use std::net::IpAddr;

use serde_json::{Value, json};
use sqlx::{PgConnection, PgPool};

use super::AppError;
use super::db::apps;
use super::db::audit::{self, AuditFilter, NewRecord};
use crate::api::{AUDIT_PAGE_SIZE, AuditPage, AuditQuery, AuditRow};
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
    insert(conn, kind, user_id, &actor.label(), &action).await
}

/// Appends `action` by the actor `kind`, `user_id`, `label` to the log.
async fn insert(
    conn: &mut PgConnection,
    kind: &str,
    user_id: Option<i64>,
    label: &str,
    action: &Action,
) -> Result<(), AppError> {
    let record = NewRecord {
        actor_kind: kind,
        actor_user_id: user_id,
        actor_label: label,
        action: action.action,
        app_id: action.app_id,
        target: action.target.as_ref().map(|(kind, id)| (*kind, id.as_str())),
        details: &action.details,
    };
    audit::insert(conn, &record).await
}

/// A dashboard sign-in, recorded as `session.login` or `session.login_failed`.
#[derive(Debug, Clone, Copy)]
pub enum SignIn<'a> {
    /// The password was right: the user acts.
    Succeeded {
        /// Database id of the user.
        user_id: i64,
        /// Their sign-in address.
        email: &'a str,
    },
    /// The password was wrong, or no account has the e-mail. Someone
    /// unknown acted (`system`, labelled `sign-in`); the account is the
    /// target when it exists. The e-mail typed is never kept: people type
    /// passwords into that field.
    Failed {
        /// The account the e-mail belongs to, if any.
        user_id: Option<i64>,
    },
}

/// Records `sign_in` from `client`. Never stores the password.
pub async fn record_sign_in(pool: &PgPool, sign_in: SignIn<'_>, client: IpAddr) -> Result<(), AppError> {
    let details = json!({ "address": client.to_string() });
    let mut conn = pool.acquire().await?;
    match sign_in {
        SignIn::Succeeded { user_id, email } => {
            let action =
                Action { action: "session.login", app_id: None, target: Some(("user", user_id.to_string())), details };
            insert(&mut conn, "user", Some(user_id), email, &action).await
        }
        SignIn::Failed { user_id } => {
            let action = Action {
                action: "session.login_failed",
                app_id: None,
                target: user_id.map(|id| ("user", id.to_string())),
                details,
            };
            insert(&mut conn, "system", None, "sign-in", &action).await
        }
    }
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
    Ok(AuditPage { rows: rows.into_iter().map(AuditRow::from).collect(), older })
}

impl From<audit::AuditRow> for AuditRow {
    fn from(row: audit::AuditRow) -> Self {
        AuditRow {
            id: row.id,
            occurred_at: row.occurred_at,
            actor_kind: row.actor_kind,
            actor_label: row.actor_label,
            action: row.action,
            app_public_id: row.app_public_id,
            target_type: row.target_type,
            target_id: row.target_id,
            details: row.details,
        }
    }
}
