//! The collector's pulse (migrations/0024): when it last heard from any
//! live instance, and when it heard again after a quiet gap. What the
//! lifecycle's silence rule measures silence against.

use chrono::{DateTime, TimeDelta, Utc};
use sqlx::PgConnection;

use crate::server::AppError;

/// When the collector last heard from anyone, and when it last heard again
/// after a gap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pulse {
    /// The latest time any live instance was heard from (server clock).
    pub heard_at: DateTime<Utc>,
    /// When the collector heard again after hearing nothing from anyone
    /// for longer than a quiet gap; `None` until it has had to.
    pub resumed_at: Option<DateTime<Utc>>,
}

/// Takes the pulse: the latest time a live instance was heard from,
/// compared with the last one taken. A jump of more than `gap` means the
/// collector heard nothing in between, so hearing resumed then. `None`
/// when no instance is live (and nothing was ever recorded).
pub async fn observe(conn: &mut PgConnection, gap: TimeDelta) -> Result<Option<Pulse>, AppError> {
    let gap_seconds = gap.num_milliseconds() as f64 / 1000.0;
    Ok(sqlx::query_as!(
        Pulse,
        r#"with heard as (select max(last_seen_at) as at from conference_instances where status = 'live')
           insert into collector_pulse as p (heard_at, resumed_at)
           select at, null from heard where at is not null
           on conflict (singleton) do update
              set resumed_at = case when excluded.heard_at > p.heard_at + make_interval(secs => $1) then excluded.heard_at else p.resumed_at end,
                  heard_at = greatest(p.heard_at, excluded.heard_at)
           returning heard_at, resumed_at"#,
        gap_seconds,
    )
    .fetch_optional(conn)
    .await?)
}

/// The pulse as the last lifecycle round took it, if any has.
pub async fn last(conn: &mut PgConnection) -> Result<Option<Pulse>, AppError> {
    Ok(sqlx::query_as!(Pulse, "select heard_at, resumed_at from collector_pulse").fetch_optional(conn).await?)
}
