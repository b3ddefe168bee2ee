//! Synthetic series for the detectors' tests: polls every 10 s from a
//! fixed instant.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};

use super::{Direction, Event, EventKind, Track, TrackPoint};
use crate::domain::quality::MediaKind;

/// The instant `seconds` after the series' start.
pub fn at(seconds: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 10, 0, 0).unwrap() + TimeDelta::seconds(seconds)
}

/// Events at the given seconds.
pub fn events(list: &[(i64, EventKind)]) -> Vec<Event> {
    list.iter().map(|(seconds, kind)| Event { at: at(*seconds), kind: *kind }).collect()
}

/// A stream with `polls` polls 10 s apart, each filled in by `fill(index, point)`.
pub fn track(direction: Direction, kind: MediaKind, polls: usize, fill: impl Fn(usize, &mut TrackPoint)) -> Track {
    let points = (0..polls)
        .map(|i| {
            let mut point = TrackPoint { at: at(10 * i as i64), ..TrackPoint::default() };
            fill(i, &mut point);
            point
        })
        .collect();
    Track { ssrc: 1000 + kind as i64, direction, kind, points }
}

/// An inbound stream (see [`track`]).
pub fn inbound(kind: MediaKind, polls: usize, fill: impl Fn(usize, &mut TrackPoint)) -> Track {
    track(Direction::Inbound, kind, polls, fill)
}

/// An outbound stream (see [`track`]).
pub fn outbound(kind: MediaKind, polls: usize, fill: impl Fn(usize, &mut TrackPoint)) -> Track {
    track(Direction::Outbound, kind, polls, fill)
}
