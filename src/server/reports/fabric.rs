use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, Utc};
use sqlx::PgPool;

use super::conference::{errors, fabrics, summary};
use super::fabric_series::{self as series, Figure, loss_percent, pair};
use super::{Viewer, timeline};
use crate::api::{ChartView, CurrentUser, FabricView, FirstMedia, Person, SdpSnapshot};
use crate::server::AppError;
use crate::server::charts::{LineChart, Series, off_runtime};
use crate::server::db::dashboard::fabric::{self as db, EventRow, SsrcRow};
use crate::server::db::dashboard::series::{self as buckets_db, BucketRow};

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
    let (events, errors, sdps, labels, buckets) = tokio::try_join!(
        db::events(pool, fabric.id, fabric.endpoint_id),
        errors(pool, conference_id, Some((fabric.id, fabric.endpoint_id)), viewer.names),
        db::sdps(pool, fabric.id),
        db::ssrc_labels(pool, fabric.id, viewer.names),
        buckets_db::buckets(pool, fabric.id, series::bounds(range)),
    )?;
    let (errors, errors_total) = errors;
    let timeline = timeline::build(&fabric, &events, &errors);
    let first_media = first_media(&events, &labels);
    let sdps = sdps
        .into_iter()
        .map(|row| SdpSnapshot {
            id: row.id,
            at: row.reported_at,
            local_bytes: row.local_bytes,
            remote_bytes: row.remote_bytes,
        })
        .collect();
    let charts = off_runtime(move || render_charts(&buckets, &labels, range)).await?;
    Ok(FabricView { conference, fabric, range, timeline, errors, errors_total, sdps, charts, first_media })
}

/// The charts of the page, in reading order; a chart without any sample is left out.
const CHARTS: [(&str, &str, Figure); 6] = [
    ("Round-trip time", "RTT (ms)", |b, _| pair(b.rtt_ms)),
    ("Jitter", "jitter (ms)", |b, _| pair(b.jitter_ms)),
    ("Packet loss", "loss (%)", loss_percent),
    ("Bitrate", "bitrate (kbit/s)", |b, _| pair(b.bitrate_bps).map(|(low, high)| (low / 1000.0, high / 1000.0))),
    ("Frame rate", "frames per second", |b, _| pair(b.frame_rate)),
    ("Resolution", "frame height (px)", |b, _| {
        pair((b.frame_height.0.map(f64::from), b.frame_height.1.map(f64::from)))
    }),
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

/// One chart per figure, one line per stream; the streams the query left
/// out are counted in each legend.
fn render_charts(
    buckets: &[BucketRow],
    labels: &[SsrcRow],
    range: (DateTime<Utc>, DateTime<Utc>),
) -> Result<Vec<ChartView>, AppError> {
    let streams = streams(buckets);
    let left_out =
        buckets.first().map_or(0, |row| usize::try_from(row.streams).unwrap_or(0).saturating_sub(streams.len()));
    let labels: HashMap<i64, &SsrcRow> = labels.iter().map(|row| (row.ssrc, row)).collect();
    let mut charts = Vec::new();
    for (title, y_label, figure) in CHARTS {
        let series: Vec<Series> = streams
            .iter()
            .map(|(key, rows)| Series::from_runs(key.label(&labels), series::runs(rows, figure)))
            .filter(|series| !series.is_empty())
            .collect();
        if series.is_empty() {
            continue;
        }
        let svg = LineChart { title, y_label, range, series: &series, left_out }.to_svg()?;
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
}
