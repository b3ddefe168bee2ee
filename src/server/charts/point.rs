//! One sample of a time series, as charts and downsampling see it.

use chrono::{DateTime, Utc};

/// A value measured at an instant (RTT in ms, jitter, a bitrate, ...).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// When the value was measured.
    pub at: DateTime<Utc>,
    /// The measured value, in the unit of the chart it is drawn in.
    pub value: f64,
}
