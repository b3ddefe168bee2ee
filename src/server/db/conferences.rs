//! Conference instances and their endpoints, as the collector writes them.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

use crate::server::AppError;

/// An endpoint (ucID) and where it belongs, for checking a request.
#[derive(Debug, Clone)]
pub struct EndpointRow {
    /// Conference instance it is part of.
    pub instance_id: i64,
    /// Internal app id.
    pub app_id: i64,
    /// The exact conferenceID of the instance.
    pub conference_id: String,
    /// The endpoint's localID.
    pub user_id: String,
    /// Whether the app is disabled.
    pub app_disabled: bool,
}

/// What a user joined message records about the endpoint.
pub struct NewEndpoint<'a> {
    /// The wire localID.
    pub user_id: &'a str,
    /// The wire deviceID.
    pub device_id: &'a str,
    /// endpointInfo as sent.
    pub endpoint_info: &'a Value,
    /// When the user joined (client clock).
    pub joined_at: DateTime<Utc>,
}

/// Adds an endpoint to the live instance of `conference_id`, starting a new
/// instance when none is live (first join, or reuse after the last ended).
/// Returns the ucID, or `None` when the app is disabled.
pub async fn join(
    conn: &mut PgConnection,
    app_id: i64,
    conference_id: &str,
    endpoint: &NewEndpoint<'_>,
) -> Result<Option<Uuid>, AppError> {
    let instance_id = sqlx::query_scalar!(
        r#"insert into conference_instances (app_id, conference_id, started_at, last_activity_at)
           select id, $2, $3, $3 from apps where id = $1 and disabled_at is null
           on conflict (app_id, conference_id) where status = 'live'
           do update set last_activity_at = greatest(conference_instances.last_activity_at, excluded.last_activity_at),
                         last_seen_at = now()
           returning id"#,
        app_id,
        conference_id,
        endpoint.joined_at,
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(instance_id) = instance_id else { return Ok(None) };
    let uc_id = sqlx::query_scalar!(
        r#"insert into endpoints (instance_id, app_id, user_id, device_id, endpoint_info, joined_at, last_alive_at)
           values ($1, $2, $3, $4, $5, $6, $6)
           returning id"#,
        instance_id,
        app_id,
        endpoint.user_id,
        endpoint.device_id,
        endpoint.endpoint_info,
        endpoint.joined_at,
    )
    .fetch_one(conn)
    .await?;
    Ok(Some(uc_id))
}

/// Takes the row lock of a conference instance until the transaction ends,
/// to serialise work that reads the instance's children and then writes
/// the instance (the last fabric terminated, the feedback summary). A
/// request writes its instance (the activity touch) before any child row,
/// so taking this lock before touching a child row (a fabric) keeps one
/// lock order: instance, then child.
pub async fn lock_instance(conn: &mut PgConnection, instance_id: i64) -> Result<(), AppError> {
    // `no key update` does not conflict with the key-share locks that
    // inserts of child rows (endpoints, feedback) take on the instance.
    sqlx::query!("select id from conference_instances where id = $1 for no key update", instance_id)
        .fetch_one(conn)
        .await?;
    Ok(())
}

/// The endpoint named by a ucID, if it exists.
pub async fn endpoint(db: impl PgExecutor<'_>, uc_id: Uuid) -> Result<Option<EndpointRow>, AppError> {
    Ok(sqlx::query_as!(
        EndpointRow,
        r#"select e.instance_id, ci.app_id, ci.conference_id, e.user_id,
                  a.disabled_at is not null as "app_disabled!"
           from endpoints e
           join conference_instances ci on ci.id = e.instance_id
           join apps a on a.id = ci.app_id
           where e.id = $1"#,
        uc_id,
    )
    .fetch_optional(db)
    .await?)
}

/// Notes activity at client time `at` in an instance, and that the server
/// heard from it now. Takes the instance's row lock (until the caller's
/// transaction ends), so an end decided at the same moment elsewhere is
/// ordered with it: data stored before this call is either read by that
/// end's summary or, the instance being ended and summarised already, the
/// summary is marked stale here and the lifecycle worker computes it again.
/// Throttled by its callers (`collector::Activity`), not here: a condition
/// here would skip the lock.
pub async fn touch_instance(db: impl PgExecutor<'_>, instance_id: i64, at: DateTime<Utc>) -> Result<(), AppError> {
    sqlx::query!(
        r#"update conference_instances
           set last_activity_at = greatest(last_activity_at, $2), last_seen_at = now(),
               summarized_at = case when status = 'ended' then null else summarized_at end
           where id = $1"#,
        instance_id,
        at,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// userAlive: the endpoint is still there.
pub async fn alive(conn: &mut PgConnection, uc_id: Uuid, at: DateTime<Utc>) -> Result<(), AppError> {
    sqlx::query!("update endpoints set last_alive_at = greatest(last_alive_at, $2) where id = $1", uc_id, at,)
        .execute(conn)
        .await?;
    Ok(())
}

/// userLeft: the endpoint left; when it was the last one present, the
/// instance ends (a later join of the conferenceID starts a new instance).
/// Returns whether it ended now.
pub async fn left(conn: &mut PgConnection, uc_id: Uuid, instance_id: i64, at: DateTime<Utc>) -> Result<bool, AppError> {
    sqlx::query!(
        r#"update endpoints set left_at = greatest($2, joined_at), left_reason = 'userLeft'
           where id = $1 and left_at is null"#,
        uc_id,
        at,
    )
    .execute(&mut *conn)
    .await?;
    let ended = sqlx::query!(
        r#"update conference_instances
           set status = 'ended', ended_at = greatest($2, started_at), end_reason = 'allLeft'
           where id = $1 and status = 'live'
             and not exists (select 1 from endpoints where instance_id = $1 and left_at is null)"#,
        instance_id,
        at,
    )
    .execute(conn)
    .await?;
    Ok(ended.rows_affected() > 0)
}

/// The user details of the callstats.js API: the userID object and configParams.
pub struct UserDetails<'a> {
    /// userID object fields, when an object was given.
    pub user_name: Option<&'a str>,
    /// aliasName.
    pub alias_name: Option<&'a str>,
    /// loginID.
    pub login_id: Option<&'a str>,
    /// configParams as sent.
    pub config_params: &'a Value,
    /// configParams.applicationVersion.
    pub application_version: Option<&'a str>,
    /// configParams.siteID.
    pub site_id: Option<&'a str>,
}

/// Records the user details of an endpoint (replacing earlier ones).
pub async fn set_user_details(conn: &mut PgConnection, uc_id: Uuid, details: &UserDetails<'_>) -> Result<(), AppError> {
    sqlx::query!(
        r#"update endpoints
           set user_name = coalesce($2, user_name), alias_name = coalesce($3, alias_name),
               login_id = coalesce($4, login_id), config_params = $5,
               application_version = $6, site_id = $7
           where id = $1"#,
        uc_id,
        details.user_name,
        details.alias_name,
        details.login_id,
        details.config_params,
        details.application_version,
        details.site_id,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Live instances the server has heard nothing from since before `cutoff`
/// (server time), oldest first, locked for closing; rows another worker
/// holds are skipped.
pub async fn claim_silent(conn: &mut PgConnection, cutoff: DateTime<Utc>, limit: i64) -> Result<Vec<i64>, AppError> {
    Ok(sqlx::query_scalar!(
        "select id from conference_instances where status = 'live' and last_seen_at < $1
          order by last_seen_at limit $2 for update skip locked",
        cutoff,
        limit,
    )
    .fetch_all(conn)
    .await?)
}

/// Ends a silent instance at its last activity (client time); returns its
/// app's id, or `None` when it was not live.
pub async fn end_silent(conn: &mut PgConnection, instance_id: i64) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar!(
        "update conference_instances
            set status = 'ended', ended_at = greatest(last_activity_at, started_at), end_reason = 'inactivity'
          where id = $1 and status = 'live'
          returning app_id",
        instance_id,
    )
    .fetch_optional(conn)
    .await?)
}

/// Live instances not diagnosed since `cutoff` (server time), longest
/// waiting first: marked as diagnosed at `now` and returned, so no other
/// worker claims them too.
pub async fn claim_undiagnosed(
    conn: &mut PgConnection,
    cutoff: DateTime<Utc>,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<i64>, AppError> {
    Ok(sqlx::query_scalar!(
        "update conference_instances set diagnosed_at = $2
          where id in (select id from conference_instances
                        where status = 'live' and coalesce(diagnosed_at, '-infinity') <= $1
                        order by diagnosed_at nulls first, id limit $3 for update skip locked)
          returning id",
        cutoff,
        now,
        limit,
    )
    .fetch_all(conn)
    .await?)
}

/// Ended instances without a current summary (a late event made it stale,
/// or computing it failed and its back-off is over at `now`), locked for
/// summarising; rows another worker holds are skipped.
pub async fn claim_stale(conn: &mut PgConnection, now: DateTime<Utc>, limit: i64) -> Result<Vec<i64>, AppError> {
    Ok(sqlx::query_scalar!(
        "select id from conference_instances where status = 'ended' and summarized_at is null
            and (summary_retry_at is null or summary_retry_at <= $1)
          order by id limit $2 for update skip locked",
        now,
        limit,
    )
    .fetch_all(conn)
    .await?)
}
