//! The rights of the people in the calls (docs/privacy.md): finding a
//! person within an app by userID, real name or login, exporting what is
//! stored about them, and erasing them. One code path for the CLI
//! (`callscope subject …`) and the admin page; the export and the erase are
//! audited without the identifiers they concern.

use std::collections::HashSet;

use rand::RngCore;
use serde_json::{Map, Value, json};
use sqlx::PgPool;

use super::AppError;
use super::audit::{Action, Actor, record};
use super::db::apps as app_store;
use super::db::subject::{self as store, erase::Erase, export, stats};
use crate::api::{SubjectPerson, SubjectView};
use crate::domain::InvalidField;
use crate::domain::subject::SubjectKey;

/// Identifiers shorter than this (in characters) are replaced only where
/// they are a whole column, not inside free text: "42" inside every SDP
/// would be garbled, and means nothing there.
pub const MIN_TEXT_CHARS: usize = 3;

/// What free text gets instead of a name, login, address or label.
pub const PLACEHOLDER: &str = "[erased]";

/// Addresses that name no one (wildcards and loopback).
const NO_ONE: [&str; 5] = ["0.0.0.0", "127.0.0.1", "::", "::1", "localhost"];

/// What an erase changed: counts only, never an identifier.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Erased {
    /// userIDs erased.
    #[serde(rename = "userIDs")]
    pub user_ids: usize,
    /// Their endpoints.
    pub endpoints: usize,
    /// The conference instances they were in.
    pub conferences: usize,
    /// Rows changed, by table.
    pub changed: Map<String, Value>,
}

/// The people `key` names in app `public_id`, for the admin page.
pub async fn find(pool: &PgPool, public_id: &str, key: Option<&SubjectKey>) -> Result<SubjectView, AppError> {
    let app = app_store::find(pool, public_id).await?.ok_or(AppError::NotFound)?;
    let mut people = Vec::new();
    if let Some(key) = key {
        let mut conn = pool.acquire().await?;
        let user_ids = store::user_ids(&mut conn, app.id, key).await?;
        people = store::people(&mut conn, app.id, &user_ids).await?.into_iter().map(person).collect();
    }
    Ok(SubjectView {
        app_id: app.public_id,
        app_name: app.name,
        by: key.map(|key| key.by().to_owned()),
        value: key.map(|key| key.value().to_owned()),
        people,
    })
}

fn person(row: store::PersonRow) -> SubjectPerson {
    SubjectPerson {
        user_id: row.user_id,
        user_name: row.user_name,
        login_id: row.login_id,
        endpoints: row.endpoints,
        conferences: row.conferences,
        first_seen: row.first_seen,
        last_seen: row.last_seen,
    }
}

/// Everything stored about the person `key` names in app `public_id`, as
/// one JSON document; recorded as `subject.export`.
pub async fn export(pool: &PgPool, actor: &Actor, public_id: &str, key: &SubjectKey) -> Result<Value, AppError> {
    let app = app_store::find(pool, public_id).await?.ok_or(AppError::NotFound)?;
    let mut tx = pool.begin().await?;
    store::repeatable_read(&mut tx).await?;
    let user_ids = known(store::user_ids(&mut tx, app.id, key).await?, key)?;
    let scope = store::scope(&mut tx, app.id, &user_ids).await?;
    let mut document = Map::new();
    document.insert("appID".into(), json!(app.public_id));
    document.insert("lookedUpBy".into(), json!({ key.by(): key.value() }));
    document.insert("userIDs".into(), json!(user_ids));
    document.insert("exportedAt".into(), json!(chrono::Utc::now()));
    for (kind, rows) in export::rows(&mut tx, app.id, &user_ids, &scope).await? {
        if kind == "statsSamples" {
            let full = rows.as_array().is_some_and(|rows| rows.len() as i64 >= stats::STATS_LIMIT);
            document.insert("statsSamplesLimit".into(), json!(stats::STATS_LIMIT));
            document.insert("statsSamplesTruncated".into(), json!(full));
        }
        document.insert(kind.into(), rows);
    }
    let details = json!({
        "by": key.by(), "userIDs": user_ids.len(), "endpoints": scope.endpoints.len(),
        "conferences": scope.instances.len(),
    });
    record(&mut tx, actor, Action { action: "subject.export", app_id: Some(app.id), target: None, details }).await?;
    tx.commit().await?;
    Ok(Value::Object(document))
}

