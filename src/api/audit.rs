use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use super::ApiError;
use super::query_string::{encode, filled, with_query};

/// Records shown per page of the audit log.
pub const AUDIT_PAGE_SIZE: i64 = 50;

/// One audit record: an admin action, or a view of real names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditRow {
    /// Record id (newest is highest).
    pub id: i64,
    /// When.
    pub occurred_at: chrono::DateTime<chrono::Utc>,
    /// `user`, `cli` or `system`.
    pub actor_kind: String,
    /// The actor's email, or `cli@<host>`.
    pub actor_label: String,
    /// Dotted verb.
    pub action: String,
    /// The appID concerned, if any.
    #[serde(rename = "appID")]
    pub app_public_id: Option<String>,
    /// What was acted on.
    pub target_type: Option<String>,
    /// Its id.
    pub target_id: Option<String>,
    /// More about it.
    pub details: serde_json::Value,
}

/// The audit page's filters, as in its URL.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditQuery {
    /// Only this app (appID).
    pub app: Option<String>,
    /// Only this actor: an email, or `cli@<host>`.
    pub actor: Option<String>,
    /// Only actions starting with this, e.g. `app.secret` or `user.`.
    pub action: Option<String>,
    /// Only records older than this id (the next page).
    pub before: Option<i64>,
}

impl AuditQuery {
    /// Reads the filters from a URL query; blank fields are no filter.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut query = AuditQuery::default();
        for (key, value) in filled(pairs) {
            match key {
                "app" => query.app = Some(value.to_owned()),
                "actor" => query.actor = Some(value.to_owned()),
                "action" => query.action = Some(value.to_owned()),
                "before" => query.before = value.parse().ok(),
                _ => {}
            }
        }
        query
    }

    /// The page's URL for these filters.
    pub fn to_url(&self) -> String {
        let query = encode([
            ("app", self.app.clone()),
            ("actor", self.actor.clone()),
            ("action", self.action.clone()),
            ("before", self.before.map(|before| before.to_string())),
        ]);
        with_query("/admin/audit", &query)
    }
}

/// One page of the audit log, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditPage {
    /// The records.
    pub rows: Vec<AuditRow>,
    /// The `before` of the next (older) page, when there is one.
    pub older: Option<i64>,
}

/// The audit records `query` selects. Admins only.
#[server(endpoint = "admin_audit", input = Json)]
pub async fn admin_audit(
    /// The filters.
    query: AuditQuery,
) -> Result<AuditPage, ApiError> {
    crate::server::auth::require_role(crate::domain::Role::Admin)?;
    let state = crate::server::AppState::from_context()?;
    Ok(crate::server::audit::page(&state.pool, &query).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_survive_the_url() {
        let query = AuditQuery {
            app: Some("123456789".into()),
            actor: Some("ops+1@example.com".into()),
            action: Some("app.secret".into()),
            before: Some(42),
        };
        let url = query.to_url();
        assert_eq!(url, "/admin/audit?app=123456789&actor=ops%2B1%40example.com&action=app.secret&before=42");
        let (_, raw) = url.split_once('?').expect("query");
        let decoded: Vec<(String, String)> = raw
            .split('&')
            .map(|pair| pair.split_once('=').expect("pair"))
            .map(|(k, v)| (k.to_owned(), v.replace("%2B", "+").replace("%40", "@")))
            .collect();
        let back = AuditQuery::from_pairs(decoded.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        assert_eq!(back, query);
    }

    #[test]
    fn blank_filters_are_no_filters() {
        let query = AuditQuery::from_pairs([("app", ""), ("actor", "  "), ("action", "user."), ("before", "x")]);
        assert_eq!(query, AuditQuery { action: Some("user.".into()), ..AuditQuery::default() });
        assert_eq!(AuditQuery::default().to_url(), "/admin/audit");
    }
}
