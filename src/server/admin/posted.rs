//! A posted admin form: its intent and its fields, read as the actions need them.

use std::collections::BTreeMap;

use secrecy::SecretString;

use crate::domain::retention::RetentionOverrides;
use crate::domain::{Email, InvalidField, Role};
use crate::server::webhooks;

/// Fields that are never sent back to the browser, not even to refill a form.
const PRIVATE_FIELDS: [&str; 1] = ["password"];

/// A form as posted: its intent and its fields.
pub(super) struct Posted {
    /// The action asked for (the `intent` field).
    pub(super) intent: String,
    fields: BTreeMap<String, String>,
}

impl Posted {
    /// A field posted more than once (checkboxes) keeps every value, joined by commas.
    pub(super) fn new(pairs: Vec<(String, String)>) -> Self {
        let mut fields: BTreeMap<String, String> = BTreeMap::new();
        for (name, value) in pairs {
            fields.entry(name).and_modify(|joined| joined.extend([",", &value])).or_insert(value);
        }
        let intent = fields.remove("intent").unwrap_or_default();
        Self { intent, fields }
    }

    /// The field `name`, empty when it was not posted.
    pub(super) fn get(&self, name: &str) -> &str {
        self.fields.get(name).map_or("", String::as_str)
    }

    pub(super) fn email(&self) -> Result<Email, InvalidField> {
        Email::parse(self.get("email"))
    }

    pub(super) fn role(&self) -> Result<Role, InvalidField> {
        self.get("role").parse()
    }

    pub(super) fn password(&self) -> SecretString {
        SecretString::from(self.get("password").to_owned())
    }

    pub(super) fn id(&self, name: &'static str) -> Result<i64, InvalidField> {
        self.get(name).parse().map_err(|_| InvalidField::new(name, "must be an id"))
    }

    /// The retention form: days per kind of data, empty for the default.
    pub(super) fn retention(&self) -> Result<RetentionOverrides, InvalidField> {
        let days = |name: &'static str| -> Result<Option<u32>, InvalidField> {
            match self.get(name).trim() {
                "" => Ok(None),
                text => text
                    .parse()
                    .map(Some)
                    .map_err(|_| InvalidField::new(name, "must be a number of days, or empty for the default")),
            }
        };
        Ok(RetentionOverrides {
            stats_days: days("statsDays")?,
            detail_days: days("detailDays")?,
            webhook_days: days("webhookDays")?,
        })
    }

    /// The webhook settings of the add and edit forms: the threshold in
    /// percent and the period in minutes, as the forms ask for them.
    pub(super) fn webhook(&self) -> Result<webhooks::Input, InvalidField> {
        let number = |name: &'static str, what: &str| -> Result<Option<f64>, InvalidField> {
            match self.get(name).trim() {
                "" => Ok(None),
                text => text.parse::<f64>().map(Some).map_err(|_| InvalidField::new(name, format!("must be {what}"))),
            }
        };
        let threshold = number("threshold", "a percentage")?.map(|percent| percent / 100.0);
        let minutes = number("interval", "a number of minutes")?;
        Ok(webhooks::Input {
            url: self.get("url").to_owned(),
            reasons: self.get("reasons").split(',').filter(|reason| !reason.is_empty()).map(str::to_owned).collect(),
            trigger_type: self.get("triggerType").to_owned(),
            threshold,
            interval_seconds: minutes.map(|minutes| (minutes * 60.0).round().clamp(0.0, f64::from(i32::MAX)) as i32),
            enabled: !self.get("enabled").is_empty(),
        })
    }

    /// What to fill the form with again: every field but passwords.
    pub(super) fn values(&self) -> BTreeMap<String, String> {
        let mut values = self.fields.clone();
        values.retain(|name, _| !PRIVATE_FIELDS.contains(&name.as_str()));
        values
    }
}
