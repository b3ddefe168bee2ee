//! Diagnosing a conference instance with the detectors of `domain::diagnosis`:
//! what they read (`reads`), and where their findings are kept (`fabric_issues`).

mod reads;

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use crate::domain::diagnosis::{self, Attribution, Ends, FabricSeries, Finding, Flow, IssueKind, Side};
use crate::domain::limits::truncate_bytes;
use crate::server::AppError;
use reads::{events, fabrics, paths, presences, tracks, window};

/// Fabrics whose polls and events are read together: a few round trips per
/// conference rather than three per connection (each round trip's wake-ups
/// and syscalls were a fifth of a summary's CPU, `make bench-summary`), and
/// memory bounded by this many fabrics' series.
pub const FABRICS_PER_READ: usize = 16;

/// The most of what failed kept with a finding (`fabric_issues.detail`).
const DETAIL_BYTES: usize = 64;

/// A finding of one fabric (or of the conference) with its side, ready to store.
#[derive(Debug)]
pub struct Issue<'a> {
    /// `fabrics.id`; none for a conference-level finding.
    pub fabric_id: Option<i64>,
    /// What was found.
    pub finding: &'a Finding,
    /// Whose side.
    pub attribution: &'a Attribution,
}

/// Runs the detectors over instance `instance_id`, one fabric at a time,
/// and replaces its stored issues with theirs; returns the kinds found.
/// Idempotent: the same samples give the same rows.
pub async fn refresh(conn: &mut PgConnection, instance_id: i64) -> Result<Vec<IssueKind>, AppError> {
    lock(conn, instance_id).await?;
    diagnose(conn, instance_id).await
}

/// [`refresh`] of a live instance, which also lists the kinds found on it
/// for search; does nothing (false) once it has ended, since its summary
/// diagnoses it then.
pub async fn refresh_live(conn: &mut PgConnection, instance_id: i64) -> Result<bool, AppError> {
    lock(conn, instance_id).await?;
    let live = sqlx::query_scalar!(
        r#"select status = 'live' as "live!" from conference_instances where id = $1"#,
        instance_id,
    )
    .fetch_optional(&mut *conn)
    .await?;
    if live != Some(true) {
        return Ok(false);
    }
    let kinds: Vec<&str> = diagnose(conn, instance_id).await?.into_iter().map(IssueKind::as_str).collect();
    sqlx::query!("update conference_instances set issue_kinds = $2 where id = $1", instance_id, &kinds as &[&str],)
        .execute(&mut *conn)
        .await?;
    Ok(true)
}

