//! Diagnosis: what went wrong in a call, read from one fabric's polls and
//! events by detectors, each a pure function with its threshold and the
//! reason for it (`docs/diagnosis.md` gives the evidence and blind spots).

mod conference;
mod input;
mod media;
mod mirror;
mod network;
mod path;
mod sending;
mod sides;
mod spans;
#[cfg(test)]
mod testing;

use chrono::{DateTime, Utc};

pub use conference::{Presence, detect as detect_conference};
pub use input::{
    CandidateType, Direction, Event, EventKind, FabricSeries, Limitation, PathPoint, Track, TrackPoint, finite, growth,
};
pub use mirror::{Flow, one_way};
pub use sides::{Attribution, Ends, Side, attribute};
pub use spans::{Span, sustained, sustained_below};

use crate::domain::quality::MediaKind;

/// What a detector found. Serialised by its name ([`IssueKind::as_str`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum IssueKind {
    /// An inbound stream that never received a packet: one-way media.
    NoMedia,
    /// An inbound stream that stopped receiving while the connection was up.
    DryTrack,
    /// Received video froze.
    VideoFreezes,
    /// Received video's frame rate fell far below its own usual rate.
    FrameRateCollapse,
    /// Received audio was largely concealed: robotic or choppy sound.
    AudioConcealment,
    /// Sustained packet loss.
    PacketLoss,
    /// Sustained jitter.
    Jitter,
    /// Sustained round-trip time.
    RoundTripTime,
    /// Sending limited by the sender's CPU.
    CpuLimited,
    /// Sending limited by the estimated bandwidth.
    BandwidthLimited,
    /// Sent bitrate far below what the network would carry.
    LowBitrate,
    /// Sent or received resolution fell.
    ResolutionDrop,
    /// Media went through a TURN server.
    Relayed,
    /// Media went over TCP or TLS (to the peer or to a TURN server).
    TcpTransport,
    /// The selected candidate pair changed during the call.
    PathSwitch,
    /// ICE was restarted.
    IceRestart,
    /// The connection dropped out and came back.
    Disconnection,
    /// The connection was up, then failed.
    Dropped,
    /// Setting up the connection took long.
    SlowSetup,
    /// The connection was never set up.
    SetupFailed,
    /// A participant was never connected to anyone while others were there.
    NeverConnected,
    /// A participant left and re-joined.
    Churn,
}

impl IssueKind {
    /// Every kind, in a stable order.
    pub const ALL: [IssueKind; 22] = [
        IssueKind::NoMedia,
        IssueKind::DryTrack,
        IssueKind::VideoFreezes,
        IssueKind::FrameRateCollapse,
        IssueKind::AudioConcealment,
        IssueKind::PacketLoss,
        IssueKind::Jitter,
        IssueKind::RoundTripTime,
        IssueKind::CpuLimited,
        IssueKind::BandwidthLimited,
        IssueKind::LowBitrate,
        IssueKind::ResolutionDrop,
        IssueKind::Relayed,
        IssueKind::TcpTransport,
        IssueKind::PathSwitch,
        IssueKind::IceRestart,
        IssueKind::Disconnection,
        IssueKind::Dropped,
        IssueKind::SlowSetup,
        IssueKind::SetupFailed,
        IssueKind::NeverConnected,
        IssueKind::Churn,
    ];

    /// Its name in URLs, the store and webhooks.
    pub fn as_str(self) -> &'static str {
        match self {
            IssueKind::NoMedia => "noMedia",
            IssueKind::DryTrack => "dryTrack",
            IssueKind::VideoFreezes => "videoFreezes",
            IssueKind::FrameRateCollapse => "frameRateCollapse",
            IssueKind::AudioConcealment => "audioConcealment",
            IssueKind::PacketLoss => "packetLoss",
            IssueKind::Jitter => "jitter",
            IssueKind::RoundTripTime => "roundTripTime",
            IssueKind::CpuLimited => "cpuLimited",
            IssueKind::BandwidthLimited => "bandwidthLimited",
            IssueKind::LowBitrate => "lowBitrate",
            IssueKind::ResolutionDrop => "resolutionDrop",
            IssueKind::Relayed => "relayed",
            IssueKind::TcpTransport => "tcpTransport",
            IssueKind::PathSwitch => "pathSwitch",
            IssueKind::IceRestart => "iceRestart",
            IssueKind::Disconnection => "disconnection",
            IssueKind::Dropped => "dropped",
            IssueKind::SlowSetup => "slowSetup",
            IssueKind::SetupFailed => "setupFailed",
            IssueKind::NeverConnected => "neverConnected",
            IssueKind::Churn => "churn",
        }
    }

    /// Reads a name written by [`IssueKind::as_str`].
    pub fn parse(text: &str) -> Option<Self> {
        IssueKind::ALL.into_iter().find(|kind| kind.as_str() == text)
    }

    /// How the dashboard names it.
    pub fn label(self) -> &'static str {
        match self {
            IssueKind::NoMedia => "one-way media",
            IssueKind::DryTrack => "stopped media",
            IssueKind::VideoFreezes => "video freezes",
            IssueKind::FrameRateCollapse => "frame-rate collapse",
            IssueKind::AudioConcealment => "choppy audio",
            IssueKind::PacketLoss => "packet loss",
            IssueKind::Jitter => "high jitter",
            IssueKind::RoundTripTime => "high round-trip time",
            IssueKind::CpuLimited => "CPU-limited sending",
            IssueKind::BandwidthLimited => "bandwidth-limited sending",
            IssueKind::LowBitrate => "low bitrate",
            IssueKind::ResolutionDrop => "resolution drops",
            IssueKind::Relayed => "relayed media (TURN)",
            IssueKind::TcpTransport => "media over TCP",
            IssueKind::PathSwitch => "path switches",
            IssueKind::IceRestart => "ICE restarts",
            IssueKind::Disconnection => "disconnections",
            IssueKind::Dropped => "dropped connections",
            IssueKind::SlowSetup => "slow setup",
            IssueKind::SetupFailed => "failed setups",
            IssueKind::NeverConnected => "participants never connected",
            IssueKind::Churn => "participants re-joining",
        }
    }
}

