//! Everything the erase and the export do with `stats_samples`, in one
//! place. Since 0022 a sample holds figures and codes only: no address, no
//! name; its one text, the getStats() object's id (`stat_key`), is the
//! client's to choose, so it is scrubbed like any other.

use serde_json::Value;
use sqlx::PgConnection;
use uuid::Uuid;

use super::erase::Erase;
use crate::server::AppError;

/// At most this many stats samples are exported; the export says when
/// there were more.
pub const STATS_LIMIT: i64 = 200_000;

/// The getStats() ids in the samples of the person's conferences that
/// mention them.
pub async fn scrub(conn: &mut PgConnection, e: &Erase<'_>) -> Result<u64, AppError> {
    let ((own, own_with), (shared, shared_with)) = (e.own, e.shared);
    Ok(sqlx::query!(
        "update stats_samples t
            set stat_key = subject_scrub(t.stat_key, subject_pick(f.own, $3, $5), subject_pick(f.own, $4, $6))
           from (select id, endpoint_id = any($2) as own from fabrics where instance_id = any($1)) f
          where t.fabric_id = f.id and subject_mentions(t.stat_key, subject_pick(f.own, $3, $5))",
        e.instances,
        e.endpoints,
        own,
        own_with,
        shared,
        shared_with,
    )
    .execute(conn)
    .await?
    .rows_affected())
}

/// The stats samples of the person's connections, at most
/// [`STATS_LIMIT`] of them, oldest first.
pub async fn export(conn: &mut PgConnection, endpoints: &[Uuid]) -> Result<Value, AppError> {
    Ok(sqlx::query_scalar!(
        r#"select coalesce(jsonb_agg(to_jsonb(t) order by t.fabric_id, t.sampled_at, t.stat_key), '[]') as "rows!"
             from (select s.* from stats_samples s join fabrics f on f.id = s.fabric_id
                    where f.endpoint_id = any($1) order by s.fabric_id, s.sampled_at, s.stat_key limit $2) t"#,
        endpoints,
        STATS_LIMIT,
    )
    .fetch_one(conn)
    .await?)
}
