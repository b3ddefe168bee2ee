use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::FormIntent;

/// What an admin form post came to, when the server answers it with the
/// page itself rather than a redirect: a field error (with what was typed,
/// to fill the form again), or a secret to show exactly once.
///
/// The server provides it as context while rendering; the page reads it
/// through a resource, so it reaches hydration in the page's data and is
/// gone on the next navigation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormOutcome {
    /// Which form was posted (its `intent` field, as posted).
    pub intent: String,
    /// What was wrong, if anything.
    pub error: Option<FormError>,
    /// The fields as posted, passwords left out.
    pub values: BTreeMap<String, String>,
    /// A secret just created.
    pub secret: Option<ShownSecret>,
}

impl FormOutcome {
    /// Whether `intent`'s form was posted.
    pub fn is_for(&self, intent: impl FormIntent) -> bool {
        self.intent == intent.as_str()
    }

    /// The error of `field` when `intent`'s form was posted.
    pub fn field_error(&self, intent: impl FormIntent, field: &str) -> Option<String> {
        self.error.as_ref().filter(|error| self.is_for(intent) && error.field == field).map(|e| e.message.clone())
    }

    /// The error of `intent`'s form that names none of `fields`.
    pub fn form_error(&self, intent: impl FormIntent, fields: &[&str]) -> Option<String> {
        self.error
            .as_ref()
            .filter(|error| self.is_for(intent) && !fields.contains(&error.field.as_str()))
            .map(ToString::to_string)
    }

    /// What was typed into `field` of `intent`'s form, to fill it again.
    pub fn value(&self, intent: impl FormIntent, field: &str) -> String {
        if self.is_for(intent) { self.values.get(field).cloned().unwrap_or_default() } else { String::new() }
    }
}

/// A form error, naming the field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormError {
    /// The field's name in the form; empty for the form as a whole.
    pub field: String,
    /// What is wrong, in words the admin can act on.
    pub message: String,
}

/// "field: message", or the message alone for the form as a whole.
impl std::fmt::Display for FormError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.field.is_empty() { f.write_str(&self.message) } else { write!(f, "{}: {}", self.field, self.message) }
    }
}

/// A secret just created: the only time its value is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShownSecret {
    /// What the secret is for.
    pub kind: SecretKind,
    /// The appID.
    pub app_id: String,
    /// The secret's id (an app secret's, or the webhook's).
    pub secret_id: i64,
    /// The secret's label.
    pub label: String,
    /// The secret.
    pub value: String,
}

/// What a shown secret is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SecretKind {
    /// An app secret, for `/authenticate`.
    App,
    /// A webhook's signing secret.
    Webhook,
}
