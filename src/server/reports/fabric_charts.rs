//! The fabric page's quality charts. The page lists the figures that have
//! samples, each as an image URL; each image is drawn on request. A chart
//! is thus sent once: not in the page's HTML and again in its hydration
//! data, and an SVG shown as an image runs nothing whatever its labels.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};

use super::fabric_series::{self as series, loss_percent, pair};
use crate::api::{ChartView, Person};
use crate::server::AppError;
use crate::server::charts::{HEIGHT, LineChart, Series, WIDTH};
use crate::server::db::dashboard::fabric::SsrcRow;
use crate::server::db::dashboard::series::BucketRow;

/// One chart of the page.
pub(super) struct Figure {
    /// Its name in the image's URL.
    pub slug: &'static str,
    title: &'static str,
    y_label: &'static str,
    value: series::Figure,
}

/// The charts of the page, in reading order; a chart without any sample is left out.
const FIGURES: [Figure; 6] = [
    Figure { slug: "rtt", title: "Round-trip time", y_label: "RTT (ms)", value: |b, _| pair(b.rtt_ms) },
    Figure { slug: "jitter", title: "Jitter", y_label: "jitter (ms)", value: |b, _| pair(b.jitter_ms) },
    Figure { slug: "loss", title: "Packet loss", y_label: "loss (%)", value: loss_percent },
    Figure {
        slug: "bitrate",
        title: "Bitrate",
        y_label: "bitrate (kbit/s)",
        value: |b, _| pair(b.bitrate_bps).map(|(low, high)| (low / 1000.0, high / 1000.0)),
    },
    Figure { slug: "frame-rate", title: "Frame rate", y_label: "frames per second", value: |b, _| pair(b.frame_rate) },
    Figure {
        slug: "resolution",
        title: "Resolution",
        y_label: "frame height (px)",
        value: |b, _| pair((b.frame_height.0.map(f64::from), b.frame_height.1.map(f64::from))),
    },
];

impl Figure {
    /// The figure named `slug` in a chart's URL.
    pub(super) fn named(slug: &str) -> Option<&'static Figure> {
        FIGURES.iter().find(|figure| figure.slug == slug)
    }
}

/// The charts with at least one sample, as images of `page` (the fabric
/// page's path) drawn up to `until`: the URL changes when a live chart does.
pub(super) fn listed(buckets: &[BucketRow], page: &str, until: DateTime<Utc>) -> Vec<ChartView> {
    let streams = streams(buckets);
    FIGURES
        .iter()
        .filter(|figure| {
            streams.values().any(|rows| series::runs(rows, figure.value).iter().any(|run| !run.is_empty()))
        })
        .map(|figure| ChartView {
            title: figure.title.to_owned(),
            src: format!("{page}/charts/{}?until={}", figure.slug, until.timestamp_millis()),
            width: WIDTH,
            height: HEIGHT,
        })
        .collect()
}

/// `figure` as an SVG document: one line per stream; the streams the query
/// left out are counted in the legend. CPU work: run it off the runtime.
pub(super) fn draw(
    figure: &Figure,
    buckets: &[BucketRow],
    labels: &[SsrcRow],
    range: (DateTime<Utc>, DateTime<Utc>),
) -> Result<String, AppError> {
    let streams = streams(buckets);
    let left_out =
        buckets.first().map_or(0, |row| usize::try_from(row.streams).unwrap_or(0).saturating_sub(streams.len()));
    let labels: HashMap<i64, &SsrcRow> = labels.iter().map(|row| (row.ssrc, row)).collect();
    let series: Vec<Series> = streams
        .iter()
        .map(|(key, rows)| Series::from_runs(key.label(&labels), series::runs(rows, figure.value)))
        .filter(|series| !series.is_empty())
        .collect();
    LineChart { title: figure.title, y_label: figure.y_label, range, series: &series, left_out }.to_svg()
}

/// Who produces a mapped stream, as the viewer may see them.
pub(super) fn producer(row: &SsrcRow) -> Person {
    Person { user_id: row.user_id.clone(), user_name: row.user_name.clone() }
}

/// Which stream a sample belongs to: a track by direction, kind and SSRC,
/// or the connection's candidate pair.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct StreamKey {
    connection: bool,
    direction: String,
    kind: String,
    ssrc: Option<i64>,
}

impl StreamKey {
    /// "Ada Lovelace (blue-fox) · camera · inbound video", as the viewer may see it.
    fn label(&self, labels: &HashMap<i64, &SsrcRow>) -> String {
        if self.connection {
            return "connection (candidate pair)".to_owned();
        }
        let stream = format!("{} {}", self.direction, self.kind).trim().to_owned();
        let ssrc = self.ssrc.map(|ssrc| format!("ssrc {ssrc}")).unwrap_or_default();
        match self.ssrc.and_then(|ssrc| labels.get(&ssrc)) {
            Some(row) => {
                let person = producer(row).label();
                // A usage label (microphone, camera, screen) already says the kind.
                match row.usage_label.as_deref() {
                    Some(usage) => format!("{person} · {usage} · {}", self.direction),
                    None => format!("{person} · {stream}"),
                }
            }
            None => format!("{stream} {ssrc}").trim().to_owned(),
        }
    }
}

/// Each stream's buckets in time order, streams in a fixed order (so a
/// stream keeps its colour across refreshes).
fn streams(buckets: &[BucketRow]) -> BTreeMap<StreamKey, Vec<&BucketRow>> {
    let mut streams: BTreeMap<StreamKey, Vec<&BucketRow>> = BTreeMap::new();
    for bucket in buckets {
        let key = StreamKey {
            connection: bucket.connection,
            direction: bucket.direction.clone(),
            kind: bucket.kind.clone(),
            ssrc: bucket.ssrc,
        };
        streams.entry(key).or_default().push(bucket);
    }
    streams
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mapped_stream_is_labelled_with_the_person_the_viewer_may_see() {
        let row = SsrcRow { ssrc: 7, user_id: "blue-fox".into(), user_name: None, usage_label: Some("camera".into()) };
        let labels = HashMap::from([(7, &row)]);
        let key = StreamKey { connection: false, direction: "inbound".into(), kind: "video".into(), ssrc: Some(7) };
        assert_eq!(key.label(&labels), "blue-fox · camera · inbound");
        let unmapped = StreamKey { ssrc: Some(8), ..key };
        assert_eq!(unmapped.label(&labels), "inbound video ssrc 8");
    }

    #[test]
    fn every_figure_is_found_by_the_name_in_its_url() {
        for figure in &FIGURES {
            assert_eq!(Figure::named(figure.slug).map(|found| found.title), Some(figure.title));
        }
        assert!(Figure::named("no-such-figure").is_none());
    }
}
