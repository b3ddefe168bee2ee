//! Why a webhook notifies: the two reasons callstats documented, the ones
//! its later dashboards offered, and one per kind of diagnosed issue
//! (`docs/webhooks.md`). Stored and sent by name ([`Reason::as_str`]).

use super::diagnosis::IssueKind;

/// A notification reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    /// `failedConferences`: no connection of the conference was set up.
    FailedConferences,
    /// `partiallyFailedConferences`: some connections were set up, some failed.
    PartiallyFailedConferences,
    /// `dissatisfactoryUserFeedback`: a rating of 1 or 2.
    DissatisfactoryUserFeedback,
    /// A conference in which the detectors found this issue; `dropped`,
    /// `slowSetup` and `roundTripTime` go by callstats' names
    /// (`droppedConferences`, `highSetupDelays`, `highRoundTripTime`).
    Issue(IssueKind),
}

/// What a conference must show to count for a reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConferenceMatch {
    /// Its failure group (`totalFailure`, `partialFailure`).
    FailureGroup(&'static str),
    /// An issue among its diagnosed kinds.
    Issue(IssueKind),
}

impl Reason {
    /// Every reason, in the order the admin form lists them.
    pub fn all() -> impl Iterator<Item = Reason> {
        [Reason::FailedConferences, Reason::PartiallyFailedConferences, Reason::DissatisfactoryUserFeedback]
            .into_iter()
            .chain(IssueKind::ALL.into_iter().map(Reason::Issue))
    }

    /// Its name in webhooks, the store and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::FailedConferences => "failedConferences",
            Reason::PartiallyFailedConferences => "partiallyFailedConferences",
            Reason::DissatisfactoryUserFeedback => "dissatisfactoryUserFeedback",
            Reason::Issue(IssueKind::Dropped) => "droppedConferences",
            Reason::Issue(IssueKind::SlowSetup) => "highSetupDelays",
            Reason::Issue(IssueKind::RoundTripTime) => "highRoundTripTime",
            Reason::Issue(kind) => kind.as_str(),
        }
    }

    /// Reads a name written by [`Reason::as_str`].
    pub fn parse(name: &str) -> Option<Reason> {
        Reason::all().find(|reason| reason.as_str() == name)
    }

    /// What a conference must show to count, or none for feedback.
    pub fn conference_match(self) -> Option<ConferenceMatch> {
        match self {
            Reason::FailedConferences => Some(ConferenceMatch::FailureGroup("totalFailure")),
            Reason::PartiallyFailedConferences => Some(ConferenceMatch::FailureGroup("partialFailure")),
            Reason::DissatisfactoryUserFeedback => None,
            Reason::Issue(kind) => Some(ConferenceMatch::Issue(kind)),
        }
    }

    /// The reasons a summarised conference counts for, from its failure
    /// group and the kinds of issue found in it.
    pub fn of_conference(failure_group: Option<&str>, issue_kinds: &[IssueKind]) -> Vec<Reason> {
        Reason::all()
            .filter(|reason| match reason.conference_match() {
                Some(ConferenceMatch::FailureGroup(group)) => failure_group == Some(group),
                Some(ConferenceMatch::Issue(kind)) => issue_kinds.contains(&kind),
                None => false,
            })
            .collect()
    }

    /// What it counts, after "conferences with" or as a list item:
    /// `failed conferences`, `video freezes`.
    pub fn label(self) -> String {
        match self {
            Reason::FailedConferences => "failed conferences".to_owned(),
            Reason::PartiallyFailedConferences => "partially failed conferences".to_owned(),
            Reason::DissatisfactoryUserFeedback => "dissatisfied feedback (rated 1–2)".to_owned(),
            Reason::Issue(kind) => format!("conferences with {}", kind.label()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_reads_back_and_is_unique() {
        let names: Vec<&str> = Reason::all().map(Reason::as_str).collect();
        assert_eq!(names.len(), 3 + IssueKind::ALL.len());
        for reason in Reason::all() {
            assert_eq!(Reason::parse(reason.as_str()), Some(reason));
        }
        let mut unique = names.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), names.len());
        assert_eq!(Reason::parse("dropped"), None, "callstats' name only: {names:?}");
        assert_eq!(Reason::parse("droppedConferences"), Some(Reason::Issue(IssueKind::Dropped)));
        assert_eq!(Reason::parse("highSetupDelays"), Some(Reason::Issue(IssueKind::SlowSetup)));
        assert_eq!(Reason::parse("highRoundTripTime"), Some(Reason::Issue(IssueKind::RoundTripTime)));
    }

    #[test]
    fn a_conference_counts_for_its_failure_and_its_issues() {
        let reasons = Reason::of_conference(Some("partialFailure"), &[IssueKind::Dropped, IssueKind::VideoFreezes]);
        assert_eq!(
            reasons,
            [
                Reason::PartiallyFailedConferences,
                Reason::Issue(IssueKind::VideoFreezes),
                Reason::Issue(IssueKind::Dropped)
            ]
        );
        assert_eq!(Reason::of_conference(Some("totalFailure"), &[]), [Reason::FailedConferences]);
        assert!(Reason::of_conference(None, &[]).is_empty());
    }
}
