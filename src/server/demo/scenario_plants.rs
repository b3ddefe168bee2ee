//! The diagnosis showcase: two-person calls on a good network, each with
//! one issue planted on the second person's connection, so that
//! `callscope demo` shows the detectors at work — and its tests can check
//! that exactly the planted issues are found, on that connection.

use serde_json::{Value, json};

/// An issue planted in a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plant {
    /// The first person's audio never reaches the second: one-way audio.
    OneWayAudio,
    /// The second person's received video freezes, again and again.
    Freezes,
    /// The second person's media goes through a TURN server over TCP.
    TurnTcp,
    /// The second person's connection restarts ICE halfway.
    IceRestart,
    /// The second person's connection drops halfway and never comes back.
    Drop,
    /// The second person's CPU cannot keep up with encoding video.
    CpuLimited,
}

/// Who carries the planted issue: the call's second person (index 1).
pub const PLANTED_ON: usize = 1;

impl Plant {
    /// Every plant, in the showcase's order.
    pub const ALL: [Plant; 6] =
        [Plant::OneWayAudio, Plant::Freezes, Plant::TurnTcp, Plant::IceRestart, Plant::Drop, Plant::CpuLimited];

    /// The conferenceID of its showcase call.
    pub fn conference_id(self) -> &'static str {
        match self {
            Plant::OneWayAudio => "diagnosis-one-way-audio",
            Plant::Freezes => "diagnosis-video-freezes",
            Plant::TurnTcp => "diagnosis-turn-over-tcp",
            Plant::IceRestart => "diagnosis-ice-restart",
            Plant::Drop => "diagnosis-dropped-call",
            Plant::CpuLimited => "diagnosis-cpu-limited",
        }
    }

    /// The issue kinds the detectors find in its call, by name, sorted.
    pub fn expected(self) -> &'static [&'static str] {
        match self {
            Plant::OneWayAudio => &["noMedia"],
            Plant::Freezes => &["videoFreezes"],
            Plant::TurnTcp => &["relayed", "tcpTransport"],
            Plant::IceRestart => &["iceRestart"],
            Plant::Drop => &["dropped"],
            Plant::CpuLimited => &["cpuLimited"],
        }
    }

    /// When the connection drops, as a share of its time (`Drop` only).
    pub(super) fn dropped_at(self) -> Option<f64> {
        (self == Plant::Drop).then_some(0.5)
    }

    /// Changes the stats poll `stats` of the planted connection, `poll`
    /// polls in; `own_video_ssrc` is what its owner sends.
    pub(super) fn poll(self, stats: &mut Value, poll: u32, own_video_ssrc: u32) {
        match self {
            Plant::OneWayAudio => {
                let audio = &mut stats["tracks"][0];
                for field in ["packetsReceived", "packetsLost", "bytesReceived", "fractionLost", "bitrate"] {
                    audio[field] = json!(0);
                }
            }
            Plant::Freezes => {
                stats["tracks"][1]["freezeCount"] = json!(poll * 2);
                stats["tracks"][1]["totalFreezesDuration"] = json!(f64::from(poll) * 0.8);
            }
            Plant::TurnTcp => {
                let pair = &mut stats["candidatePairs"][0];
                pair["selected"] = json!(true);
                pair["localCandidateType"] = json!("relay");
                pair["localProtocol"] = json!("udp");
                pair["localRelayProtocol"] = json!("tcp");
                pair["remoteCandidateType"] = json!("srflx");
            }
            Plant::CpuLimited => {
                let outbound = json!({
                    "id": format!("OT01V{own_video_ssrc}"), "type": "outbound-rtp", "kind": "video",
                    "ssrc": own_video_ssrc, "packetsSent": poll * 900, "framesPerSecond": 15,
                    "frameWidth": 1280, "frameHeight": 720, "qualityLimitationReason": "cpu",
                });
                if let Some(tracks) = stats["tracks"].as_array_mut() {
                    tracks.push(outbound);
                }
            }
            Plant::IceRestart | Plant::Drop => {}
        }
    }
}