/// Erases the person `key` names in app `public_id` in one transaction:
/// each of their userIDs becomes a random pseudonym everywhere (so
/// distinct counts stay), their names, logins, device IDs, addresses,
/// device labels and comments are removed from every column, jsonb
/// document, SDP and log of the conferences they were in; recorded as
/// `subject.erase` with counts only.
pub async fn erase(pool: &PgPool, actor: &Actor, public_id: &str, key: &SubjectKey) -> Result<Erased, AppError> {
    let app = app_store::find(pool, public_id).await?.ok_or(AppError::NotFound)?;
    let mut tx = pool.begin().await?;
    let user_ids = known(store::user_ids(&mut tx, app.id, key).await?, key)?;
    let scope = store::scope(&mut tx, app.id, &user_ids).await?;
    let pseudonyms: Vec<String> = user_ids.iter().map(|_| pseudonym()).collect();
    // Where others name them: by userID, or by an alias that stood for one.
    let (mut named, mut named_as) = (user_ids.clone(), pseudonyms.clone());
    for (alias, user_id) in store::needles::aliases(&mut tx, &scope.endpoints).await? {
        if let Some(at) = user_ids.iter().position(|id| *id == user_id).filter(|_| !named.contains(&alias)) {
            named.push(alias);
            named_as.push(pseudonyms[at].clone());
        }
    }
    let names = store::needles::names(&mut tx, &scope, &named).await?;
    let addresses = store::needles::addresses(&mut tx, &scope.endpoints).await?;
    let labels = store::needles::device_labels(&mut tx, &scope.endpoints).await?;

    let mut shared = Needles::default();
    for (key, pseudonym) in named.iter().zip(&named_as) {
        shared.add(key, pseudonym);
    }
    names.iter().for_each(|name| shared.add(name, PLACEHOLDER));
    addresses.iter().filter(|a| !NO_ONE.contains(&a.as_str())).for_each(|a| shared.add(a, PLACEHOLDER));
    let mut own = shared.clone();
    labels.iter().for_each(|label| own.add(label, PLACEHOLDER));
    let (own, shared) = (own.sorted(), shared.sorted());

    let plan = Erase {
        app_id: app.id,
        instances: &scope.instances,
        endpoints: &scope.endpoints,
        user_ids: &user_ids,
        pseudonyms: &pseudonyms,
        named: (&named, &named_as),
        own: (&own.0, &own.1),
        shared: (&shared.0, &shared.1),
    };
    let changed = store::erase::run(&mut tx, &plan).await?;
    let erased = Erased {
        user_ids: user_ids.len(),
        endpoints: scope.endpoints.len(),
        conferences: scope.instances.len(),
        changed: changed.into_iter().map(|(table, rows)| (table.to_owned(), json!(rows))).collect(),
    };
    let mut details = serde_json::to_value(&erased).map_err(anyhow::Error::from)?;
    details["by"] = json!(key.by());
    record(&mut tx, actor, Action { action: "subject.erase", app_id: Some(app.id), target: None, details }).await?;
    tx.commit().await?;
    Ok(erased)
}

/// `user_ids`, or a 422 naming `value` when the lookup found no one.
fn known(user_ids: Vec<String>, key: &SubjectKey) -> Result<Vec<String>, AppError> {
    if user_ids.is_empty() {
        return Err(InvalidField::new("value", format!("no one in this app has this {}", key.by())).into());
    }
    Ok(user_ids)
}

/// A random userID that stands for an erased one: unrelated to it, so
/// it cannot be reversed, and new at each erase.
fn pseudonym() -> String {
    let mut bytes = [0u8; 8];
    rand::rng().fill_bytes(&mut bytes);
    format!("erased-{}", bytes.iter().map(|b| format!("{b:02x}")).collect::<String>())
}

/// Strings to take out of text and what each becomes; the first
/// replacement given for a string (any case) wins.
#[derive(Debug, Clone, Default)]
struct Needles {
    seen: HashSet<String>,
    pairs: Vec<(String, String)>,
}

impl Needles {
    fn add(&mut self, needle: &str, replacement: &str) {
        if needle.chars().count() >= MIN_TEXT_CHARS && self.seen.insert(needle.to_lowercase()) {
            self.pairs.push((needle.to_owned(), replacement.to_owned()));
        }
    }

    /// Longest first, so that a name is replaced before a part of it.
    fn sorted(mut self) -> (Vec<String>, Vec<String>) {
        self.pairs.sort_by(|a, b| b.0.chars().count().cmp(&a.0.chars().count()).then_with(|| a.0.cmp(&b.0)));
        self.pairs.into_iter().unzip()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn needles_are_longest_first_once_each_and_never_too_short() {
        let mut needles = Needles::default();
        needles.add("ada", "erased-1");
        needles.add("Ada Lovelace", PLACEHOLDER);
        needles.add("ADA", PLACEHOLDER);
        needles.add("42", PLACEHOLDER);
        let (strings, replacements) = needles.sorted();
        assert_eq!(strings, ["Ada Lovelace", "ada"]);
        assert_eq!(replacements, [PLACEHOLDER, "erased-1"]);
    }

    #[test]
    fn pseudonyms_are_new_each_time() {
        let (a, b) = (pseudonym(), pseudonym());
        assert_ne!(a, b);
        assert!(a.starts_with("erased-") && a.len() == 23, "{a}");
    }
}
