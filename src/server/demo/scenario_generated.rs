//! Conferences beyond the showcase. Their IDs come from families that
//! exercise search: dates sharing a prefix, spaces and `#`, a `/`, other
//! scripts; each family numbers its IDs so no two generated calls share
//! one. Shape, network quality and outcome are drawn at random.

use chrono::{DateTime, Days, Duration, NaiveDate, Utc};
use rand::Rng;
use rand::rngs::StdRng;

use super::scenario_call::{Call, Extras, Outcome, Topology};
use super::scenario_people::Crowd;
use super::scenario_stats::Quality;

/// How many ID families there are.
const FAMILIES: usize = 7;

/// The `index`-th generated call, somewhere in the seven days before `midnight`.
pub fn call(index: usize, midnight: DateTime<Utc>, minutes: f64, rng: &mut StdRng) -> Call {
    let (conference_id, crowd) = identity(index, rng);
    let (topology, size) = if rng.random_bool(0.45) {
        (Topology::Mesh, rng.random_range(3..=4))
    } else {
        // The Japanese crowd has six people.
        let most = if crowd == Crowd::Japanese { 6 } else { 8 };
        (Topology::Sfu, rng.random_range(5..=most))
    };
    let quality = match rng.random_range(0..20) {
        0..10 => Quality::Good,
        10..15 => Quality::Fair,
        15..18 => Quality::Poor,
        _ => Quality::Bad,
    };
    let outcome = match rng.random_range(0..25) {
        0..21 => Outcome::Healthy,
        21..24 => Outcome::PartialFailure,
        _ => Outcome::TotalFailure,
    };
    let extras = Extras {
        screen_share: rng.random_bool(0.5),
        call_details: crowd == Crowd::Office && topology == Topology::Sfu && rng.random_bool(0.3),
        get_user_media_error: rng.random_bool(0.15),
        ..Extras::default()
    };
    let start = midnight - Duration::days(rng.random_range(1..=7))
        + Duration::hours(rng.random_range(7..19))
        + Duration::minutes(rng.random_range(0..60));
    Call {
        conference_id,
        start_ms: start.timestamp_millis() as f64,
        topology,
        outcome,
        quality,
        crowd,
        size,
        minutes: rng.random_range((minutes - 1.0).max(1.0)..=minutes + 2.0),
        extras,
        seed: rng.random(),
    }
}

fn identity(index: usize, rng: &mut StdRng) -> (String, Crowd) {
    let round = index / FAMILIES;
    let number = round + 1;
    match index % FAMILIES {
        0 => {
            let first = NaiveDate::from_ymd_opt(2026, 11, 3).unwrap_or_default();
            let day = first.checked_add_days(Days::new(round as u64)).unwrap_or(first);
            (format!("sales-{}", day.format("%Y-%m-%d")), Crowd::Office)
        }
        1 => (format!("Team Sync #{number}"), Crowd::Office),
        2 => (format!("会議-{number:03}"), Crowd::Japanese),
        3 => (format!("звонок-{number}"), Crowd::Russian),
        4 => (format!("interview/2026/{number}"), Crowd::Plain),
        5 => (format!("room-{round:02}{:06x}", rng.random::<u32>() & 0xff_ffff), Crowd::Plain),
        _ => (format!("Projekt-Übergabe-{number}"), Crowd::Office),
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;

    #[test]
    fn generated_conference_ids_never_repeat() {
        let mut rng = StdRng::seed_from_u64(11);
        let midnight = Utc::now();
        let mut ids: Vec<String> = (0..200).map(|index| call(index, midnight, 4.0, &mut rng).conference_id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 200);
    }

    #[test]
    fn generated_calls_lie_in_the_past_week() {
        let mut rng = StdRng::seed_from_u64(12);
        let midnight = Utc::now().date_naive().and_time(chrono::NaiveTime::MIN).and_utc();
        for index in 0..100 {
            let call = call(index, midnight, 4.0, &mut rng);
            let end = call.start_ms + (call.minutes + 2.0) * 60_000.0;
            assert!(end < midnight.timestamp_millis() as f64, "{} ends after midnight", call.conference_id);
            assert!(call.start_ms > (midnight - Duration::days(8)).timestamp_millis() as f64);
        }
    }
}
