//! The demo's conferences and how they are played against a collector.
//!
//! A fixed showcase comes first — conferenceIDs in several scripts and in
//! three case variants, prefix-sharing IDs, one ID used for two instances
//! one after the other, a total and partial failures, every feedback
//! rating, and a two-person call per planted issue (`scenario_plants`) —
//! then generated conferences up to the requested count. All
//! conferences lie in the past seven days (simulated time, anchored at
//! today's UTC midnight), and the same seed gives the same conferences.

use std::sync::Arc;

use anyhow::{Context, anyhow};
use chrono::{Duration, NaiveTime, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::client::{Collector, Endpoint};
use super::scenario_call::{self, Action, Call, Extras, Outcome, Timeline, Topology};
use super::scenario_generated;
use super::scenario_people::Crowd;
use super::scenario_plants::Plant;
use super::scenario_stats::Quality;

/// The seed used when none is given.
pub const DEFAULT_SEED: u64 = 20_261_101;

/// Conferences played at the same time.
const PARALLEL: usize = 4;

/// How much to generate.
#[derive(Debug, Clone)]
pub struct Options {
    /// Conference instances to create (the showcase is cut short below its size).
    pub conferences: usize,
    /// Seeds every random choice.
    pub seed: u64,
    /// Typical call length in minutes (stats every 10 s of it).
    pub minutes: u32,
}

impl Default for Options {
    fn default() -> Self {
        Self { conferences: 30, seed: DEFAULT_SEED, minutes: 4 }
    }
}

/// What a run created.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Conference instances.
    pub conferences: usize,
    /// Distinct conferenceIDs.
    #[serde(rename = "conferenceIDs")]
    pub conference_ids: usize,
    /// Endpoints (user joined).
    pub endpoints: usize,
    /// Fabrics (addNewFabric).
    pub fabrics: usize,
    /// Requests answered with success, authentication included.
    pub requests: u64,
}

/// How many instances the fixed showcase has.
pub const SHOWCASE_CONFERENCES: usize = 10 + Plant::ALL.len();

/// Plays the demo against `collector`; stops at the first refused request.
pub async fn run(collector: Arc<Collector>, options: &Options) -> anyhow::Result<Summary> {
    let jobs: Vec<Vec<Timeline>> =
        plan(options).into_iter().map(|job| job.iter().map(scenario_call::timeline).collect()).collect();
    let mut ids: Vec<&str> = jobs.iter().flatten().map(|timeline| timeline.conference_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut summary = Summary {
        conferences: jobs.iter().map(Vec::len).sum(),
        conference_ids: ids.len(),
        endpoints: jobs.iter().flatten().map(|timeline| timeline.people.len()).sum(),
        fabrics: jobs.iter().flatten().map(|timeline| timeline.fabrics).sum(),
        requests: 0,
    };
    let permits = Arc::new(Semaphore::new(PARALLEL));
    let mut tasks = JoinSet::new();
    for job in jobs {
        let (collector, permits) = (collector.clone(), permits.clone());
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await?;
            // The instances of one job share a conferenceID: one after the other.
            for timeline in job {
                play(&collector, timeline).await?;
            }
            anyhow::Ok(())
        });
    }
    while let Some(result) = tasks.join_next().await {
        result.context("a demo conference task panicked")??;
    }
    summary.requests = collector.requests();
    Ok(summary)
}

/// Sends a call's requests in order.
async fn play(collector: &Collector, timeline: Timeline) -> anyhow::Result<()> {
    let mut joined: Vec<Option<Endpoint>> = vec![None; timeline.people.len()];
    for step in timeline.steps {
        let person = &timeline.people[step.who];
        match step.action {
            Action::Join(body) => {
                joined[step.who] = Some(collector.join(&person.local_id, &timeline.conference_id, &body).await?);
            }
            Action::Post(suffix, body) => {
                let endpoint = joined[step.who]
                    .as_ref()
                    .ok_or_else(|| anyhow!("{suffix} of {} planned before they joined", person.local_id))?;
                collector
                    .post(endpoint, suffix, &body)
                    .await
                    .with_context(|| format!("conference {:?}, user {:?}", timeline.conference_id, person.local_id))?;
            }
        }
    }
    Ok(())
}

