//! A posted admin form: its intent and its fields, read as the actions need them.

use std::collections::BTreeMap;

use secrecy::SecretString;
use serde::de::value::{Error as DecodeError, MapDeserializer};

use crate::api::FormIntent;
use crate::domain::retention::RetentionOverrides;
use crate::domain::{Email, InvalidField, Role};
use crate::server::{AppError, webhooks};

/// Fields that are never sent back to the browser, not even to refill a form.
const PRIVATE_FIELDS: [&str; 1] = ["password"];

/// A form as posted: its intent and its fields.
pub(super) struct Posted {
    /// The action asked for (the `intent` field), as posted.
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

    /// The posted form read into its page's actions `I`: refused when the
    /// page has no action of that name.
    pub(super) fn intent<I: FormIntent + serde::de::DeserializeOwned>(&self) -> Result<I, AppError> {
        let form = [("intent", self.intent.as_str())]
            .into_iter()
            .chain(self.fields.iter().map(|(name, value)| (name.as_str(), value.as_str())));
        I::deserialize(MapDeserializer::<_, DecodeError>::new(form))
            .map_err(|_| AppError::BadRequest(format!("this page has no action {:?}", self.intent)))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{AppIntent, AppsIntent, SubjectIntent, UsersIntent, WebhookIntent};

    /// Each of the page's actions, posted as its form posts it (the hidden
    /// `intent` field beside the form's own fields), reads back as itself;
    /// serde writes the same name as the page's hidden field.
    fn every_action_reads_back_as_posted<I>()
    where
        I: FormIntent + serde::Serialize + serde::de::DeserializeOwned,
    {
        for &intent in I::ALL {
            let pairs = vec![
                ("name".to_owned(), "x".to_owned()),
                ("intent".to_owned(), intent.as_str().to_owned()),
                ("reasons".to_owned(), "failed_conferences".to_owned()),
            ];
            assert_eq!(Posted::new(pairs).intent::<I>().ok(), Some(intent), "{intent:?}");
            assert_eq!(
                serde_json::to_value(intent).ok(),
                Some(serde_json::json!({ "intent": intent.as_str() })),
                "{intent:?}"
            );
            assert_eq!(I::parse(intent.as_str()), Some(intent));
        }
        let unknown = Posted::new(vec![("intent".to_owned(), "drop_everything".to_owned())]);
        assert!(
            matches!(unknown.intent::<I>(), Err(AppError::BadRequest(message)) if message.contains("drop_everything"))
        );
        assert!(Posted::new(Vec::new()).intent::<I>().is_err(), "a post without an intent is refused");
    }

    #[test]
    fn the_apps_page_reads_back_each_action_its_forms_post() {
        every_action_reads_back_as_posted::<AppsIntent>();
    }

    #[test]
    fn the_app_page_reads_back_each_action_its_forms_post() {
        every_action_reads_back_as_posted::<AppIntent>();
    }

    #[test]
    fn the_webhook_page_reads_back_each_action_its_forms_post() {
        every_action_reads_back_as_posted::<WebhookIntent>();
    }

    #[test]
    fn the_subject_page_reads_back_each_action_its_forms_post() {
        every_action_reads_back_as_posted::<SubjectIntent>();
    }

    #[test]
    fn the_users_page_reads_back_each_action_its_forms_post() {
        every_action_reads_back_as_posted::<UsersIntent>();
    }

    #[test]
    fn an_action_of_another_page_is_refused() {
        let posted = Posted::new(vec![("intent".to_owned(), AppIntent::Rename.as_str().to_owned())]);
        assert!(posted.intent::<UsersIntent>().is_err());
    }
}
