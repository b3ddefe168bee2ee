//! Whose side an issue was on: the sender's uplink, the receiver's
//! downlink, a device, or the path between two participants when the
//! conference cannot tell.
//!
//! A stream's trouble shows at the receiver, whoever caused it. Which other
//! streams of the conference show it too tells the cause apart: if what
//! one participant sends is degraded at every receiver while the same
//! receivers get others' media cleanly, it is the sender's uplink; if one
//! receiver gets everyone's media degraded while others receive the same
//! sender cleanly, it is that receiver's downlink. A media server (SFU)
//! at the far end is taken as well connected, so a participant's
//! connection to it is their own uplink (outbound) or downlink (inbound).

use super::{Direction, Finding, IssueKind};

/// Who is at each end of one fabric, by participant key (the userID).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ends {
    /// The endpoint that reported the fabric.
    pub local: String,
    /// Its peer: another participant, or a media server.
    pub remote: String,
    /// Whether the peer is a media server rather than a participant.
    pub remote_is_server: bool,
}

/// Where an issue lies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// What `who` sends: their network upstream.
    Uplink,
    /// What `who` receives: their network downstream.
    Downlink,
    /// `who`'s own machine (a CPU that cannot keep up).
    Device,
    /// Between `who` and `peer`: the conference cannot tell which end.
    Between,
    /// `who` as a participant of the conference, not one connection.
    Participant,
}

impl Side {
    /// Its name, as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Uplink => "uplink",
            Side::Downlink => "downlink",
            Side::Device => "device",
            Side::Between => "between",
            Side::Participant => "participant",
        }
    }

    /// Reads a name written by [`Side::as_str`].
    pub fn parse(text: &str) -> Option<Self> {
        [Side::Uplink, Side::Downlink, Side::Device, Side::Between, Side::Participant]
            .into_iter()
            .find(|side| side.as_str() == text)
    }
}

/// A side and the participants it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribution {
    /// Where the issue lies.
    pub side: Side,
    /// The participant it lies with (for `Between`, the one that saw it).
    pub who: String,
    /// The other participant, for `Between`.
    pub peer: Option<String>,
}

/// Kinds whose cause is the network that carried the stream.
fn carried_by_network(kind: IssueKind) -> bool {
    use IssueKind::*;
    matches!(kind, NoMedia | DryTrack | VideoFreezes | FrameRateCollapse | AudioConcealment | PacketLoss | Jitter)
}

/// The side of every finding of a conference: `fabrics[i]` holds the ends
/// of fabric `i` and its findings; the answer has one attribution per
/// finding, in the same order.
pub fn attribute(fabrics: &[(Ends, Vec<Finding>)]) -> Vec<Vec<Attribution>> {
    fabrics
        .iter()
        .map(|(ends, findings)| findings.iter().map(|finding| attribute_one(ends, finding, fabrics)).collect())
        .collect()
}

