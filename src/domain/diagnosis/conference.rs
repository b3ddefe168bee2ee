//! Conference-level detectors, over who was there rather than one
//! connection's polls: participants who kept leaving and re-joining, and
//! participants never connected to anyone while others were there.

use chrono::{DateTime, Utc};

use super::{Finding, IssueKind, Severity};

/// Re-joins from which churn is major: once is a reload; three times, the
/// call kept failing them (or they gave up on a device).
pub const MAJOR_REJOINS: u32 = 3;

/// One endpoint of a participant: a join, until it left.
#[derive(Debug, Clone, PartialEq)]
pub struct Presence {
    /// The participant (userID).
    pub who: String,
    /// When it joined.
    pub joined: DateTime<Utc>,
    /// When it left, if it did.
    pub left: Option<DateTime<Utc>>,
    /// Connections (fabrics) it reported.
    pub fabrics: u32,
    /// Whether any of them was set up.
    pub connected: bool,
}

/// The conference-level findings of a conference that ended (or was last
/// heard from) at `end`, each with the participant it is about.
pub fn detect(presences: &[Presence], end: DateTime<Utc>) -> Vec<(String, Finding)> {
    let mut people: Vec<&str> = presences.iter().map(|presence| presence.who.as_str()).collect();
    people.sort_unstable();
    people.dedup();
    let mut findings = Vec::new();
    for who in people {
        let mut own: Vec<&Presence> = presences.iter().filter(|presence| presence.who == who).collect();
        own.sort_by_key(|presence| presence.joined);
        let until = |presence: &Presence| presence.left.unwrap_or(end).max(presence.joined);
        let (first, last) = (own[0], own[own.len() - 1]);
        if let Some(finding) = churn(&own) {
            findings.push((who.to_owned(), finding));
        }
        let others_there = presences
            .iter()
            .filter(|other| other.who != who)
            .any(|other| own.iter().any(|presence| other.joined <= until(presence) && presence.joined <= until(other)));
        if others_there && !own.iter().any(|presence| presence.connected) {
            let tried = own.iter().map(|presence| presence.fabrics).fold(0_u32, u32::saturating_add);
            let finding = Finding::new(IssueKind::NeverConnected, Severity::Major, first.joined, until(last)).figures(
                None,
                None,
                Some(tried),
            );
            findings.push((who.to_owned(), finding));
        }
    }
    findings
}

/// A participant who joined more than once: from the first re-join to the
/// last, counted.
fn churn(own: &[&Presence]) -> Option<Finding> {
    let rejoins = u32::try_from(own.len() - 1).unwrap_or(u32::MAX);
    if rejoins == 0 {
        return None;
    }
    let severity = if rejoins >= MAJOR_REJOINS { Severity::Major } else { Severity::Minor };
    Some(Finding::new(IssueKind::Churn, severity, own[1].joined, own[own.len() - 1].joined).figures(
        None,
        None,
        Some(rejoins),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::diagnosis::testing::at;

    fn presence(who: &str, joined: i64, left: Option<i64>, fabrics: u32, connected: bool) -> Presence {
        Presence { who: who.into(), joined: at(joined), left: left.map(at), fabrics, connected }
    }

    fn found(presences: &[Presence]) -> Vec<(String, IssueKind, Severity, Option<u32>)> {
        detect(presences, at(600))
            .into_iter()
            .map(|(who, finding)| (who, finding.kind, finding.severity, finding.count))
            .collect()
    }

    #[test]
    fn leaving_and_rejoining_is_churn_major_from_three_times() {
        let alice = presence("alice", 0, None, 1, true);
        let once = [alice.clone(), presence("bob", 0, Some(60), 1, true), presence("bob", 70, None, 1, true)];
        assert_eq!(found(&once), [("bob".into(), IssueKind::Churn, Severity::Minor, Some(1))]);
        let mut thrice = vec![alice.clone()];
        thrice.extend((0..4).map(|i| presence("bob", i * 100, Some(i * 100 + 50), 1, true)));
        assert_eq!(found(&thrice), [("bob".into(), IssueKind::Churn, Severity::Major, Some(3))]);
        assert_eq!(detect(&thrice, at(600))[0].1.start, at(100), "from the first re-join");
        // Boundary: joined once, however long.
        assert_eq!(found(&[alice, presence("bob", 0, None, 1, true)]), []);
    }

    #[test]
    fn a_participant_never_connected_while_others_were_there() {
        let alice = presence("alice", 0, Some(300), 2, true);
        let carol = presence("carol", 10, Some(200), 3, false);
        assert_eq!(
            found(&[alice.clone(), carol]),
            [("carol".into(), IssueKind::NeverConnected, Severity::Major, Some(3))]
        );
        // Alone: nobody to connect to.
        assert_eq!(found(&[presence("carol", 0, Some(200), 0, false)]), []);
        // Boundary: came after the others had left.
        assert_eq!(found(&[alice.clone(), presence("carol", 301, None, 0, false)]), []);
        // Connected on a later try.
        let retried = [alice, presence("carol", 10, Some(20), 1, false), presence("carol", 30, None, 1, true)];
        assert_eq!(found(&retried), [("carol".into(), IssueKind::Churn, Severity::Minor, Some(1))]);
    }
}
