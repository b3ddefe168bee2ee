//! SSRC maps: which user (and usage) each RTP stream of a fabric belongs to.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::PgConnection;

use crate::server::AppError;

/// The mapping of one SSRC.
#[derive(Debug)]
pub struct Mapping<'a> {
    /// The RTP SSRC, 0..=u32::MAX.
    pub ssrc: u32,
    /// The producer's userID (the aliasName for a userID object; may be empty).
    pub user_id: &'a str,
    /// userName of a userID object.
    pub user_name: Option<&'a str>,
    /// aliasName of a userID object.
    pub alias_name: Option<&'a str>,
    /// usageLabel (≤ 20 bytes).
    pub usage_label: Option<&'a str>,
    /// associatedVideoTag.
    pub associated_video_tag: Option<&'a str>,
    /// inbound or outbound.
    pub stream_type: Option<&'a str>,
    /// The other fields as sent (cname, msid, mslabel, label, localStartTime, ...).
    pub details: Value,
}

/// Upserts `mappings` (distinct SSRCs) of a fabric in one statement; a stored
/// mapping is replaced unless it was reported later than `reported_at`.
pub async fn upsert(
    conn: &mut PgConnection,
    fabric_id: i64,
    reported_at: DateTime<Utc>,
    mappings: &[Mapping<'_>],
) -> Result<(), AppError> {
    if mappings.is_empty() {
        return Ok(());
    }
    macro_rules! column {
        ($value:expr) => {
            mappings.iter().map($value).collect::<Vec<_>>()
        };
    }
    sqlx::query!(
        r#"insert into ssrc_maps (
               fabric_id, reported_at, ssrc, user_id, user_name, alias_name, usage_label,
               associated_video_tag, stream_type, details)
           select $1, $2, * from unnest(
               $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::jsonb[])
           on conflict (fabric_id, ssrc) do update set
               user_id = excluded.user_id, user_name = excluded.user_name, alias_name = excluded.alias_name,
               usage_label = excluded.usage_label, associated_video_tag = excluded.associated_video_tag,
               stream_type = excluded.stream_type, details = excluded.details, reported_at = excluded.reported_at
           where ssrc_maps.reported_at <= excluded.reported_at"#,
        fabric_id,
        reported_at,
        &column!(|mapping| i64::from(mapping.ssrc)) as &[i64],
        &column!(|mapping| mapping.user_id) as &[&str],
        &column!(|mapping| mapping.user_name) as &[Option<&str>],
        &column!(|mapping| mapping.alias_name) as &[Option<&str>],
        &column!(|mapping| mapping.usage_label) as &[Option<&str>],
        &column!(|mapping| mapping.associated_video_tag) as &[Option<&str>],
        &column!(|mapping| mapping.stream_type) as &[Option<&str>],
        &column!(|mapping| mapping.details.clone()) as &[Value],
    )
    .execute(conn)
    .await?;
    Ok(())
}
