//! The physical bounds of every figure the collector accepts. A figure
//! outside them is a unit mistake or garbage; it is refused (422 naming
//! the field) rather than stored, so no accepted sample can make a
//! summary overflow (`avg` over many rows of 1e308 does) or skew it.
//! The bounds are generous: nothing a real call measures comes close.

use std::fmt;

/// A closed range `min..=max` of a figure, with its unit for messages.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    /// The smallest accepted value.
    pub min: f64,
    /// The largest accepted value.
    pub max: f64,
    /// The unit, as the wire has it (`ms`, `s`, `bit/s`, ...), or empty.
    pub unit: &'static str,
}

/// 2^53: every integer up to it is exact in a JSON number (a JS double).
pub const EXACT_INTEGER: f64 = 9_007_199_254_740_992.0;

/// Round-trip times and jitter in milliseconds: at most 10 minutes.
pub const DELAY_MS: Bounds = Bounds { min: 0.0, max: 600_000.0, unit: "ms" };
/// Round-trip times and jitter in seconds (RTCStats units): at most 10 minutes.
pub const DELAY_S: Bounds = Bounds { min: 0.0, max: 600.0, unit: "s" };
/// Setup, ICE, first-media and test durations in ms: what the store's
/// `integer` columns hold (about 24.8 days).
pub const DURATION_MS: Bounds = Bounds { min: 0.0, max: i32::MAX as f64, unit: "ms" };
/// Packet and byte counters: non-negative and exact in a double.
pub const COUNTER: Bounds = Bounds { min: 0.0, max: EXACT_INTEGER, unit: "" };
/// `packetsLost`: cumulative, may be negative (RFC 3550 counts duplicates).
pub const SIGNED_COUNTER: Bounds = Bounds { min: -EXACT_INTEGER, max: EXACT_INTEGER, unit: "" };
/// A share: `fractionLost`, `fractionLoss`, audio levels.
pub const FRACTION: Bounds = Bounds { min: 0.0, max: 1.0, unit: "" };
/// Bit rates in bit/s: at most 1 Tbit/s.
pub const BITRATE_BPS: Bounds = Bounds { min: 0.0, max: 1e12, unit: "bit/s" };
/// Throughput in kbit/s (the pre-call test): at most 1 Tbit/s.
pub const THROUGHPUT_KBPS: Bounds = Bounds { min: 0.0, max: 1e9, unit: "kbit/s" };
/// Frames per second.
pub const FRAME_RATE: Bounds = Bounds { min: 0.0, max: 1000.0, unit: "fps" };
/// Frame width or height in pixels.
pub const PIXELS: Bounds = Bounds { min: 0.0, max: 65_535.0, unit: "px" };
/// CPU usage as the device reports it (a percentage, possibly over all cores).
pub const CPU_USAGE: Bounds = Bounds { min: 0.0, max: 100_000.0, unit: "" };
/// Battery level: a fraction or a percentage, as the device reports it.
pub const BATTERY_LEVEL: Bounds = Bounds { min: 0.0, max: 100.0, unit: "" };
/// Memory figures in bytes (or any smaller unit).
pub const MEMORY: Bounds = COUNTER;
/// Thread counts.
pub const THREADS: Bounds = Bounds { min: 0.0, max: 1_000_000.0, unit: "" };
/// Milliseconds since the epoch of a client clock (`localStartTime`).
pub const EPOCH_MS: Bounds = Bounds { min: 0.0, max: 4_102_444_800_000.0, unit: "ms" };

impl Bounds {
    /// `value` when it is finite and within the bounds, else the rule it breaks.
    pub fn check(&self, value: f64) -> Result<f64, String> {
        if value.is_finite() && (self.min..=self.max).contains(&value) {
            Ok(value)
        } else {
            Err(format!("must be a finite number {self}"))
        }
    }
}

impl fmt::Display for Bounds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = if self.unit.is_empty() { String::new() } else { format!(" {}", self.unit) };
        write!(f, "from {} to {}{unit}", self.min, self.max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_must_be_finite_and_within_their_bounds() {
        assert_eq!(FRAME_RATE.check(1000.0), Ok(1000.0));
        assert_eq!(FRAME_RATE.check(0.0), Ok(0.0));
        for bad in [1000.5, 1e308, -0.1, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let message = FRAME_RATE.check(bad).expect_err("out of bounds");
            assert_eq!(message, "must be a finite number from 0 to 1000 fps", "{bad}");
        }
        assert_eq!(SIGNED_COUNTER.check(-3.0), Ok(-3.0));
        assert!(COUNTER.check(EXACT_INTEGER * 2.0).is_err());
    }

    #[test]
    fn no_accepted_figure_can_overflow_a_sum_over_a_billion_rows() {
        for bounds in [DELAY_MS, COUNTER, BITRATE_BPS, FRAME_RATE, PIXELS, CPU_USAGE, MEMORY, THROUGHPUT_KBPS] {
            assert!((bounds.max * 1e9).is_finite() && bounds.max * 1e9 < 1e300, "{bounds}");
        }
    }
}
