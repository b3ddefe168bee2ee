//! Fabrics (monitored peer connections), as the collector writes them.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::server::AppError;

/// The fabric of `endpoint_id` named `connection_id`, created on first
/// mention (clients of the plain REST API have no addNewFabric). One round
/// trip, except when another request creates the same fabric concurrently:
/// then our insert waits for it and the statement's snapshot cannot see
/// its row, so a second statement reads it.
pub async fn resolve(
    conn: &mut PgConnection,
    endpoint_id: Uuid,
    instance_id: i64,
    connection_id: &str,
    remote_user_id: &str,
    at: DateTime<Utc>,
) -> Result<i64, AppError> {
    let id = sqlx::query_scalar!(
        r#"with created as (
               insert into fabrics (endpoint_id, instance_id, connection_id, remote_user_id, added_at)
               values ($1, $2, $3, $4, $5)
               on conflict (endpoint_id, connection_id) do nothing
               returning id
           )
           select id as "id!" from created
           union all
           select id from fabrics where endpoint_id = $1 and connection_id = $3
           limit 1"#,
        endpoint_id,
        instance_id,
        connection_id,
        remote_user_id,
        at,
    )
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(id) = id {
        return Ok(id);
    }
    Ok(sqlx::query_scalar!(
        "select id from fabrics where endpoint_id = $1 and connection_id = $2",
        endpoint_id,
        connection_id,
    )
    .fetch_one(conn)
    .await?)
}

/// What `addNewFabric()` says about a fabric.
pub struct AddedFabric<'a> {
    /// The wire connectionID.
    pub connection_id: &'a str,
    /// The wire remoteID (for a userID object, its aliasName).
    pub remote_user_id: &'a str,
    /// remoteUserID object: the real name.
    pub remote_user_name: Option<&'a str>,
    /// remoteUserID object: the alias.
    pub remote_alias_name: Option<&'a str>,
    /// remoteUserID object: the login.
    pub remote_login_id: Option<&'a str>,
    /// fabricUsage, in its wire spelling.
    pub usage: &'a str,
    /// fabricAttributes.remoteEndpointType (default `peer`).
    pub remote_endpoint_type: &'a str,
    /// fabricAttributes.fabricTransmissionDirection (default `sendrecv`).
    pub transmission_direction: &'a str,
    /// fabricAttributes as sent (`{}` when absent).
    pub attributes: &'a serde_json::Value,
    /// The addNewFabric timestamp.
    pub added_at: DateTime<Utc>,
}

