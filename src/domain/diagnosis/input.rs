//! What the detectors read about one fabric: its RTP streams' polls, its
//! candidate pairs' polls and its events, ordered by time.
//!
//! Every figure comes from a client, so it may be absent, negative, NaN or
//! absurd: the loader keeps only finite values (`finite`), and the
//! detectors work on differences between consecutive polls, which they
//! take only when both polls carry the figure and it did not go backwards
//! (a counter reset, or a lie).

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::domain::quality::MediaKind;

/// Whether a stream is received or sent by the fabric's endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Direction {
    /// Received by this endpoint from its peer.
    Inbound,
    /// Sent by this endpoint to its peer.
    Outbound,
}

impl Direction {
    /// `inbound` / `outbound`, as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Inbound => "inbound",
            Direction::Outbound => "outbound",
        }
    }

    /// Reads `inbound` or `outbound`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "inbound" => Some(Direction::Inbound),
            "outbound" => Some(Direction::Outbound),
            _ => None,
        }
    }
}

/// Why the browser lowered what it sends (`qualityLimitationReason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limitation {
    /// Not limited.
    None,
    /// The encoder cannot keep up: the sender's CPU.
    Cpu,
    /// The congestion controller's estimate: the network.
    Bandwidth,
    /// Anything else the browser names (`other`).
    Other,
}

impl Limitation {
    /// Reads the W3C spelling; an unknown word is `Other`.
    pub fn parse(text: &str) -> Self {
        match text {
            "none" => Limitation::None,
            "cpu" => Limitation::Cpu,
            "bandwidth" => Limitation::Bandwidth,
            _ => Limitation::Other,
        }
    }
}

/// One poll of one RTP stream. Counters are cumulative, as `getStats()`
/// reports them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TrackPoint {
    /// When the browser measured it.
    pub at: DateTime<Utc>,
    /// Packets sent (outbound).
    pub packets_sent: Option<f64>,
    /// Packets received (inbound).
    pub packets_received: Option<f64>,
    /// Packets lost: on an inbound stream as this endpoint counts them; on
    /// an outbound one as its peer reported them back (RTCP receiver report).
    pub packets_lost: Option<f64>,
    /// Interarrival jitter, ms.
    pub jitter_ms: Option<f64>,
    /// Round-trip time, ms.
    pub rtt_ms: Option<f64>,
    /// Bits per second over the last poll.
    pub bitrate_bps: Option<f64>,
    /// Frames per second.
    pub frame_rate: Option<f64>,
    /// Frame height, pixels.
    pub frame_height: Option<f64>,
    /// Video freezes so far (`freezeCount`, inbound video).
    pub freeze_count: Option<f64>,
    /// Seconds frozen so far (`totalFreezesDuration`).
    pub freeze_seconds: Option<f64>,
    /// Audio samples concealed so far (`concealedSamples`, inbound audio).
    pub concealed_samples: Option<f64>,
    /// Audio samples received so far (`totalSamplesReceived`).
    pub total_samples: Option<f64>,
    /// Why sending was limited at this poll (outbound video).
    pub limitation: Option<Limitation>,
}

/// One RTP stream of the fabric and its polls, oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct Track {
    /// Its SSRC.
    pub ssrc: i64,
    /// Received or sent.
    pub direction: Direction,
    /// Audio or video.
    pub kind: MediaKind,
    /// Its polls, oldest first.
    pub points: Vec<TrackPoint>,
}

/// A candidate type (`host`, `srflx`, `prflx`, `relay`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CandidateType {
    /// A local interface address.
    Host,
    /// A NAT's public address learnt from STUN.
    ServerReflexive,
    /// An address learnt from a peer's check.
    PeerReflexive,
    /// An address on a TURN server: media goes through it.
    Relay,
}

impl CandidateType {
    /// Reads the W3C spelling.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "host" => Some(CandidateType::Host),
            "srflx" => Some(CandidateType::ServerReflexive),
            "prflx" => Some(CandidateType::PeerReflexive),
            "relay" => Some(CandidateType::Relay),
            _ => None,
        }
    }
}

/// One poll of the fabric's selected candidate pair.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PathPoint {
    /// When the browser measured it.
    pub at: DateTime<Utc>,
    /// The pair's id: a new id is a switch to another path. Shared: the
    /// polls of one pair carry the same texts.
    pub pair_id: Arc<str>,
    /// The local candidate's type.
    pub local_type: Option<CandidateType>,
    /// The remote candidate's type.
    pub remote_type: Option<CandidateType>,
    /// The transport to the peer or relay: `udp` or `tcp`.
    pub protocol: Option<Arc<str>>,
    /// The transport to the TURN server of a relayed local candidate:
    /// `udp`, `tcp` or `tls`.
    pub relay_protocol: Option<Arc<str>>,
    /// The pair's round-trip time, ms (`currentRoundTripTime`).
    pub rtt_ms: Option<f64>,
    /// The congestion controller's estimate of what may be sent, bps.
    pub available_outgoing_bps: Option<f64>,
}