/// How much an issue hurts the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// Worth knowing (a relayed path, a short disruption).
    Minor,
    /// People in the call noticed it.
    Major,
}

impl Severity {
    /// Its name, as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Minor => "minor",
            Severity::Major => "major",
        }
    }
}

/// The stream an issue was seen on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StreamRef {
    /// Its SSRC.
    pub ssrc: i64,
    /// Received or sent by the fabric's endpoint.
    pub direction: Direction,
    /// Audio or video.
    pub kind: MediaKind,
}

impl StreamRef {
    fn of(track: &Track) -> Self {
        StreamRef { ssrc: track.ssrc, direction: track.direction, kind: track.kind }
    }
}

/// One issue on one fabric, with the figures that triggered it. Which
/// figures a kind fills, and their unit, `docs/diagnosis.md` lists.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// What was found.
    pub kind: IssueKind,
    /// How much it hurt.
    pub severity: Severity,
    /// When it began.
    pub start: DateTime<Utc>,
    /// When it ended (the last poll or event that showed it).
    pub end: DateTime<Utc>,
    /// The stream it was seen on, when it concerns one.
    pub stream: Option<StreamRef>,
    /// The worst figure of the span.
    pub peak: Option<f64>,
    /// The usual figure of the span (mean), or the figure before it fell.
    pub typical: Option<f64>,
    /// How many times it happened (freezes, switches, disruptions).
    pub count: Option<u32>,
    /// What failed, for a failed setup: a WebRTC function or a failure reason.
    pub detail: Option<String>,
}

impl Finding {
    fn new(kind: IssueKind, severity: Severity, start: DateTime<Utc>, end: DateTime<Utc>) -> Self {
        Finding { kind, severity, start, end, stream: None, peak: None, typical: None, count: None, detail: None }
    }

    fn on(mut self, track: &Track) -> Self {
        self.stream = Some(StreamRef::of(track));
        self
    }

    fn figures(mut self, peak: Option<f64>, typical: Option<f64>, count: Option<u32>) -> Self {
        (self.peak, self.typical, self.count) = (peak, typical, count);
        self
    }

    /// How much it weighs in a ranking: a major issue outweighs any minor
    /// one, and a longer one a shorter one of its severity.
    pub fn impact(&self) -> (Severity, i64) {
        (self.severity, (self.end - self.start).num_seconds().max(0))
    }
}

/// Findings kept per fabric, the ones of most impact: a real call has a
/// handful, and a flapping or hostile series cannot make the conference's
/// attribution of sides (which compares findings pairwise) unbounded.
pub const MAX_FINDINGS_PER_FABRIC: usize = 100;

/// Runs every fabric detector over `fabric`; at most
/// [`MAX_FINDINGS_PER_FABRIC`] findings (the worst), ordered by start.
pub fn diagnose(fabric: &FabricSeries) -> Vec<Finding> {
    let mut findings = Vec::new();
    for track in &fabric.tracks {
        findings.extend(media::detect(track, fabric));
        findings.extend(network::detect(track));
        findings.extend(sending::detect(track, &fabric.path));
    }
    findings.extend(path::detect(fabric));
    if findings.len() > MAX_FINDINGS_PER_FABRIC {
        findings.sort_by_key(|finding| std::cmp::Reverse(finding.impact()));
        findings.truncate(MAX_FINDINGS_PER_FABRIC);
    }
    findings.sort_by_key(|finding| (finding.start, finding.kind));
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::diagnosis::testing::inbound;

    #[test]
    fn every_kind_reads_back_from_its_name() {
        for kind in IssueKind::ALL {
            assert_eq!(IssueKind::parse(kind.as_str()), Some(kind));
            assert_eq!(serde_json::to_value(kind).ok(), Some(serde_json::json!(kind.as_str())), "serde says the same");
        }
        assert_eq!(IssueKind::parse("PacketLoss"), None, "names are case-sensitive");
    }

    #[test]
    fn a_flapping_series_keeps_only_its_worst_findings() {
        // Jitter over the threshold for two polls in every three: 300 spans,
        // the last ten of them longer (four polls).
        let track = inbound(MediaKind::Audio, 960, |i, point| {
            let long_tail = i >= 900 && i % 6 != 5;
            point.jitter_ms = Some(if i % 3 != 2 || long_tail { 50.0 } else { 1.0 });
        });
        let fabric = FabricSeries { tracks: vec![track], ..FabricSeries::default() };
        let found = diagnose(&fabric);
        assert_eq!(found.len(), MAX_FINDINGS_PER_FABRIC);
        let longest = found.iter().filter(|finding| (finding.end - finding.start).num_seconds() == 40).count();
        assert_eq!(longest, 10, "the longest spans are kept");
        assert!(found.windows(2).all(|pair| pair[0].start <= pair[1].start), "ordered by start");
    }
}
