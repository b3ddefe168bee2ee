//! What identifies a person beyond their userID, read before they are
//! erased: the names and logins sent for them (by themselves and by others),
//! their device IDs, the IP addresses their browser reported and the labels
//! of their devices. Relay (TURN) addresses are a server's, not theirs.

use sqlx::PgConnection;
use uuid::Uuid;

use super::Scope;
use crate::server::AppError;

/// Names, aliases, logins and device IDs sent for `user_ids`, by their own
/// endpoints and by other people's connections and SSRC maps in `scope`.
pub async fn names(conn: &mut PgConnection, scope: &Scope, user_ids: &[String]) -> Result<Vec<String>, AppError> {
    let names = sqlx::query_scalar!(
        r#"select distinct v as "v!" from (
               select unnest(array[user_name, alias_name, login_id, device_id]) as v
                 from endpoints where id = any($1)
               union all
               select unnest(array[remote_user_name, remote_alias_name, remote_login_id])
                 from fabrics where instance_id = any($2) and remote_user_id = any($3)
               union all
               select unnest(array[s.user_name, s.alias_name])
                 from ssrc_maps s join fabrics f on f.id = s.fabric_id
                where f.instance_id = any($2) and s.user_id = any($3)
           ) names where v is not null and v <> ''"#,
        &scope.endpoints,
        &scope.instances,
        user_ids,
    )
    .fetch_all(conn)
    .await?;
    Ok(names)
}

/// The aliases sent for the person, each with the userID it stood for.
pub async fn aliases(conn: &mut PgConnection, endpoints: &[Uuid]) -> Result<Vec<(String, String)>, AppError> {
    let rows = sqlx::query!(
        r#"select distinct alias_name as "alias!", user_id from endpoints
            where id = any($1) and alias_name is not null and alias_name <> ''"#,
        endpoints,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|row| (row.alias, row.user_id)).collect())
}

/// The IP addresses (and mDNS names) of the person's own side of their
/// connections: ICE candidates, the candidate lines of the SDPs they sent,
/// and the candidate pairs of their stats.
pub async fn addresses(conn: &mut PgConnection, endpoints: &[Uuid]) -> Result<Vec<String>, AppError> {
    let addresses = sqlx::query_scalar!(
        r#"select distinct a as "a!" from (
               select c.local_address as a
                 from ice_candidates c join fabrics f on f.id = c.fabric_id
                where f.endpoint_id = any($1) and c.local_address <> ''
                  and coalesce(c.local_candidate_type, '') not in ('relay', 'relayed', 'turn')
               union all
               select m[1]
                 from sdps s join fabrics f on f.id = s.fabric_id,
                      regexp_matches(s.local_sdp, 'a=candidate:\S+ \d+ \S+ \d+ (\S+) \d+ typ (?:host|srflx|prflx)', 'g') m
                where f.endpoint_id = any($1) and s.local_sdp is not null
               union all
               select m[1]
                 from reported_errors e,
                      regexp_matches(e.local_sdp, 'a=candidate:\S+ \d+ \S+ \d+ (\S+) \d+ typ (?:host|srflx|prflx)', 'g') m
                where e.endpoint_id = any($1) and e.local_sdp is not null
           ) found"#,
        endpoints,
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(addresses)
}

/// The labels of the person's media devices, as their device lists named them.
pub async fn device_labels(conn: &mut PgConnection, endpoints: &[Uuid]) -> Result<Vec<String>, AppError> {
    Ok(sqlx::query_scalar!(
        r#"select distinct d->>'label' as "label!"
             from fabric_events e,
                  jsonb_array_elements(case jsonb_typeof(e.payload->'mediaDeviceList')
                                       when 'array' then e.payload->'mediaDeviceList' else '[]' end) d
            where e.endpoint_id = any($1) and coalesce(d->>'label', '') <> ''"#,
        endpoints,
    )
    .fetch_all(conn)
    .await?)
}