/// addNewFabric: creates the fabric, or completes one that an earlier
/// message created on first mention. Its timestamp becomes `added_at`
/// either way: it is the documented reference point of setup delay.
pub async fn add(
    conn: &mut PgConnection,
    endpoint_id: Uuid,
    instance_id: i64,
    fabric: &AddedFabric<'_>,
) -> Result<i64, AppError> {
    let id = sqlx::query_scalar!(
        r#"insert into fabrics (endpoint_id, instance_id, connection_id, remote_user_id, remote_user_name,
                                remote_alias_name, remote_login_id, fabric_usage, remote_endpoint_type,
                                transmission_direction, attributes, added_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
           on conflict (endpoint_id, connection_id) do update set
               remote_user_id = excluded.remote_user_id,
               remote_user_name = excluded.remote_user_name,
               remote_alias_name = excluded.remote_alias_name,
               remote_login_id = excluded.remote_login_id,
               fabric_usage = excluded.fabric_usage,
               remote_endpoint_type = excluded.remote_endpoint_type,
               transmission_direction = excluded.transmission_direction,
               attributes = excluded.attributes,
               added_at = excluded.added_at
           returning id"#,
        endpoint_id,
        instance_id,
        fabric.connection_id,
        fabric.remote_user_id,
        fabric.remote_user_name,
        fabric.remote_alias_name,
        fabric.remote_login_id,
        fabric.usage,
        fabric.remote_endpoint_type,
        fabric.transmission_direction,
        fabric.attributes,
        fabric.added_at,
    )
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// The delays a fabricSetup reports, in ms; `None` when not given.
#[derive(Debug, Default, Clone, Copy)]
pub struct SetupDelays {
    /// Establishment delay; when absent it is computed as `at - added_at`.
    pub delay_ms: Option<i32>,
    /// iceGatheringDelay.
    pub ice_gathering_ms: Option<i32>,
    /// iceConnectivityDelay.
    pub ice_connectivity_ms: Option<i32>,
}

/// fabricSetup: the fabric is set up. The first setup is the establishment
/// that counts (a later one, after an ICE restart, only changes the state);
/// a terminated fabric stays terminated.
pub async fn set_up(
    conn: &mut PgConnection,
    fabric_id: i64,
    at: DateTime<Utc>,
    delays: SetupDelays,
) -> Result<(), AppError> {
    sqlx::query!(
        r#"update fabrics set
               setup_delay_ms = case when setup_at is null
                   then coalesce($3::int, greatest(0, least(2147483647,
                            round(extract(epoch from $2::timestamptz - added_at) * 1000)))::int)
                   else setup_delay_ms end,
               ice_gathering_delay_ms = case when setup_at is null then $4 else ice_gathering_delay_ms end,
               ice_connectivity_delay_ms = case when setup_at is null then $5 else ice_connectivity_delay_ms end,
               setup_at = coalesce(setup_at, $2),
               state = case when state = 'terminated' then state else 'setup' end
           where id = $1"#,
        fabric_id,
        at,
        delays.delay_ms,
        delays.ice_gathering_ms,
        delays.ice_connectivity_ms,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// fabricSetupFailed: the fabric could not be set up. The first failure
/// keeps its time, delay (`delay_ms`, else `at - added_at`) and reason.
pub async fn set_failed(
    conn: &mut PgConnection,
    fabric_id: i64,
    at: DateTime<Utc>,
    delay_ms: Option<i32>,
    reason: Option<&str>,
) -> Result<(), AppError> {
    sqlx::query!(
        r#"update fabrics set
               failure_delay_ms = case when failed_at is null
                   then coalesce($3::int, greatest(0, least(2147483647,
                            round(extract(epoch from $2::timestamptz - added_at) * 1000)))::int)
                   else failure_delay_ms end,
               failure_reason = case when failed_at is null then $4 else failure_reason end,
               failed_at = coalesce(failed_at, $2),
               state = case when state = 'terminated' then state else 'failed' end
           where id = $1"#,
        fabric_id,
        at,
        delay_ms,
        reason,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// fabricTerminated: the fabric ended.
pub async fn terminate(conn: &mut PgConnection, fabric_id: i64, at: DateTime<Utc>) -> Result<(), AppError> {
    sqlx::query!(
        "update fabrics set terminated_at = coalesce(terminated_at, $2), state = 'terminated' where id = $1",
        fabric_id,
        at,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Ends the live instance when none of its fabrics is added or set up any
/// more, so that a later join of its conferenceID starts a new instance.
/// Call it holding [`conferences::lock_instance`](super::conferences::lock_instance),
/// taken before the fabric was changed: two fabrics terminated at once then
/// cannot both see the other one still live. Returns whether it ended now.
pub async fn end_instance_if_fabrics_ended(
    conn: &mut PgConnection,
    instance_id: i64,
    at: DateTime<Utc>,
) -> Result<bool, AppError> {
    let ended = sqlx::query!(
        r#"update conference_instances
           set status = 'ended', ended_at = greatest($2, started_at), end_reason = 'fabricsEnded'
           where id = $1 and status = 'live'
             and not exists (select 1 from fabrics where instance_id = $1 and state in ('added', 'setup'))"#,
        instance_id,
        at,
    )
    .execute(conn)
    .await?;
    Ok(ended.rows_affected() > 0)
}

/// Which browser-reported state of a fabric changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateKind {
    /// RTCPeerConnection.signalingState.
    Signaling,
    /// iceConnectionState.
    IceConnection,
    /// iceGatheringState.
    IceGathering,
    /// connectionState.
    Connection,
}

/// Records the new value (≤ 64 bytes) of one browser-reported state.
pub async fn set_state(
    conn: &mut PgConnection,
    fabric_id: i64,
    kind: StateKind,
    new_state: &str,
    at: DateTime<Utc>,
) -> Result<(), AppError> {
    use StateKind::{Connection, IceConnection, IceGathering, Signaling};
    sqlx::query!(
        r#"update fabrics set
               signaling_state = case when $2 then $6 else signaling_state end,
               ice_connection_state = case when $3 then $6 else ice_connection_state end,
               ice_gathering_state = case when $4 then $6 else ice_gathering_state end,
               connection_state = case when $5 then $6 else connection_state end,
               state_changed_at = greatest(state_changed_at, $7)
           where id = $1"#,
        fabric_id,
        kind == Signaling,
        kind == IceConnection,
        kind == IceGathering,
        kind == Connection,
        new_state,
        at,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Records the relay type of the fabric's transport after a transport change.
pub async fn set_relay_type(conn: &mut PgConnection, fabric_id: i64, relay_type: &str) -> Result<(), AppError> {
    sqlx::query!("update fabrics set relay_type = $2 where id = $1", fabric_id, relay_type).execute(conn).await?;
    Ok(())
}
