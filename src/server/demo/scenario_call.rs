//! One conference instance as a timeline of collector requests: the plan
//! of a call, who joins when and when they leave. The builder is shared
//! with `scenario_fabrics` (the connections), `scenario_media` (what users
//! do during the call) and `scenario_endings` (feedback, user left).

use rand::Rng;
use rand::SeedableRng;
use rand::rngs::StdRng;
use serde_json::{Value, json};

use super::scenario_errors::Failure;
use super::scenario_people::{self, Crowd, Person};
use super::scenario_plants::Plant;
use super::scenario_stats::Quality;

/// How the endpoints of a call are connected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topology {
    /// Every peer has a fabric to every other peer.
    Mesh,
    /// Every endpoint has one fabric to the media server.
    Sfu,
}

/// Whether the fabrics of a call set up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Every fabric sets up.
    Healthy,
    /// Some fabrics fail, others set up.
    PartialFailure,
    /// No fabric ever sets up.
    TotalFailure,
}

/// Optional things that happen in a call.
#[derive(Debug, Clone, Copy, Default)]
pub struct Extras {
    /// The first endpoint shares its screen for a while.
    pub screen_share: bool,
    /// The endpoints send contact-centre call details.
    pub call_details: bool,
    /// One endpoint sends an application log over 20 KB.
    pub long_log: bool,
    /// The last endpoint's getUserMedia fails (no peer connection).
    pub get_user_media_error: bool,
    /// The last endpoint is the first user again, from a second device.
    pub same_user_twice: bool,
    /// An issue planted on the second endpoint's connection.
    pub plant: Option<Plant>,
}

/// The plan of one conference instance.
#[derive(Debug, Clone)]
pub struct Call {
    /// The conferenceID, exactly as the clients use it.
    pub conference_id: String,
    /// When the first endpoint joins (simulated), ms since the epoch.
    pub start_ms: f64,
    /// Mesh or SFU.
    pub topology: Topology,
    /// Whether the fabrics set up.
    pub outcome: Outcome,
    /// How good the network is.
    pub quality: Quality,
    /// Whom the participants are drawn from.
    pub crowd: Crowd,
    /// How many endpoints join.
    pub size: usize,
    /// How long the call lasts once everybody is in, in minutes.
    pub minutes: f64,
    /// What else happens.
    pub extras: Extras,
    /// Seeds everything random inside the call.
    pub seed: u64,
}

/// What an endpoint does at a point of simulated time.
#[derive(Debug)]
pub enum Action {
    /// Authenticate and join the conference with this body.
    Join(Value),
    /// POST this body to `{ucID}/<suffix>`.
    Post(&'static str, Value),
}

/// One request of the timeline.
#[derive(Debug)]
pub struct Step {
    /// Simulated time, ms since the epoch.
    pub at_ms: f64,
    /// Index of the endpoint in [`Timeline::people`].
    pub who: usize,
    /// The request.
    pub action: Action,
}

/// A call turned into requests, in time order.
pub struct Timeline {
    /// The conferenceID.
    pub conference_id: String,
    /// The endpoints' users, by index.
    pub people: Vec<Person>,
    /// How many fabrics the call has.
    pub fabrics: usize,
    /// The requests, sorted by simulated time.
    pub steps: Vec<Step>,
}

/// The other end of a fabric.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Remote {
    Peer(usize),
    Server,
}

/// One monitored peer connection of the call.
#[derive(Debug, Clone)]
pub(super) struct Fabric {
    pub(super) owner: usize,
    pub(super) remote: Remote,
    pub(super) connection_id: String,
    pub(super) added_at: f64,
    pub(super) failure: Option<Failure>,
    /// Set up at (healthy fabrics).
    pub(super) setup_at: f64,
    /// Terminated at (healthy fabrics).
    pub(super) end_at: f64,
}

/// Name of the media server SFU fabrics connect to.
pub(super) const SFU: &str = "sfu-eu-west-1";

/// Builds a call's timeline, one part of the call at a time.
pub(super) struct Builder<'a> {
    pub(super) call: &'a Call,
    pub(super) rng: StdRng,
    pub(super) people: Vec<Person>,
    pub(super) joined_at: Vec<f64>,
    pub(super) left_at: Vec<f64>,
    /// Outgoing (audio, video, screen) SSRCs of each endpoint.
    pub(super) ssrcs: Vec<(u32, u32, u32)>,
    pub(super) fabrics: Vec<Fabric>,
    pub(super) steps: Vec<Step>,
}

