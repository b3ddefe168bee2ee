//! The fields of the add-webhook and edit-webhook forms, and how a
//! webhook's settings read on the admin pages.

use leptos::prelude::*;

use crate::api::{FormIntent, FormOutcome, WebhookRow};
use crate::domain::notification::Reason;
use crate::ui::components::{FieldError, FormErrorNotice};

/// The fields of the add and edit forms, as the server names them in errors.
const FIELDS: &[&str] = &["url", "reasons", "triggerType", "threshold", "interval"];

/// What the add and edit forms show in their fields.
#[derive(Debug, Clone)]
pub(crate) struct WebhookValues {
    url: String,
    reasons: Vec<String>,
    trigger_type: String,
    /// Percent, as typed.
    threshold: String,
    /// Minutes, as typed.
    interval: String,
    enabled: bool,
}

impl WebhookValues {
    /// A new webhook's: failed conferences over 10 % in an hour, enabled.
    pub(crate) fn new_webhook() -> Self {
        Self {
            url: String::new(),
            reasons: vec![Reason::FailedConferences.as_str().to_owned()],
            trigger_type: "interval".to_owned(),
            threshold: "10".to_owned(),
            interval: "60".to_owned(),
            enabled: true,
        }
    }

    /// A stored webhook's, in the forms' units.
    pub(crate) fn of(webhook: &WebhookRow) -> Self {
        Self {
            url: webhook.url.clone(),
            reasons: webhook.reasons.clone(),
            trigger_type: webhook.trigger_type.clone(),
            threshold: percent(webhook.threshold),
            interval: minutes(webhook.interval_seconds),
            enabled: webhook.enabled,
        }
    }

    /// What was posted to `intent`'s form when the server refused it, else
    /// these. (A done post leaves no values, and unchecked boxes post nothing.)
    pub(crate) fn refilled(self, outcome: &FormOutcome, intent: impl FormIntent) -> Self {
        if !outcome.is_for(intent) || outcome.error.is_none() {
            return self;
        }
        let posted = |field: &str| outcome.value(intent, field);
        Self {
            url: posted("url"),
            reasons: posted("reasons").split(',').filter(|reason| !reason.is_empty()).map(str::to_owned).collect(),
            trigger_type: posted("triggerType"),
            threshold: posted("threshold"),
            interval: posted("interval"),
            enabled: !posted("enabled").is_empty(),
        }
    }
}

/// The fields of the add and edit forms (`intent`), with their errors.
#[component]
pub(crate) fn WebhookFields<I: FormIntent>(values: WebhookValues, outcome: FormOutcome, intent: I) -> impl IntoView {
    let WebhookValues { url, reasons, trigger_type, threshold, interval, enabled } = values;
    let individual = trigger_type == "individual";
    view! {
        <FormErrorNotice outcome=outcome.clone() intent fields=FIELDS/>
        <label>
            "URL"
            <input name="url" required maxlength="2048" inputmode="url" spellcheck="false"
                placeholder="https://example.com/callscope-webhook" value=url/>
            <FieldError outcome=outcome.clone() intent field="url"/>
        </label>
        <fieldset class="reasons">
            <legend>"Notify about"</legend>
            {Reason::all().map(|reason| {
                let name = reason.as_str();
                view! {
                    <label class="check">
                        <input type="checkbox" name="reasons" value=name checked=reasons.iter().any(|chosen| chosen == name)/>
                        {reason.label()}
                    </label>
                }
            }).collect_view()}
            <FieldError outcome=outcome.clone() intent field="reasons"/>
        </fieldset>
        <div class="webhook-trigger">
            <label>
                "Trigger"
                <select name="triggerType">
                    <option value="interval" selected=!individual>"interval"</option>
                    <option value="individual" selected=individual>"individual"</option>
                </select>
                <FieldError outcome=outcome.clone() intent field="triggerType"/>
            </label>
            <label>
                "Threshold (%)"
                <input type="number" name="threshold" min="0" max="100" step="any" value=threshold/>
                <FieldError outcome=outcome.clone() intent field="threshold"/>
            </label>
            <label>
                "Period (minutes)"
                <input type="number" name="interval" min="1" max="10080" step="any" value=interval/>
                <FieldError outcome intent field="interval"/>
            </label>
        </div>
        <p class="hint">
            "Interval: fires when the share of failed conferences (or of dissatisfied ratings) in a period "
            "exceeds the threshold. Individual: one notification per failed conference or per rating of 1–2. "
            "Threshold and period are used by interval triggers only."
        </p>
        <label class="check">
            <input type="checkbox" name="enabled" value="on" checked=enabled/>
            "Enabled"
        </label>
    }
    .into_any()
}

/// `interval · > 10 % per 60 min`, or `individual`.
pub(crate) fn trigger(webhook: &WebhookRow) -> String {
    match webhook.trigger_type.as_str() {
        "interval" => {
            format!("interval · > {} % per {} min", percent(webhook.threshold), minutes(webhook.interval_seconds))
        }
        other => other.to_owned(),
    }
}

/// The reasons in words, comma-separated.
pub(crate) fn reasons(reasons: &[String]) -> String {
    reasons.iter().map(|reason| reason_label(reason)).collect::<Vec<_>>().join(", ")
}

/// A notification reason in words.
pub(crate) fn reason_label(reason: &str) -> String {
    Reason::parse(reason).map_or_else(|| reason.to_owned(), Reason::label)
}

/// A ratio as a percentage, as short as it is exact: `10`, `12.5`.
fn percent(ratio: f64) -> String {
    // Rounded, so that 0.29 reads as 29 rather than 28.999999999999996.
    ((ratio * 100.0 * 1000.0).round() / 1000.0).to_string()
}

/// Seconds as minutes: `60`, `1.5`.
fn minutes(seconds: i32) -> String {
    ((f64::from(seconds) / 60.0 * 1000.0).round() / 1000.0).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_and_periods_read_in_the_forms_units() {
        assert_eq!(percent(0.1), "10");
        assert_eq!(percent(0.29), "29");
        assert_eq!(percent(0.125), "12.5");
        assert_eq!(minutes(3600), "60");
        assert_eq!(minutes(90), "1.5");
    }
}
