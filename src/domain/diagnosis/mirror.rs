//! One-way media seen from both ends: a stream that one participant sent
//! while the other, reporting the same call, received nothing of that kind.
//! A browser creates an inbound stream's stats only once packets arrive
//! (Chrome does), so media that never arrives leaves no inbound stream to
//! find silent; only the sender's report, set against the receiver's, shows
//! it. Each connection of a mesh has a mirror: the receiver's connection
//! back to the sender.

use std::collections::HashMap;

use chrono::{DateTime, TimeDelta, Utc};

use super::media::NO_PACKETS_SECONDS;
use super::{Direction, Ends, FabricSeries, Finding, IssueKind, Severity, StreamRef, growth};
use crate::domain::quality::MediaKind;

/// What one connection says about the media it carried: all that is kept
/// of its series once it has been diagnosed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Flow {
    /// Each outbound stream that sent packets, and from when to when.
    sent: Vec<(StreamRef, DateTime<Utc>, DateTime<Utc>)>,
    /// The kinds of the inbound streams it reported at all.
    received: Vec<MediaKind>,
    /// Its first and last poll.
    polled: Option<(DateTime<Utc>, DateTime<Utc>)>,
}

impl Flow {
    /// The flow of a connection's series.
    pub fn of(series: &FabricSeries) -> Self {
        let mut flow = Flow::default();
        for track in &series.tracks {
            let (Some(first), Some(last)) = (track.points.first(), track.points.last()) else { continue };
            let polled = flow.polled.get_or_insert((first.at, last.at));
            *polled = (polled.0.min(first.at), polled.1.max(last.at));
            match track.direction {
                Direction::Inbound => flow.received.push(track.kind),
                Direction::Outbound => {
                    let sending: Vec<DateTime<Utc>> = track
                        .points
                        .windows(2)
                        .filter(|pair| {
                            growth(pair[0].packets_sent, pair[1].packets_sent).is_some_and(|sent| sent > 0.0)
                        })
                        .flat_map(|pair| [pair[0].at, pair[1].at])
                        .collect();
                    if let (Some(&from), Some(&to)) = (sending.first(), sending.last()) {
                        flow.sent.push((StreamRef::of(track), from, to));
                    }
                }
            }
        }
        flow
    }
}

/// Streams sent for at least [`NO_PACKETS_SECONDS`] while the receiver,
/// polling its mirror connection all along, reported no inbound stream of
/// that kind: each found on the sender's connection (its index), on the
/// stream it sent. A receiver that reported nothing back, or a media
/// server, tells nothing and is skipped.
pub fn one_way(fabrics: &[(Ends, Flow)]) -> Vec<(usize, Finding)> {
    // Each connection by its two ends, so finding a mirror is one lookup,
    // not a scan of the conference.
    let mut by_ends: HashMap<(&str, &str), Vec<&Flow>> = HashMap::new();
    for (ends, flow) in fabrics.iter().filter(|(ends, _)| !ends.remote_is_server) {
        by_ends.entry((ends.local.as_str(), ends.remote.as_str())).or_default().push(flow);
    }
    let mut findings = Vec::new();
    for (index, (ends, flow)) in fabrics.iter().enumerate() {
        if ends.remote_is_server {
            continue;
        }
        let mirrors = by_ends.get(&(ends.remote.as_str(), ends.local.as_str())).map_or(&[][..], Vec::as_slice);
        for &(stream, from, to) in &flow.sent {
            // A mirror that reported this kind is diagnosed from its own
            // inbound stream (no packets, or a dry one).
            if mirrors.iter().any(|mirror| mirror.received.contains(&stream.kind)) {
                continue;
            }
            let watched = mirrors.iter().find_map(|mirror| {
                let (first, last) = mirror.polled?;
                let (start, end) = (from.max(first), to.min(last));
                (end - start >= TimeDelta::seconds(NO_PACKETS_SECONDS)).then_some((start, end))
            });
            if let Some((start, end)) = watched {
                let mut finding = Finding::new(IssueKind::NoMedia, Severity::Major, start, end);
                finding.stream = Some(stream);
                findings.push((index, finding));
            }
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::diagnosis::testing::{at, inbound, outbound};

    fn ends(local: &str, remote: &str) -> Ends {
        Ends { local: local.to_owned(), remote: remote.to_owned(), remote_is_server: false }
    }

    /// A connection polled `polls` times, 10 s apart, sending audio over its
    /// first `sends` intervals and receiving the given kinds.
    fn series(sends: usize, receives: &[MediaKind], polls: usize) -> FabricSeries {
        let mut tracks =
            vec![outbound(MediaKind::Audio, polls, |i, point| point.packets_sent = Some(50.0 * i.min(sends) as f64))];
        tracks.extend(
            receives
                .iter()
                .map(|&kind| inbound(kind, polls, |i, point| point.packets_received = Some(50.0 * i as f64))),
        );
        FabricSeries { tracks, ..FabricSeries::default() }
    }

    #[test]
    fn audio_sent_that_the_receiver_never_reports_is_one_way() {
        let alice = (ends("alice", "bob"), Flow::of(&series(3, &[MediaKind::Audio, MediaKind::Video], 4)));
        let bob = (ends("bob", "alice"), Flow::of(&series(3, &[MediaKind::Video], 4)));
        let found = one_way(&[alice, bob]);
        assert_eq!(found.len(), 1, "{found:?}");
        let (index, finding) = &found[0];
        assert_eq!((*index, finding.kind, finding.start, finding.end), (0, IssueKind::NoMedia, at(0), at(30)));
        let stream = finding.stream.expect("on the sent stream");
        assert_eq!((stream.direction, stream.kind), (Direction::Outbound, MediaKind::Audio));
    }

    #[test]
    fn a_received_kind_no_mirror_or_a_media_server_is_no_issue() {
        let both = [
            (ends("alice", "bob"), Flow::of(&series(3, &[MediaKind::Audio], 4))),
            (ends("bob", "alice"), Flow::of(&series(3, &[MediaKind::Audio], 4))),
        ];
        assert_eq!(one_way(&both), vec![]);
        let alone = [(ends("alice", "bob"), Flow::of(&series(3, &[], 4)))];
        assert_eq!(one_way(&alone), vec![], "bob reported nothing back");
        let mut server = ends("alice", "sfu");
        server.remote_is_server = true;
        assert_eq!(one_way(&[(server, Flow::of(&series(3, &[], 4)))]), vec![]);
    }

    #[test]
    fn fewer_than_fifteen_seconds_of_sending_is_no_issue() {
        // Alice sends over one 10 s interval: too short; Bob's 30 s are not.
        let short = [
            (ends("alice", "bob"), Flow::of(&series(1, &[], 4))),
            (ends("bob", "alice"), Flow::of(&series(3, &[], 4))),
        ];
        assert_eq!(one_way(&short).iter().map(|(index, _)| *index).collect::<Vec<_>>(), [1]);
        // Over two intervals (20 s) it is.
        let long = [
            (ends("alice", "bob"), Flow::of(&series(2, &[], 4))),
            (ends("bob", "alice"), Flow::of(&series(3, &[], 4))),
        ];
        assert_eq!(one_way(&long).iter().map(|(index, _)| *index).collect::<Vec<_>>(), [0, 1]);
    }
}