/// The call's requests, in simulated time order.
pub fn timeline(call: &Call) -> Timeline {
    let mut builder = Builder::new(call);
    builder.joins();
    builder.plan_fabrics();
    for index in 0..builder.fabrics.len() {
        builder.fabric_requests(index);
    }
    builder.media_events();
    builder.endings();
    let Builder { people, fabrics, mut steps, .. } = builder;
    steps.sort_by(|a, b| a.at_ms.total_cmp(&b.at_ms));
    Timeline { conference_id: call.conference_id.clone(), people, fabrics: fabrics.len(), steps }
}

impl<'a> Builder<'a> {
    fn new(call: &'a Call) -> Self {
        let mut rng = StdRng::seed_from_u64(call.seed);
        let mut people = scenario_people::pick(call.crowd, call.size, &mut rng);
        if call.extras.same_user_twice && people.len() > 2 {
            let last = people.len() - 1;
            people[last] = Person {
                device_id: format!("device-{:08x}", rng.random::<u32>()),
                endpoint_info: json!({
                    "type": "browser", "name": "Safari", "version": "18.1", "os": "iOS", "osVersion": "18.1",
                }),
                ..people[0].clone()
            };
        }
        let ssrcs = people.iter().map(|_| (rng.random(), rng.random(), rng.random())).collect();
        Self {
            call,
            rng,
            people,
            joined_at: Vec::new(),
            left_at: Vec::new(),
            ssrcs,
            fabrics: Vec::new(),
            steps: Vec::new(),
        }
    }

    /// Queues `fields` plus the common header of endpoint `who` at `at_ms`.
    pub(super) fn post(&mut self, at_ms: f64, who: usize, suffix: &'static str, fields: Value) {
        let body = self.body(at_ms, who, fields);
        self.steps.push(Step { at_ms, who, action: Action::Post(suffix, body) });
    }

    fn body(&self, at_ms: f64, who: usize, fields: Value) -> Value {
        let person = &self.people[who];
        let mut body = json!({ "localID": person.local_id, "deviceID": person.device_id, "timestamp": at_ms.round() });
        if let (Some(body), Value::Object(fields)) = (body.as_object_mut(), fields) {
            body.extend(fields);
        }
        body
    }

    /// The remote's ID as the SDK sends it in `remoteID`.
    pub(super) fn remote_id(&self, remote: Remote) -> String {
        match remote {
            Remote::Peer(peer) => self.people[peer].local_id.clone(),
            Remote::Server => SFU.to_owned(),
        }
    }

    /// Simulated time at `fraction` of the part of the call everybody is in.
    pub(super) fn at(&self, fraction: f64) -> f64 {
        let from = self.joined_at.iter().copied().fold(f64::MIN, f64::max);
        let to = self.left_at.iter().copied().fold(f64::MAX, f64::min);
        from + (to - from) * fraction
    }

    fn joins(&mut self) {
        let mut at = self.call.start_ms;
        for who in 0..self.people.len() {
            if who > 0 {
                at += self.rng.random_range(1_500.0..8_000.0);
            }
            self.joined_at.push(at);
            let person = &self.people[who];
            let mut fields = json!({ "endpointInfo": person.endpoint_info, "userID": person.user_id() });
            if person.user_name.is_some() {
                fields["configParams"] = json!({
                    "applicationVersion": "4.2.1 (build 2031)",
                    "siteID": site(self.call.crowd),
                    "additionalIDs": { "customerID": "cust-1042", "tenantID": "tenant-7" },
                    "collectIP": true,
                });
            }
            let body = self.body(at, who, fields);
            self.steps.push(Step { at_ms: at, who, action: Action::Join(body) });
        }
        let last_join = at;
        let length = self.call.minutes * 60_000.0;
        for _ in 0..self.people.len() {
            let stay = match self.call.outcome {
                Outcome::TotalFailure => self.rng.random_range(35_000.0..60_000.0),
                _ => length + self.rng.random_range(0.0..5_000.0),
            };
            self.left_at.push(last_join + stay);
        }
    }
}

fn site(crowd: Crowd) -> &'static str {
    match crowd {
        Crowd::Japanese => "tokyo-shibuya",
        Crowd::Russian => "moscow-hq",
        Crowd::Lao => "vientiane",
        Crowd::Office | Crowd::Plain => "eu-west-office",
    }
}