fn attribute_one(ends: &Ends, finding: &Finding, conference: &[(Ends, Vec<Finding>)]) -> Attribution {
    let between = || Attribution { side: Side::Between, who: ends.local.clone(), peer: Some(ends.remote.clone()) };
    let Some(stream) = finding.stream else { return between() };
    let (sender, receiver) = match stream.direction {
        Direction::Inbound => (&ends.remote, &ends.local),
        Direction::Outbound => (&ends.local, &ends.remote),
    };
    let on = |side, who: &String| Attribution { side, who: who.clone(), peer: None };
    match finding.kind {
        IssueKind::CpuLimited => return on(Side::Device, &ends.local),
        IssueKind::BandwidthLimited | IssueKind::LowBitrate => return on(Side::Uplink, &ends.local),
        kind if !carried_by_network(kind) && kind != IssueKind::ResolutionDrop => return between(),
        _ => {}
    }
    if ends.remote_is_server {
        return match stream.direction {
            Direction::Inbound => on(Side::Downlink, &ends.local),
            Direction::Outbound => on(Side::Uplink, &ends.local),
        };
    }
    // The same kind of trouble, at the same time, on another stream of the
    // conference: from the same sender to someone else, or to the same
    // receiver from someone else.
    let seen_elsewhere = |sending: &dyn Fn(&str, &str) -> bool| {
        conference.iter().any(|(other, findings)| {
            findings.iter().any(|other_finding| {
                let Some(other_stream) = other_finding.stream else { return false };
                let (other_sender, other_receiver) = match other_stream.direction {
                    Direction::Inbound => (&other.remote, &other.local),
                    Direction::Outbound => (&other.local, &other.remote),
                };
                other_finding.kind == finding.kind
                    && other_finding.start <= finding.end
                    && finding.start <= other_finding.end
                    && sending(other_sender, other_receiver)
            })
        })
    };
    let sender_elsewhere = seen_elsewhere(&|s, r| s == sender && r != receiver);
    let receiver_elsewhere = seen_elsewhere(&|s, r| r == receiver && s != sender);
    match (sender_elsewhere, receiver_elsewhere) {
        (true, false) => on(Side::Uplink, sender),
        (false, true) => on(Side::Downlink, receiver),
        _ => Attribution { side: Side::Between, who: receiver.clone(), peer: Some(sender.clone()) },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::diagnosis::testing::at;
    use crate::domain::diagnosis::{Severity, StreamRef};
    use crate::domain::quality::MediaKind;

    fn ends(local: &str, remote: &str) -> Ends {
        Ends { local: local.to_owned(), remote: remote.to_owned(), remote_is_server: false }
    }

    fn loss(direction: Direction, from: i64) -> Finding {
        Finding {
            kind: IssueKind::PacketLoss,
            severity: Severity::Major,
            start: at(from),
            end: at(from + 60),
            stream: Some(StreamRef { ssrc: 1, direction, kind: MediaKind::Video }),
            peak: Some(12.0),
            typical: Some(10.0),
            count: None,
            detail: None,
        }
    }

    fn sides(conference: &[(Ends, Vec<Finding>)]) -> Vec<(Side, String)> {
        attribute(conference).into_iter().flatten().map(|attribution| (attribution.side, attribution.who)).collect()
    }

    #[test]
    fn what_every_receiver_of_one_sender_loses_is_the_senders_uplink() {
        // Bob's video is lost at Alice and at Carol; Carol receives Alice cleanly.
        let conference = [
            (ends("alice", "bob"), vec![loss(Direction::Inbound, 0)]),
            (ends("carol", "bob"), vec![loss(Direction::Inbound, 30)]),
            (ends("carol", "alice"), vec![]),
        ];
        assert_eq!(sides(&conference), [(Side::Uplink, "bob".into()), (Side::Uplink, "bob".into())]);
    }

    #[test]
    fn what_one_receiver_loses_from_everyone_is_its_downlink() {
        let conference = [
            (ends("alice", "bob"), vec![loss(Direction::Inbound, 0)]),
            (ends("alice", "carol"), vec![loss(Direction::Inbound, 0)]),
            (ends("carol", "bob"), vec![]),
        ];
        assert_eq!(sides(&conference), [(Side::Downlink, "alice".into()), (Side::Downlink, "alice".into())]);
    }

    #[test]
    fn two_people_alone_or_issues_at_other_times_cannot_be_told_apart() {
        let alone = [(ends("alice", "bob"), vec![loss(Direction::Inbound, 0)])];
        let attribution = &attribute(&alone)[0][0];
        assert_eq!((attribution.side, attribution.who.as_str()), (Side::Between, "alice"));
        assert_eq!(attribution.peer.as_deref(), Some("bob"));
        // Carol loses Bob's media too, but an hour later: no evidence.
        let apart = [
            (ends("alice", "bob"), vec![loss(Direction::Inbound, 0)]),
            (ends("carol", "bob"), vec![loss(Direction::Inbound, 3600)]),
        ];
        assert!(sides(&apart).iter().all(|(side, _)| *side == Side::Between));
    }

    #[test]
    fn a_media_servers_participant_owns_both_directions_and_cpu_is_the_device() {
        let server = Ends { remote_is_server: true, ..ends("alice", "sfu") };
        let mut cpu = loss(Direction::Outbound, 0);
        cpu.kind = IssueKind::CpuLimited;
        let conference = [(server, vec![loss(Direction::Inbound, 0), loss(Direction::Outbound, 0), cpu])];
        assert_eq!(
            sides(&conference),
            [(Side::Downlink, "alice".into()), (Side::Uplink, "alice".into()), (Side::Device, "alice".into())]
        );
        assert_eq!(Side::parse(Side::Between.as_str()), Some(Side::Between));
    }
}
