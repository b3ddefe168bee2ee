//! How long callscope keeps each kind of data, in days: defaults from the
//! configuration, overridden per app. Validated so that no setting can
//! leave rows behind whose parents are gone: raw stats samples (which have
//! no foreign key) never outlive the conference detail they belong to.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::InvalidField;

/// The fewest days a setting may keep: a day, so a running call's data is
/// never removed under it.
pub const MIN_DAYS: u32 = 1;
/// The most days a setting may keep: ten years.
pub const MAX_DAYS: u32 = 3650;

/// Days each kind of an app's data is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Retention {
    /// Raw stats samples (`stats_samples`).
    pub stats_days: u32,
    /// Conference detail: events, errors and logs, SDPs, ICE candidates,
    /// SSRC maps, call details, system status and pre-call tests, counted
    /// from the conference's end.
    pub detail_days: u32,
    /// Webhook deliveries and their attempts, once finished.
    pub webhook_days: u32,
}

impl Default for Retention {
    /// 30 days of samples, 180 of conference detail, 30 of deliveries.
    fn default() -> Self {
        Self { stats_days: 30, detail_days: 180, webhook_days: 30 }
    }
}

/// An app's own settings; `None` keeps the configured default.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RetentionOverrides {
    /// Overrides [`Retention::stats_days`].
    pub stats_days: Option<u32>,
    /// Overrides [`Retention::detail_days`].
    pub detail_days: Option<u32>,
    /// Overrides [`Retention::webhook_days`].
    pub webhook_days: Option<u32>,
}

/// What a run of the retention job removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Removed {
    /// Daily stats partitions dropped.
    pub stats_partitions: i64,
    /// Stats rows deleted from partitions that stay.
    pub stats_rows: i64,
    /// Conferences whose detail was removed.
    pub detail_conferences: i64,
    /// The rows of that detail, all tables together.
    pub detail_rows: i64,
    /// Finished webhook deliveries deleted, with their attempts.
    pub webhook_deliveries: i64,
    /// Audit records deleted.
    pub audit_records: i64,
    /// Whether the run stopped at its budget with work left for the next.
    pub incomplete: bool,
}

/// The retention job's last run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RetentionRun {
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// When it finished; none while it runs (or if it died).
    pub finished_at: Option<DateTime<Utc>>,
    /// What it removed.
    pub removed: Removed,
    /// Why it failed, if it did.
    pub error: Option<String>,
}

impl Retention {
    /// The settings `overrides` makes of these defaults.
    pub fn with(self, overrides: RetentionOverrides) -> Self {
        Self {
            stats_days: overrides.stats_days.unwrap_or(self.stats_days),
            detail_days: overrides.detail_days.unwrap_or(self.detail_days),
            webhook_days: overrides.webhook_days.unwrap_or(self.webhook_days),
        }
    }

    /// What the retention job applies: samples kept no longer than the
    /// detail even when a default changed beneath an app's own setting.
    pub fn applied(self) -> Self {
        Self { stats_days: self.stats_days.min(self.detail_days), ..self }
    }

    /// Each setting within [`MIN_DAYS`]..=[`MAX_DAYS`], and samples kept no
    /// longer than the detail of their conference.
    pub fn validate(self) -> Result<Self, InvalidField> {
        for (field, days) in
            [("statsDays", self.stats_days), ("detailDays", self.detail_days), ("webhookDays", self.webhook_days)]
        {
            if !(MIN_DAYS..=MAX_DAYS).contains(&days) {
                return Err(InvalidField::new(field, format!("must be {MIN_DAYS} to {MAX_DAYS} days, not {days}")));
            }
        }
        if self.stats_days > self.detail_days {
            return Err(InvalidField::new(
                "statsDays",
                format!(
                    "stats cannot be kept longer ({} days) than the conference detail they belong to ({} days)",
                    self.stats_days, self.detail_days
                ),
            ));
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_replace_only_what_they_set() {
        let overrides = RetentionOverrides { stats_days: Some(1), ..RetentionOverrides::default() };
        assert_eq!(
            Retention::default().with(overrides),
            Retention { stats_days: 1, detail_days: 180, webhook_days: 30 }
        );
        assert_eq!(Retention::default().with(RetentionOverrides::default()), Retention::default());
    }

    #[test]
    fn settings_are_bounded_and_samples_never_outlive_their_conference() {
        assert_eq!(Retention::default().validate(), Ok(Retention::default()));
        let zero = Retention { webhook_days: 0, ..Retention::default() };
        assert_eq!(zero.validate().map_err(|error| error.field), Err("webhookDays"));
        let forever = Retention { detail_days: MAX_DAYS + 1, ..Retention::default() };
        assert_eq!(forever.validate().map_err(|error| error.field), Err("detailDays"));
        let orphans = Retention { stats_days: 200, ..Retention::default() };
        assert_eq!(orphans.validate().map_err(|error| error.field), Err("statsDays"));
        let equal = Retention { stats_days: 180, ..Retention::default() };
        assert_eq!(equal.validate(), Ok(equal));
        assert_eq!(orphans.applied().stats_days, 180, "the job never keeps samples past their detail");
    }
}
