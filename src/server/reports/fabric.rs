use chrono::{DateTime, Duration, Utc};
use sqlx::PgPool;

use super::conference::{errors, fabrics, summary};
use super::fabric_charts::{self as charts, Figure, producer};
use super::fabric_series as series;
use super::{InstancePools, Viewer, timeline};
use crate::api::{ConferenceSummary, CurrentUser, FabricRow, FabricView, FirstMedia, SdpSnapshot};
use crate::server::AppError;
use crate::server::charts::off_runtime;
use crate::server::db::dashboard::ReadPool;
use crate::server::db::dashboard::conference as conference_db;
use crate::server::db::dashboard::fabric::{self as db, EventRow, SsrcRow};
use crate::server::db::dashboard::series as buckets_db;

/// Issues a fabric's timeline shows, at most (worst first).
const ISSUES_LISTED: i64 = 200;

/// One fabric as a viewer may see it, on its time axis.
struct Scope<'a> {
    /// Where its pages read (see `InstancePools`).
    pool: &'a PgPool,
    viewer: Viewer,
    conference: ConferenceSummary,
    fabric: FabricRow,
    /// From addNewFabric to its end, or to now while it is live.
    range: (DateTime<Utc>, DateTime<Utc>),
}

impl<'a> Scope<'a> {
    /// `NotFound` unless the fabric belongs to that conference instance
    /// and `user` may see its app.
    async fn of(
        primary: &'a PgPool,
        read: &'a ReadPool,
        user: &CurrentUser,
        conference_id: i64,
        fabric_id: i64,
    ) -> Result<Self, AppError> {
        let pools = InstancePools::of(primary, read, conference_id).await?;
        let pool = pools.read;
        let viewer = Viewer::of(pool, user).await?;
        let (conference, _) = summary(pools, &viewer, conference_id).await?;
        let fabric =
            fabrics(pool, conference_id, Some(fabric_id), viewer.names).await?.pop().ok_or(AppError::NotFound)?;
        let end =
            fabric.terminated_at.or(conference.ended_at).unwrap_or_else(|| conference.last_activity_at.max(Utc::now()));
        let range = (fabric.added_at, end.max(fabric.added_at + Duration::seconds(1)));
        Ok(Self { pool, viewer, conference, fabric, range })
    }

    /// The page's path.
    fn path(&self) -> String {
        format!("/conferences/{}/fabrics/{}", self.conference.id, self.fabric.id)
    }
}

/// The fabric page of `fabric_id` in conference instance `conference_id`:
/// read from `read` once the instance has ended there, else from `primary`.
pub async fn fabric(
    primary: &PgPool,
    read: &ReadPool,
    user: &CurrentUser,
    conference_id: i64,
    fabric_id: i64,
) -> Result<FabricView, AppError> {
    let scope = Scope::of(primary, read, user, conference_id, fabric_id).await?;
    let Scope { pool, ref viewer, ref fabric, range, .. } = scope;
    let (events, errors, sdps, labels, buckets, issues) = tokio::try_join!(
        db::events(pool, fabric.id, fabric.endpoint_id),
        errors(pool, conference_id, Some((fabric.id, fabric.endpoint_id)), viewer.names),
        db::sdps(pool, fabric.id),
        db::ssrc_labels(pool, fabric.id, viewer.names),
        buckets_db::buckets(pool, fabric.id, series::bounds(range)),
        conference_db::issues(pool, conference_id, Some(fabric.id), ISSUES_LISTED),
    )?;
    let (errors, errors_total) = errors;
    let timeline = timeline::build(fabric, &events, &errors, &issues);
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
    let charts = charts::listed(&buckets, &scope.path(), range.1);
    let Scope { conference, fabric, .. } = scope;
    Ok(FabricView { conference, fabric, range, timeline, errors, errors_total, sdps, charts, first_media })
}

/// One chart of the fabric page, named `figure` in its URL, as an SVG
/// document; `NotFound` as for the page, or for a figure not charted.
pub async fn fabric_chart(
    primary: &PgPool,
    read: &ReadPool,
    user: &CurrentUser,
    conference_id: i64,
    fabric_id: i64,
    figure: &str,
) -> Result<String, AppError> {
    let figure = Figure::named(figure).ok_or(AppError::NotFound)?;
    let Scope { pool, viewer, fabric, range, .. } = Scope::of(primary, read, user, conference_id, fabric_id).await?;
    let (labels, buckets) = tokio::try_join!(
        db::ssrc_labels(pool, fabric.id, viewer.names),
        buckets_db::buckets(pool, fabric.id, series::bounds(range)),
    )?;
    off_runtime(move || charts::draw(figure, &buckets, &labels, range)).await
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
