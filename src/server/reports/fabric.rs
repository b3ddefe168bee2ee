use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, Utc};
use sqlx::PgPool;

use super::conference::{errors, fabrics, summary};
use super::{Viewer, timeline};
use crate::api::{ChartView, CurrentUser, FabricView, FirstMedia, Person, SdpSnapshot};
use crate::server::AppError;
use crate::server::charts::{LineChart, Point, Series, off_runtime};
use crate::server::db::dashboard::fabric::{self as db, EventRow, SampleRow, SsrcRow};

/// The fabric page of `fabric_id` in conference instance `conference_id`.
pub async fn fabric(
    pool: &PgPool,
    user: &CurrentUser,
    conference_id: i64,
    fabric_id: i64,
) -> Result<FabricView, AppError> {
    let viewer = Viewer::of(pool, user).await?;
    let (conference, _) = summary(pool, &viewer, conference_id).await?;
    let fabric = fabrics(pool, conference_id, Some(fabric_id), viewer.names).await?.pop().ok_or(AppError::NotFound)?;
    let end =
        fabric.terminated_at.or(conference.ended_at).unwrap_or_else(|| conference.last_activity_at.max(Utc::now()));
    let range = (fabric.added_at, end.max(fabric.added_at + Duration::seconds(1)));
    let margin = Duration::minutes(1);
    let (events, errors, sdps, labels, samples) = tokio::try_join!(
        db::events(pool, fabric.id, fabric.endpoint_id),
        errors(pool, conference_id, Some((fabric.id, fabric.endpoint_id)), viewer.names),
        db::sdps(pool, fabric.id),
        db::ssrc_labels(pool, fabric.id, viewer.names),
        db::samples(pool, fabric.id, range.0 - margin, range.1 + margin),
    )?;
    let timeline = timeline::build(&fabric, &events, &errors);
    let first_media = first_media(&events, &labels);
    let sdps = sdps
        .into_iter()
        .map(|row| SdpSnapshot { at: row.reported_at, local: row.local_sdp, remote: row.remote_sdp })
        .collect();
    let charts = off_runtime(move || render_charts(&samples, &labels, range)).await?;
    Ok(FabricView { conference, fabric, range, timeline, errors, sdps, charts, first_media })
}

/// One plotted figure of a sample.
type Figure = fn(&SampleRow, Option<&SampleRow>) -> Option<f64>;

/// The charts of the page, in reading order; a chart without any sample is left out.
const CHARTS: [(&str, &str, Figure); 6] = [
    ("Round-trip time", "RTT (ms)", |s, _| s.rtt_ms),
    ("Jitter", "jitter (ms)", |s, _| s.jitter_ms),
    ("Packet loss", "loss (%)", loss_percent),
    ("Bitrate", "bitrate (kbit/s)", |s, _| s.bitrate_bps.map(|bps| bps / 1000.0)),
    ("Frame rate", "frames per second", |s, _| s.frame_rate),
    ("Resolution", "frame height (px)", |s, _| s.frame_height.map(f64::from)),
];

/// Who produces a mapped stream, as the viewer may see them.
fn producer(row: &SsrcRow) -> Person {
    Person { user_id: row.user_id.clone(), user_name: row.user_name.clone() }
}

/// Time to first media of each stream, from the fabric's `timeToFirstMedia` events.
fn first_media(events: &[EventRow], labels: &[SsrcRow]) -> Vec<FirstMedia> {
    events
        .iter()
        .filter(|event| event.kind == "timeToFirstMedia")
        .filter_map(|event| {
            let ssrc = event.payload.get("ssrc")?.as_str()?;
            let delay_ms = event.payload.get("delay")?.as_i64()?;
            let row = ssrc.parse::<i64>().ok().and_then(|ssrc| labels.iter().find(|row| row.ssrc == ssrc));
            let stream = match row {
                Some(row) => [Some(producer(row).label()), row.usage_label.clone()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" · "),
                None => format!("ssrc {ssrc}"),
            };
            Some(FirstMedia { stream, delay_ms })
        })
        .collect()
}

