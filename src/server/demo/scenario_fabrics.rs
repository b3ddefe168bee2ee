//! The fabrics of a call: which endpoints connect to whom, which
//! connections fail and why, and the requests of each — addNewFabric, then
//! the SSRC map, fabricSetup, stats every 10 s and fabricTerminated, or the
//! reported error and fabricSetupFailed.

use rand::Rng;
use rand::rngs::StdRng;
use serde_json::{Value, json};

use super::scenario_call::{Action, Builder, Fabric, Outcome, Remote, Step, Topology};
use super::scenario_errors::Failure;
use super::scenario_plants::{PLANTED_ON, Plant};
use super::scenario_stats::{Quality, StatsSeries, stats_body};

impl Builder<'_> {
    /// Plans the fabrics: who connects to whom, and which connections fail.
    pub(super) fn plan_fabrics(&mut self) {
        let count = self.people.len();
        let failed_pair = (1, count - 1);
        for owner in 0..count {
            let remotes: Vec<Remote> = match self.call.topology {
                Topology::Mesh => (0..count).filter(|&peer| peer != owner).map(Remote::Peer).collect(),
                Topology::Sfu => vec![Remote::Server],
            };
            for remote in remotes {
                let ready = match remote {
                    Remote::Peer(peer) => self.joined_at[owner].max(self.joined_at[peer]),
                    Remote::Server => self.joined_at[owner],
                };
                let added_at = ready + self.rng.random_range(300.0..1_500.0);
                let failure = match (self.call.outcome, remote) {
                    (Outcome::TotalFailure, _) => Some(total_failure(self.fabrics.len())),
                    (Outcome::PartialFailure, Remote::Peer(peer))
                        if (owner, peer) == failed_pair || (peer, owner) == failed_pair =>
                    {
                        Some(Failure::Transport)
                    }
                    (Outcome::PartialFailure, Remote::Server) if owner == 1 => Some(Failure::Negotiation),
                    _ => None,
                };
                self.add_fabric(owner, remote, added_at, failure);
                if failure.is_some() && remote == Remote::Server && self.call.outcome == Outcome::PartialFailure {
                    // The application retries with a new peer connection, which works.
                    let retry_at = self.fabrics[self.fabrics.len() - 1].end_at + 3_000.0;
                    self.add_fabric(owner, remote, retry_at, None);
                }
            }
        }
    }

    fn add_fabric(&mut self, owner: usize, remote: Remote, added_at: f64, failure: Option<Failure>) {
        let (setup_at, end_at) = match failure {
            Some(failure) => {
                let failed_at = added_at + failure.delay_ms(&mut self.rng);
                (failed_at, failed_at)
            }
            None => {
                let delay = setup_delay_ms(self.call.quality, &mut self.rng);
                let leaves = match remote {
                    Remote::Peer(peer) => self.left_at[owner].min(self.left_at[peer]),
                    Remote::Server => self.left_at[owner],
                };
                (added_at + delay, leaves - 2_000.0)
            }
        };
        let connection_id = format!("pc-{:012x}", self.rng.random::<u64>() & 0xffff_ffff_ffff);
        self.fabrics.push(Fabric { owner, remote, connection_id, added_at, failure, setup_at, end_at });
    }

    /// addNewFabric, then either setup, SSRC map and stats until the
    /// fabric terminates, or the error and fabricSetupFailed.
    pub(super) fn fabric_requests(&mut self, index: usize) {
        let fabric = self.fabrics[index].clone();
        let remote_id = self.remote_id(fabric.remote);
        let mut added = json!({
            "connectionID": fabric.connection_id, "remoteID": remote_id, "fabricUsage": "multiplex",
            "fabricAttributes": {
                "remoteEndpointType": if fabric.remote == Remote::Server { "server" } else { "peer" },
                "fabricTransmissionDirection": self.direction(fabric.owner),
            },
        });
        if let Remote::Peer(peer) = fabric.remote {
            added["remoteUserID"] = self.people[peer].user_id();
        }
        self.post(fabric.added_at, fabric.owner, "events/fabric/added", added);
        let header = json!({ "connectionID": fabric.connection_id, "remoteID": remote_id });
        if let Some(failure) = fabric.failure {
            let report =
                failure.report(&fabric.connection_id, &remote_id, self.owner_ssrcs(fabric.owner), &mut self.rng);
            self.post(fabric.setup_at - 40.0, fabric.owner, "events/error", report);
            let failed = json!({
                "eventType": "fabricSetupFailed", "reason": failure.reason(),
                "delay": (fabric.setup_at - fabric.added_at).round(),
            });
            self.post(fabric.setup_at, fabric.owner, "events/fabric", merge(&header, failed));
            return;
        }
        self.post(fabric.added_at + 150.0, fabric.owner, "events/ssrcmap", merge(&header, self.ssrc_map(&fabric)));
        let setup = self.fabric_setup(&fabric);
        self.post(fabric.setup_at, fabric.owner, "events/fabric", merge(&header, setup));
        if self.call.extras.call_details {
            let attributes = self.call_attributes(fabric.owner);
            self.post(fabric.setup_at + 500.0, fabric.owner, "events/calldetails", merge(&header, attributes));
        }
        let plant = self.call.extras.plant.filter(|_| fabric.owner == PLANTED_ON);
        let dropped_at = plant.and_then(Plant::dropped_at).map(|share| self.at_share(&fabric, share));
        self.stats(&fabric, &remote_id, plant, dropped_at.unwrap_or(fabric.end_at));
        if plant == Some(Plant::IceRestart) {
            let restart = json!({ "eventType": "iceRestarted" });
            self.post(self.at_share(&fabric, 0.5), fabric.owner, "events/ice/status", merge(&header, restart));
        }
        if let Some(at) = dropped_at {
            // Down, then failed for good: no fabricTerminated follows.
            let down = json!({ "eventType": "iceDisruptionStart" });
            self.post(at, fabric.owner, "events/ice/status", merge(&header, down));
            let failed = json!({ "eventType": "iceFailed" });
            self.post(at + 5_000.0, fabric.owner, "events/ice/status", merge(&header, failed));
            return;
        }
        let terminated = json!({ "eventType": "fabricTerminated" });
        self.post(fabric.end_at, fabric.owner, "events/fabric", merge(&header, terminated));
    }

    /// The moment `share` of the way from the fabric's setup to its end.
    fn at_share(&self, fabric: &Fabric, share: f64) -> f64 {
        fabric.setup_at + share * (fabric.end_at - fabric.setup_at)
    }

    fn direction(&self, owner: usize) -> &'static str {
        let listener = self.call.topology == Topology::Sfu && self.people.len() >= 6 && owner == self.people.len() - 2;
        if listener { "receiveonly" } else { "sendrecv" }
    }

    fn owner_ssrcs(&self, owner: usize) -> (u32, u32) {
        (self.ssrcs[owner].0, self.ssrcs[owner].1)
    }

    fn call_attributes(&self, owner: usize) -> Value {
        let role = match owner {
            0 => "agent",
            1 => "manager",
            _ => "participant",
        };
        json!({ "callAttributes": { "callType": "inbound", "role": role, "queue": "billing", "ticketID": "INC-20931" } })
    }

    /// Stats every 10 s of simulated time from setup to `until`, with the
    /// fabric's planted issue, if any.
    fn stats(&mut self, fabric: &Fabric, remote_id: &str, plant: Option<Plant>, until: f64) {
        let producer = match fabric.remote {
            Remote::Peer(peer) => peer,
            Remote::Server => (fabric.owner + 1) % self.people.len(),
        };
        let (audio, video, _) = self.ssrcs[producer];
        let seconds = ((fabric.end_at - fabric.setup_at) / 1000.0).max(10.0);
        let mut series = StatsSeries::new(self.call.quality, seconds, audio, video, &mut self.rng);
        let own_video = self.ssrcs[fabric.owner].1;
        let mut at = fabric.setup_at + 10_000.0;
        let mut poll = 1;
        while at < until {
            let mut sample = series.sample((at - fabric.setup_at) / 1000.0, at.round(), &mut self.rng);
            if let Some(plant) = plant {
                plant.poll(&mut sample, poll, own_video);
            }
            poll += 1;
            let person = &self.people[fabric.owner];
            let body =
                stats_body(&person.local_id, &person.device_id, &fabric.connection_id, remote_id, at.round(), sample);
            self.steps.push(Step { at_ms: at, who: fabric.owner, action: Action::Post("stats", body) });
            at += 10_000.0;
        }
    }
}

fn merge(header: &Value, mut fields: Value) -> Value {
    if let (Some(fields), Some(header)) = (fields.as_object_mut(), header.as_object()) {
        fields.extend(header.clone());
    }
    fields
}

/// Why the `index`-th fabric of a call where nothing sets up fails: mostly
/// transport, and every kind once in four fabrics.
fn total_failure(index: usize) -> Failure {
    match index % 4 {
        0 | 1 => Failure::Transport,
        2 => Failure::Negotiation,
        _ => Failure::SdpGeneration,
    }
}

fn setup_delay_ms(quality: Quality, rng: &mut StdRng) -> f64 {
    match quality {
        Quality::Good => rng.random_range(200.0..900.0),
        Quality::Fair => rng.random_range(500.0..1_800.0),
        Quality::Poor => rng.random_range(1_200.0..4_000.0),
        Quality::Bad => rng.random_range(2_500.0..8_000.0),
    }
}
