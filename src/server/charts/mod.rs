//! Quality charts rendered on the server: plotters → SVG strings.
//!
//! The fabric page shows RTT, jitter, loss, bitrate, frame rate and
//! resolution over time, one line per SSRC and direction. Rendering here
//! keeps plotters out of the wasm bundle, and the page receives a finished
//! `<svg>` whose size does not grow with the length of the call or the
//! number of streams: a chart draws at most [`MAX_SERIES`] lines and
//! [`MAX_POINTS`] points, min/max-downsampling what it is given before
//! plotters sees it, so the blocking render is bounded too.
//!
//! Text stays text: without plotters' font features (`ttf`, `ab_glyph`) its
//! SVG backend writes every label as an escaped `<text>` element, and
//! layout uses a width estimate from the character count; no font file is
//! read, and nothing depends on the fonts installed on the server.

mod accessible;
mod bar_chart;
mod downsample;
mod gaps;
mod legend;
mod line_chart;
mod palette;
mod point;
mod series;
mod time_axis;
mod value_range;

pub use bar_chart::BarChart;
pub use downsample::downsample;
pub use line_chart::{HEIGHT, LineChart, MAX_POINTS, MAX_SERIES, NO_SAMPLES, WIDTH};
pub use point::Point;
pub use series::Series;

use crate::server::AppError;

/// Runs chart drawing (CPU work) off the async runtime. The work is
/// bounded by the charts' own caps; a request that times out stops
/// waiting for it.
pub async fn off_runtime<T: Send + 'static>(
    draw: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(draw).await.map_err(|error| AppError::Internal(error.into()))?
}