fn render_charts(
    samples: &[SampleRow],
    labels: &[SsrcRow],
    range: (DateTime<Utc>, DateTime<Utc>),
) -> Result<Vec<ChartView>, AppError> {
    let streams = streams(samples);
    let labels: HashMap<i64, &SsrcRow> = labels.iter().map(|row| (row.ssrc, row)).collect();
    let mut charts = Vec::new();
    for (title, y_label, figure) in CHARTS {
        let series: Vec<Series> = streams
            .iter()
            .filter_map(|(key, rows)| {
                let points: Vec<Point> = rows
                    .iter()
                    .enumerate()
                    .filter_map(|(i, row)| {
                        let previous = i.checked_sub(1).map(|p| rows[p]);
                        figure(row, previous).map(|value| Point { at: row.sampled_at, value })
                    })
                    .collect();
                // Raw points: the chart finds gaps first, then keeps the
                // min and max of each pixel-wide bucket.
                (!points.is_empty()).then(|| Series { label: key.label(&labels), points })
            })
            .collect();
        if series.is_empty() {
            continue;
        }
        let svg = LineChart { title, y_label, range, series: &series }.to_svg()?;
        charts.push(ChartView { title: title.to_owned(), svg });
    }
    Ok(charts)
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

fn streams(samples: &[SampleRow]) -> BTreeMap<StreamKey, Vec<&SampleRow>> {
    let mut streams: BTreeMap<StreamKey, Vec<&SampleRow>> = BTreeMap::new();
    for sample in samples {
        let key = StreamKey {
            connection: sample.report_type == "candidatePair",
            direction: sample.direction.clone().unwrap_or_default(),
            kind: sample.media_kind.clone().unwrap_or_default(),
            ssrc: sample.ssrc,
        };
        streams.entry(key).or_default().push(sample);
    }
    streams
}

/// Loss in percent: the reported fraction, else the share of packets lost
/// since the previous sample, from the cumulative counters.
fn loss_percent(sample: &SampleRow, previous: Option<&SampleRow>) -> Option<f64> {
    if let Some(fraction) = sample.fraction_lost {
        return Some(fraction * 100.0);
    }
    let previous = previous?;
    let lost = sample.packets_lost? - previous.packets_lost?;
    let received = sample.packets_received? - previous.packets_received?;
    let total = lost.max(0) + received.max(0);
    (total > 0).then(|| lost.max(0) as f64 * 100.0 / total as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(lost: i64, received: i64, fraction: Option<f64>) -> SampleRow {
        SampleRow {
            sampled_at: Utc::now(),
            report_type: "track".into(),
            direction: Some("inbound".into()),
            media_kind: Some("audio".into()),
            ssrc: Some(7),
            rtt_ms: None,
            jitter_ms: None,
            packets_lost: Some(lost),
            packets_received: Some(received),
            fraction_lost: fraction,
            bitrate_bps: None,
            frame_rate: None,
            frame_height: None,
        }
    }

    #[test]
    fn loss_comes_from_the_fraction_or_else_from_counter_deltas() {
        assert_eq!(loss_percent(&sample(0, 0, Some(0.25)), None), Some(25.0));
        assert_eq!(loss_percent(&sample(10, 100, None), None), None);
        assert_eq!(loss_percent(&sample(15, 195, None), Some(&sample(10, 100, None))), Some(5.0));
    }

    #[test]
    fn a_mapped_stream_is_labelled_with_the_person_the_viewer_may_see() {
        let row = SsrcRow { ssrc: 7, user_id: "blue-fox".into(), user_name: None, usage_label: Some("camera".into()) };
        let labels = HashMap::from([(7, &row)]);
        let key = StreamKey { connection: false, direction: "inbound".into(), kind: "video".into(), ssrc: Some(7) };
        assert_eq!(key.label(&labels), "blue-fox · camera · inbound");
        let unmapped = StreamKey { ssrc: Some(8), ..key };
        assert_eq!(unmapped.label(&labels), "inbound video ssrc 8");
    }
}