/// Takes the instance's diagnosis lock until the transaction ends, so a
/// live refresh and the summary that ends the instance run one after the
/// other. Not its row's lock: the collector keeps writing the row meanwhile.
async fn lock(conn: &mut PgConnection, instance_id: i64) -> Result<(), AppError> {
    sqlx::query!("select pg_advisory_xact_lock(hashtextextended('diagnosis', $1))", instance_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

async fn diagnose(conn: &mut PgConnection, instance_id: i64) -> Result<Vec<IssueKind>, AppError> {
    let window = window(conn, instance_id).await?;
    let fabrics = fabrics(conn, instance_id).await?;
    let ids: Vec<i64> = fabrics.iter().map(|(id, ..)| *id).collect();
    let mut diagnosed: Vec<(Ends, Vec<Finding>)> = Vec::with_capacity(fabrics.len());
    let mut flows: Vec<(Ends, Flow)> = Vec::with_capacity(fabrics.len());
    for (batch, fabrics) in ids.chunks(FABRICS_PER_READ).zip(fabrics.chunks(FABRICS_PER_READ)) {
        let (mut tracks, mut paths, mut events) =
            (tracks(conn, batch, window).await?, paths(conn, batch, window).await?, events(conn, batch).await?);
        for (id, ends, setup) in fabrics {
            let series = FabricSeries {
                tracks: tracks.remove(id).unwrap_or_default(),
                path: paths.remove(id).unwrap_or_default(),
                events: events.remove(id).unwrap_or_default(),
                ..setup.clone()
            };
            diagnosed.push((ends.clone(), diagnosis::diagnose(&series)));
            flows.push((ends.clone(), Flow::of(&series)));
        }
    }
    for (index, finding) in diagnosis::one_way(&flows) {
        diagnosed[index].1.push(finding);
    }
    let sides = diagnosis::attribute(&diagnosed);
    let (presences, end) = presences(conn, instance_id).await?;
    let conference: Vec<(Finding, Attribution)> = diagnosis::detect_conference(&presences, end)
        .into_iter()
        .map(|(who, finding)| (finding, Attribution { side: Side::Participant, who, peer: None }))
        .collect();
    let issues: Vec<Issue> = ids
        .iter()
        .zip(&diagnosed)
        .zip(&sides)
        .flat_map(|((&id, (_, findings)), sides)| {
            findings.iter().zip(sides).map(move |(finding, attribution)| Issue {
                fabric_id: Some(id),
                finding,
                attribution,
            })
        })
        .chain(conference.iter().map(|(finding, attribution)| Issue { fabric_id: None, finding, attribution }))
        .collect();
    store(conn, instance_id, &issues).await?;
    let mut kinds: Vec<IssueKind> = issues.iter().map(|issue| issue.finding.kind).collect();
    kinds.sort_unstable_by_key(|kind| kind.as_str());
    kinds.dedup();
    Ok(kinds)
}

/// Replaces the instance's stored issues with `issues`.
pub async fn store(conn: &mut PgConnection, instance_id: i64, issues: &[Issue<'_>]) -> Result<(), AppError> {
    sqlx::query!("delete from fabric_issues where instance_id = $1", instance_id).execute(&mut *conn).await?;
    if issues.is_empty() {
        return Ok(());
    }
    macro_rules! column {
        ($value:expr) => {
            issues.iter().map($value).collect::<Vec<_>>()
        };
    }
    let stream = |issue: &Issue| issue.finding.stream;
    // A figure summed from absurd counters may overflow to infinity: none is kept.
    let figure = |value: Option<f64>| value.filter(|value| value.is_finite());
    sqlx::query!(
        r#"insert into fabric_issues (
               instance_id, fabric_id, kind, severity, started_at, ended_at, ssrc, direction, media_kind,
               side, who, peer, peak, typical, count, detail)
           select $1, * from unnest(
               $2::bigint[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::bigint[],
               $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::float8[], $14::float8[],
               $15::int[], $16::text[])"#,
        instance_id,
        &column!(|issue| issue.fabric_id) as &[Option<i64>],
        &column!(|issue| issue.finding.kind.as_str()) as &[&str],
        &column!(|issue| issue.finding.severity.as_str()) as &[&str],
        &column!(|issue| issue.finding.start) as &[DateTime<Utc>],
        &column!(|issue| issue.finding.end) as &[DateTime<Utc>],
        &column!(|issue| stream(issue).map(|stream| stream.ssrc)) as &[Option<i64>],
        &column!(|issue| stream(issue).map(|stream| stream.direction.as_str())) as &[Option<&str>],
        &column!(|issue| stream(issue).map(|stream| stream.kind.as_str())) as &[Option<&str>],
        &column!(|issue| issue.attribution.side.as_str()) as &[&str],
        &column!(|issue| issue.attribution.who.as_str()) as &[&str],
        &column!(|issue| issue.attribution.peer.as_deref()) as &[Option<&str>],
        &column!(|issue| figure(issue.finding.peak)) as &[Option<f64>],
        &column!(|issue| figure(issue.finding.typical)) as &[Option<f64>],
        &column!(|issue| issue.finding.count.map(|count| i32::try_from(count).unwrap_or(i32::MAX))) as &[Option<i32>],
        &column!(|issue| issue.finding.detail.as_deref().map(|detail| truncate_bytes(detail, DETAIL_BYTES).0))
            as &[Option<&str>],
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}