/// The conferences to play, grouped into jobs whose instances must run in order.
pub fn plan(options: &Options) -> Vec<Vec<Call>> {
    let midnight = Utc::now().date_naive().and_time(NaiveTime::MIN).and_utc();
    let at = |days: i64, hour: i64, minute: i64| {
        (midnight - Duration::days(days) + Duration::hours(hour) + Duration::minutes(minute)).timestamp_millis() as f64
    };
    let minutes = f64::from(options.minutes.max(1));
    let mut seeds = StdRng::seed_from_u64(options.seed);
    let mut call = |id: &str, start_ms: f64, shape: (Topology, usize, Crowd), quality, outcome, extras| Call {
        conference_id: id.to_owned(),
        start_ms,
        topology: shape.0,
        size: shape.1,
        crowd: shape.2,
        quality,
        outcome,
        minutes,
        extras,
        seed: seeds.random(),
    };
    let (mesh, sfu) = (Topology::Mesh, Topology::Sfu);
    let (healthy, partial, total) = (Outcome::Healthy, Outcome::PartialFailure, Outcome::TotalFailure);
    let screen = Extras { screen_share: true, ..Extras::default() };
    let mut jobs = vec![
        vec![call("インターネット", at(6, 9, 30), (mesh, 3, Crowd::Japanese), Quality::Good, healthy, screen)],
        vec![call("интернэт", at(5, 14, 0), (sfu, 6, Crowd::Russian), Quality::Fair, healthy, screen)],
        vec![call(
            "ອິນເຕີເນັດ",
            at(4, 8, 15),
            (mesh, 4, Crowd::Lao),
            Quality::Poor,
            healthy,
            Extras { long_log: true, ..screen },
        )],
        vec![call("Conf-Standup", at(3, 9, 0), (sfu, 5, Crowd::Office), Quality::Good, healthy, Extras::default())],
        vec![call(
            "conf-standup",
            at(3, 9, 5),
            (mesh, 3, Crowd::Plain),
            Quality::Bad,
            healthy,
            Extras { get_user_media_error: true, ..screen },
        )],
        vec![call(
            "CONF-STANDUP",
            at(2, 16, 0),
            (sfu, 7, Crowd::Office),
            Quality::Fair,
            partial,
            Extras { call_details: true, same_user_twice: true, ..Extras::default() },
        )],
        vec![call(
            "sales-2026-11-01",
            at(2, 11, 0),
            (mesh, 4, Crowd::Office),
            Quality::Bad,
            total,
            Extras { get_user_media_error: true, ..Extras::default() },
        )],
        vec![call("sales-2026-11-02", at(1, 10, 30), (mesh, 3, Crowd::Plain), Quality::Poor, partial, screen)],
        vec![
            call("weekly-retro", at(7, 15, 0), (mesh, 3, Crowd::Office), Quality::Good, healthy, Extras::default()),
            call("weekly-retro", at(1, 15, 0), (sfu, 5, Crowd::Office), Quality::Fair, healthy, screen),
        ],
    ];
    for (index, plant) in (0..).zip(Plant::ALL) {
        let extras = Extras { plant: Some(plant), ..Extras::default() };
        let start = at(1, 18, 10 * index);
        jobs.push(vec![call(plant.conference_id(), start, (mesh, 2, Crowd::Plain), Quality::Good, healthy, extras)]);
    }
    let mut remaining = options.conferences;
    jobs.retain_mut(|job| {
        job.truncate(remaining);
        remaining -= job.len();
        !job.is_empty()
    });
    let mut rng = StdRng::seed_from_u64(options.seed ^ 0x5eed);
    for index in 0..remaining {
        jobs.push(vec![scenario_generated::call(index, midnight, minutes, &mut rng)]);
    }
    jobs
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn showcase() -> Vec<Timeline> {
        let options = Options { conferences: SHOWCASE_CONFERENCES, minutes: 1, ..Options::default() };
        plan(&options).iter().flatten().map(scenario_call::timeline).collect()
    }

    #[test]
    fn the_showcase_has_every_script_case_variant_and_a_reused_id() {
        let timelines = showcase();
        assert_eq!(timelines.len(), SHOWCASE_CONFERENCES);
        let ids: Vec<&str> = timelines.iter().map(|timeline| timeline.conference_id.as_str()).collect();
        for id in ["インターネット", "интернэт", "ອິນເຕີເນັດ", "Conf-Standup", "conf-standup", "CONF-STANDUP"]
        {
            assert!(ids.contains(&id), "{id} is missing");
        }
        assert_eq!(ids.iter().filter(|id| **id == "weekly-retro").count(), 2);
        let more = Options { conferences: SHOWCASE_CONFERENCES + 5, ..Options::default() };
        assert_eq!(plan(&more).iter().flatten().count(), SHOWCASE_CONFERENCES + 5);
    }

    #[test]
    fn every_request_comes_after_its_endpoints_join_and_in_the_past() {
        let now = Utc::now().timestamp_millis() as f64;
        for timeline in showcase() {
            let mut joined = BTreeSet::new();
            let mut last = f64::MIN;
            for step in &timeline.steps {
                assert!(step.at_ms >= last && step.at_ms < now, "{} is out of order", timeline.conference_id);
                last = step.at_ms;
                match step.action {
                    Action::Join(_) => assert!(joined.insert(step.who)),
                    Action::Post(suffix, _) => assert!(joined.contains(&step.who), "{suffix} before joining"),
                }
            }
            assert_eq!(joined.len(), timeline.people.len());
        }
    }

    #[test]
    fn the_showcase_gives_every_rating_of_every_kind() {
        let mut seen = BTreeSet::new();
        for timeline in showcase() {
            for step in &timeline.steps {
                if let Action::Post("events/feedback", body) = &step.action {
                    for kind in ["overallRating", "audioQualityRating", "videoQualityRating", "screenQualityRating"] {
                        if let Some(rating) = body["feedback"][kind].as_u64() {
                            seen.insert((kind, rating));
                        }
                    }
                }
            }
        }
        assert_eq!(seen.len(), 4 * 5, "{seen:?}");
    }

    #[test]
    fn the_same_seed_gives_the_same_conferences() {
        let render = |seed| {
            let options = Options { conferences: 12, seed, minutes: 1 };
            let timelines: Vec<Timeline> = plan(&options).iter().flatten().map(scenario_call::timeline).collect();
            timelines.iter().map(|timeline| format!("{:?}", timeline.steps)).collect::<Vec<_>>()
        };
        assert_eq!(render(7), render(7));
        assert_ne!(render(7), render(8));
    }
}