/// A fabric event the detectors read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// The connection was established.
    Setup,
    /// It could not be established.
    SetupFailed,
    /// It was closed by the application.
    Terminated,
    /// ICE was restarted.
    IceRestarted,
    /// ICE (or the connection) reached `failed`.
    IceFailed,
    /// The connection went `disconnected` (or a disruption began).
    Disconnected,
    /// It came back to `connected`/`completed` (or a disruption ended).
    Connected,
}

impl EventKind {
    /// The detectors' reading of a stored fabric event: its kind and, for a
    /// `fabricStateChange`, which state changed and its new value. Events
    /// the detectors do not read are `None`.
    pub fn of_stored(kind: &str, changed_state: Option<&str>, new_state: Option<&str>) -> Option<Self> {
        match kind {
            "fabricSetup" => Some(EventKind::Setup),
            "fabricSetupFailed" => Some(EventKind::SetupFailed),
            "fabricTerminated" => Some(EventKind::Terminated),
            "iceRestarted" => Some(EventKind::IceRestarted),
            "iceFailed" => Some(EventKind::IceFailed),
            "iceDisruptionStart" | "iceConnectionDisruptionStart" => Some(EventKind::Disconnected),
            "iceDisruptionEnd" | "iceConnectionDisruptionEnd" => Some(EventKind::Connected),
            "fabricStateChange" if matches!(changed_state, Some("iceConnectionState" | "connectionState")) => {
                match new_state? {
                    "connected" | "completed" => Some(EventKind::Connected),
                    "disconnected" => Some(EventKind::Disconnected),
                    "failed" => Some(EventKind::IceFailed),
                    _ => None,
                }
            }
            _ => None,
        }
    }
}

/// One event, as the endpoint reported it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event {
    /// When it happened (client clock).
    pub at: DateTime<Utc>,
    /// What happened.
    pub kind: EventKind,
}

/// Everything the detectors read about one fabric.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FabricSeries {
    /// When the application added it.
    pub added_at: Option<DateTime<Utc>>,
    /// Its setup delay, ms, when it was set up.
    pub setup_delay_ms: Option<f64>,
    /// When its setup failed, if it was never set up, and why: the WebRTC
    /// function its endpoint reported failing most, else the failure reason.
    pub setup_failure: Option<(DateTime<Utc>, Option<String>)>,
    /// Its RTP streams.
    pub tracks: Vec<Track>,
    /// Polls of its selected candidate pair, oldest first.
    pub path: Vec<PathPoint>,
    /// Its events, oldest first.
    pub events: Vec<Event>,
}

/// `value` when it is a finite number: what a detector may compare.
pub fn finite(value: Option<f64>) -> Option<f64> {
    value.filter(|value| value.is_finite())
}

/// The growth of a cumulative counter from one poll to the next, when both
/// carry it and it did not go backwards.
pub fn growth(before: Option<f64>, after: Option<f64>) -> Option<f64> {
    let (before, after) = (finite(before)?, finite(after)?);
    (after >= before).then_some(after - before)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_events_read_as_the_detectors_need_them() {
        let read = EventKind::of_stored;
        assert_eq!(read("fabricSetup", None, None), Some(EventKind::Setup));
        assert_eq!(read("iceConnectionDisruptionStart", None, None), Some(EventKind::Disconnected));
        assert_eq!(
            read("fabricStateChange", Some("iceConnectionState"), Some("completed")),
            Some(EventKind::Connected)
        );
        assert_eq!(read("fabricStateChange", Some("connectionState"), Some("failed")), Some(EventKind::IceFailed));
        assert_eq!(read("fabricStateChange", Some("signalingState"), Some("closed")), None);
        assert_eq!(read("fabricStateChange", Some("iceConnectionState"), Some("checking")), None);
        assert_eq!(read("audioMute", None, None), None);
    }

    #[test]
    fn counters_grow_only_forwards_between_finite_polls() {
        assert_eq!(growth(Some(10.0), Some(15.0)), Some(5.0));
        assert_eq!(growth(Some(10.0), Some(3.0)), None, "a reset");
        assert_eq!(growth(Some(f64::NAN), Some(3.0)), None);
        assert_eq!(growth(None, Some(3.0)), None);
        assert_eq!(Limitation::parse("cpu"), Limitation::Cpu);
        assert_eq!(Limitation::parse("CPU"), Limitation::Other);
        assert_eq!(Direction::parse(Direction::Outbound.as_str()), Some(Direction::Outbound));
        assert_eq!(CandidateType::parse("relay"), Some(CandidateType::Relay));
    }
}
