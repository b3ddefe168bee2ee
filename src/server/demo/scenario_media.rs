//! The media side of a call's timeline: fabricSetup with its ICE
//! candidates, SSRC maps with usage labels, and what users do during the
//! call (mute, pause video, hold, share the screen, speak, change devices,
//! log) — each sent on the peer connections it concerns.

use rand::Rng;
use serde_json::{Value, json};

use super::scenario_call::{Builder, Fabric, Outcome, Remote, Topology};
use super::scenario_errors;
use super::scenario_stats::Quality;

impl Builder<'_> {
    /// The body fields of `fabricSetup`: delays and the candidate pair that won.
    pub(super) fn fabric_setup(&mut self, fabric: &Fabric) -> Value {
        let delay = fabric.setup_at - fabric.added_at;
        let gathering = (delay * self.rng.random_range(0.2..0.4)).round();
        let relay = matches!(self.call.quality, Quality::Poor | Quality::Bad) && self.rng.random_bool(0.5);
        let local_type = if relay { "relay" } else { "srflx" };
        let (remote_address, remote_type) = match fabric.remote {
            Remote::Server => ("203.0.113.10".to_owned(), "host"),
            Remote::Peer(_) => (format!("198.51.100.{}", self.rng.random_range(2..250)), "srflx"),
        };
        let pair = json!({
            "candidateID": format!("{:08x}", self.rng.random::<u32>()),
            "localAddress": format!("192.0.2.{}", self.rng.random_range(2..250)),
            "localPort": self.rng.random_range(49_152..65_535),
            "localCandidateType": local_type,
            "remoteAddress": remote_address,
            "remotePort": if fabric.remote == Remote::Server { 10_000 } else { self.rng.random_range(49_152..65_535) },
            "remoteCandidateType": remote_type,
            "protocol": "udp",
            "transportType": if relay { "turn/udp" } else { "udp" },
        });
        json!({
            "eventType": "fabricSetup",
            "delay": delay.round(),
            "iceGatheringDelay": gathering,
            "iceConnectivityDelay": (delay - gathering).round(),
            "localCandidates": [pair.clone()],
            "remoteCandidates": [pair],
        })
    }

    /// The SSRC map of a fabric: the owner's outgoing tracks and the tracks
    /// it receives, each labelled with its producer's userID and usage.
    pub(super) fn ssrc_map(&self, fabric: &Fabric) -> Value {
        let producers: Vec<usize> = match fabric.remote {
            Remote::Peer(peer) => vec![peer],
            Remote::Server => (0..self.people.len()).filter(|&other| other != fabric.owner).collect(),
        };
        let mut items = self.tracks(fabric.owner, "outbound", fabric.added_at);
        for producer in producers {
            items.extend(self.tracks(producer, "inbound", fabric.added_at));
        }
        json!({ "ssrcData": items })
    }

    fn tracks(&self, producer: usize, stream_type: &str, at_ms: f64) -> Vec<Value> {
        let (audio, video, _) = self.ssrcs[producer];
        let person = &self.people[producer];
        let video_tag =
            if stream_type == "outbound" { "local-video".to_owned() } else { format!("video-{}", person.local_id) };
        [(audio, "audio", "microphone"), (video, "video", "camera")]
            .into_iter()
            .map(|(ssrc, label, usage)| {
                let mut item = json!({
                    "ssrc": ssrc.to_string(), "cname": format!("cname-{:08x}", self.ssrcs[producer].0),
                    "streamType": stream_type, "userID": person.user_id(), "msid": format!("stream-{producer} {label}"),
                    "mslabel": format!("stream-{producer}"), "label": label, "localStartTime": at_ms.round(),
                    "usageLabel": usage,
                });
                if label == "video" {
                    item["associatedVideoTag"] = json!(video_tag);
                }
                item
            })
            .collect()
    }

    /// What the users do during the call, on their live fabrics.
    pub(super) fn media_events(&mut self) {
        let count = self.people.len();
        if self.call.extras.get_user_media_error {
            self.get_user_media_error(count - 1);
        }
        for index in 0..self.fabrics.len() {
            let fabric = self.fabrics[index].clone();
            if fabric.failure.is_none() {
                self.action(fabric.setup_at + 400.0, &fabric, "activeDeviceList", Some(device_list(fabric.owner)));
            }
        }
        if self.call.outcome == Outcome::TotalFailure {
            return;
        }
        self.on_all(0, self.at(0.2), "audioMute");
        self.on_all(0, self.at(0.32), "audioUnmute");
        self.on_all(1, self.at(0.5), "videoPause");
        self.on_all(1, self.at(0.58), "videoResume");
        if self.call.topology == Topology::Mesh {
            let (hold, resume) = (self.at(0.4), self.at(0.52));
            if let Some(fabric) = self.live(2 % count, hold).into_iter().find(|fabric| fabric.end_at > resume) {
                self.action(hold, &fabric, "fabricHold", None);
                self.action(resume, &fabric, "fabricResume", None);
            }
        } else {
            for fraction in [0.1, 0.3, 0.6, 0.85] {
                let speaker = self.rng.random_range(0..count);
                self.on_all(speaker, self.at(fraction), "dominantSpeaker");
            }
        }
        if self.call.extras.screen_share {
            self.screen_share(0, self.at(0.45), self.at(0.7));
        }
        self.log(1, self.at(0.55), false);
        if self.call.extras.long_log {
            self.log(0, self.at(0.8), true);
        }
    }

    /// Queues a getUserMedia failure of `who`, before any peer connection exists.
    fn get_user_media_error(&mut self, who: usize) {
        let report = scenario_errors::get_user_media(&mut self.rng);
        self.post(self.joined_at[who] + 800.0, who, "events/error", report);
    }

    fn screen_share(&mut self, sharer: usize, from: f64, to: f64) {
        for fabric in self.live(sharer, from) {
            let (_, _, screen) = self.ssrcs[sharer];
            let item = json!({
                "ssrc": screen.to_string(), "streamType": "outbound", "userID": self.people[sharer].user_id(),
                "label": "video", "usageLabel": "screen", "associatedVideoTag": "screen-share",
                "localStartTime": from.round(),
            });
            let fields = json!({ "connectionID": fabric.connection_id, "remoteID": self.remote_id(fabric.remote), "ssrcData": [item] });
            self.post(from - 50.0, sharer, "events/ssrcmap", fields);
            self.action(from, &fabric, "screenShareStart", None);
            if fabric.end_at > to {
                self.action(to, &fabric, "screenShareStop", None);
            }
        }
    }

    fn log(&mut self, who: usize, at: f64, long: bool) {
        let Some(fabric) = self.live(who % self.people.len(), at).into_iter().next() else { return };
        let log = scenario_errors::application_log(&fabric.connection_id, long, &mut self.rng);
        self.post(at, fabric.owner, "events/error", log);
    }

    /// `event` on every fabric of `who` that is up at `at`.
    fn on_all(&mut self, who: usize, at: f64, event: &'static str) {
        for fabric in self.live(who % self.people.len(), at) {
            self.action(at, &fabric, event, None);
        }
    }

    fn action(&mut self, at: f64, fabric: &Fabric, event: &'static str, data: Option<Value>) {
        let mut fields = json!({ "connectionID": fabric.connection_id, "remoteID": self.remote_id(fabric.remote), "fabricEvent": event });
        if let Some(data) = data {
            fields["eventData"] = data;
        }
        self.post(at, fabric.owner, "events/fabric/action", fields);
    }

    /// The fabrics of `who` that are set up and not yet terminated at `at`.
    fn live(&self, who: usize, at: f64) -> Vec<Fabric> {
        self.fabrics
            .iter()
            .filter(|fabric| fabric.owner == who && fabric.failure.is_none())
            .filter(|fabric| fabric.setup_at < at && at < fabric.end_at)
            .cloned()
            .collect()
    }
}

fn device_list(owner: usize) -> Value {
    let group = format!("group-{owner}");
    json!({ "mediaDeviceList": [
        { "mediaDeviceID": "default", "kind": "audioinput", "label": "Default - MacBook Pro Microphone", "groupID": group },
        { "mediaDeviceID": format!("cam-{owner}"), "kind": "videoinput", "label": "FaceTime HD Camera", "groupID": group },
        { "mediaDeviceID": "default", "kind": "audiooutput", "label": "Default - MacBook Pro Speakers", "groupID": group },
    ]})
}
