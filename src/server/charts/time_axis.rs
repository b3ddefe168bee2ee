//! The x axis of a line chart: time, plotted as seconds since its start.
//!
//! plotters' own date axes need its `chrono` feature; a small [`Ranged`]
//! of our own keeps the dependency lean and puts the ticks on round UTC
//! times (every 10 s, 5 min, 1 h, ...), so charts of one page share a grid.

use std::ops::Range;

use chrono::{DateTime, TimeDelta, Utc};
use plotters::coord::ranged1d::{KeyPointHint, NoDefaultFormatting, Ranged, ValueFormatter};
use plotters::coord::types::RangedCoordf64;

/// Tick spacings to choose from, in seconds: round steps up to half a day.
const STEPS_S: [i64; 17] = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1_800, 3_600, 7_200, 10_800, 21_600, 43_200];
const DAY_S: i64 = 86_400;

/// `start..=end` as an x axis with at most `max_ticks` labelled ticks.
pub(super) struct TimeAxis {
    start: DateTime<Utc>,
    seconds: RangedCoordf64,
    ticks: Vec<f64>,
    /// Labels are days (`2026-11-21`) on axes longer than two days.
    days: bool,
}

impl TimeAxis {
    /// An axis from `start` to `end`, which must not come before `start`.
    pub(super) fn new(start: DateTime<Utc>, end: DateTime<Utc>, max_ticks: usize) -> Self {
        let span = offset_s(start, end).max(0.001);
        let days = span > 2.0 * DAY_S as f64;
        Self { start, seconds: (0.0..span).into(), ticks: time_ticks(start, end, max_ticks), days }
    }

    /// The x coordinate of `at`.
    pub(super) fn x(&self, at: DateTime<Utc>) -> f64 {
        offset_s(self.start, at)
    }

    /// The x coordinate of the middle of the axis.
    pub(super) fn middle(&self) -> f64 {
        self.seconds.range().end / 2.0
    }
}

impl Ranged for TimeAxis {
    type FormatOption = NoDefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.seconds.map(value, limit)
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        // Only the round times get grid lines; no minor lines in between.
        if hint.weight().allow_light_points() { Vec::new() } else { self.ticks.clone() }
    }

    fn range(&self) -> Range<f64> {
        self.seconds.range()
    }
}

impl ValueFormatter<f64> for TimeAxis {
    fn format_ext(&self, value: &f64) -> String {
        let label = time_label(self.start, *value);
        if self.days { label.date } else { label.time }
    }
}

/// Seconds from `start` to `at`.
fn offset_s(start: DateTime<Utc>, at: DateTime<Utc>) -> f64 {
    (at - start).num_milliseconds() as f64 / 1_000.0
}

/// The instant `offset` seconds after `start`, as a tick label.
struct Label {
    /// `HH:MM:SS`.
    time: String,
    /// `YYYY-MM-DD`.
    date: String,
}

fn time_label(start: DateTime<Utc>, offset: f64) -> Label {
    let at = start + TimeDelta::milliseconds((offset * 1_000.0).round() as i64);
    Label { time: at.format("%H:%M:%S").to_string(), date: at.format("%Y-%m-%d").to_string() }
}

/// At most `max_ticks` tick positions (offsets in seconds from `start`) on
/// round UTC times within `start..=end`, as close together as allowed.
fn time_ticks(start: DateTime<Utc>, end: DateTime<Utc>, max_ticks: usize) -> Vec<f64> {
    let span_ms = (end - start).num_milliseconds().max(1);
    let max_ticks = i64::try_from(max_ticks.max(1)).unwrap_or(i64::MAX);
    let step_s = STEPS_S
        .into_iter()
        .find(|step| span_ms / (step * 1_000) < max_ticks)
        .unwrap_or_else(|| (span_ms / 1_000 / max_ticks / DAY_S + 1) * DAY_S);
    let step_ms = step_s * 1_000;
    let start_ms = start.timestamp_millis();
    let end_ms = start_ms + span_ms;
    let mut tick = start_ms.div_euclid(step_ms) * step_ms;
    if tick < start_ms {
        tick += step_ms;
    }
    let mut ticks = Vec::new();
    while tick <= end_ms {
        ticks.push((tick - start_ms) as f64 / 1_000.0);
        tick += step_ms;
    }
    ticks
}

#[cfg(test)]
mod tests {
    use plotters::coord::ranged1d::{BoldPoints, LightPoints};

    use super::*;

    fn at(hms: &str) -> DateTime<Utc> {
        format!("2024-03-01T{hms}Z").parse().expect("valid time")
    }

    #[test]
    fn ticks_fall_on_round_times_inside_the_range() {
        let axis = TimeAxis::new(at("10:03:17"), at("11:03:17"), 8);
        let labels: Vec<String> = axis.key_points(BoldPoints(8)).iter().map(|t| axis.format_ext(t)).collect();
        assert_eq!(labels, ["10:10:00", "10:20:00", "10:30:00", "10:40:00", "10:50:00", "11:00:00"]);
        assert!(axis.key_points(LightPoints::new(8, 80)).is_empty(), "no minor grid lines");
    }

    #[test]
    fn axes_longer_than_two_days_are_labelled_by_day() {
        let start = at("00:00:00");
        let axis = TimeAxis::new(start, start + TimeDelta::days(7), 8);
        let labels: Vec<String> = axis.key_points(BoldPoints(8)).iter().map(|t| axis.format_ext(t)).collect();
        assert_eq!(labels.first().map(String::as_str), Some("2024-03-01"));
        assert_eq!(labels.last().map(String::as_str), Some("2024-03-08"));
    }

    #[test]
    fn never_more_ticks_than_asked_for() {
        let start = at("00:00:00");
        for span_s in [1, 9, 59, 61, 3_599, 7_300, 86_400, 10 * 86_400] {
            let ticks = time_ticks(start, start + TimeDelta::seconds(span_s), 8);
            assert!(!ticks.is_empty() && ticks.len() <= 8, "{} ticks for {span_s} s", ticks.len());
        }
    }

    #[test]
    fn labels_are_hours_minutes_seconds_in_utc() {
        assert_eq!(time_label(at("23:59:50"), 12.4).time, "00:00:02");
        assert_eq!(time_label(at("23:59:50"), 12.4).date, "2024-03-02");
    }

    #[test]
    fn instants_map_to_seconds_from_the_start() {
        let axis = TimeAxis::new(at("10:00:00"), at("10:01:00"), 8);
        assert_eq!(axis.x(at("10:00:30")), 30.0);
        assert_eq!(axis.middle(), 30.0);
        assert_eq!(axis.map(&60.0, (100, 700)), 700);
    }
}
