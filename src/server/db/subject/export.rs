//! Everything stored about a person, as JSON: each row of theirs whole
//! (`to_jsonb`, so a column added later is exported without a change
//! here), less what names other people (their names and logins in the
//! person's connections and SSRC maps).

use serde_json::Value;
use sqlx::PgConnection;

use super::Scope;
use crate::server::AppError;

/// One query's rows as a JSON array.
macro_rules! rows {
    ($conn:expr, $sql:literal, $($arg:expr),* $(,)?) => {
        sqlx::query_scalar!($sql, $($arg),*).fetch_one(&mut *$conn).await?
    };
}

/// The person's rows, by kind, in the order they are exported.
pub async fn rows(
    conn: &mut PgConnection,
    app_id: i64,
    user_ids: &[String],
    scope: &Scope,
) -> Result<Vec<(&'static str, Value)>, AppError> {
    let (endpoints, instances) = (&scope.endpoints, &scope.instances);
    let mut out = vec![
        (
            "endpoints",
            rows!(
                conn,
                r#"select coalesce(jsonb_agg(to_jsonb(p) order by p.joined_at), '[]') as "rows!"
             from endpoints p where p.id = any($1)"#,
                endpoints
            ),
        ),
        (
            "conferences",
            rows!(
                conn,
                r#"select coalesce(jsonb_agg(to_jsonb(c) - 'summary' order by c.started_at), '[]') as "rows!"
             from conference_instances c where c.id = any($1)"#,
                instances
            ),
        ),
        (
            "fabrics",
            rows!(
                conn,
                r#"select coalesce(jsonb_agg(to_jsonb(f) - 'remote_user_name' - 'remote_alias_name' - 'remote_login_id'
                    order by f.added_at), '[]') as "rows!"
             from fabrics f where f.endpoint_id = any($1)"#,
                endpoints
            ),
        ),
        (
            "events",
            rows!(
                conn,
                r#"select coalesce(jsonb_agg(to_jsonb(t) order by t.occurred_at), '[]') as "rows!"
             from fabric_events t where t.endpoint_id = any($1)"#,
                endpoints
            ),
        ),
        (
            "errors",
            rows!(
                conn,
                r#"select coalesce(jsonb_agg(to_jsonb(t) order by t.occurred_at), '[]') as "rows!"
             from reported_errors t where t.endpoint_id = any($1)"#,
                endpoints
            ),
        ),
        (
            "feedback",
            rows!(
                conn,
                r#"select coalesce(jsonb_agg(to_jsonb(t) order by t.submitted_at), '[]') as "rows!"
             from feedback t where t.endpoint_id = any($1)"#,
                endpoints
            ),
        ),
        (
            "feedbackAboutThem",
            rows!(
                conn,
                r#"select coalesce(jsonb_agg(jsonb_build_object(
                    'instance_id', t.instance_id, 'remote_user_id', t.remote_user_id,
                    'overall_rating', t.overall_rating, 'audio_rating', t.audio_rating,
                    'video_rating', t.video_rating, 'screen_rating', t.screen_rating,
                    'submitted_at', t.submitted_at) order by t.submitted_at), '[]') as "rows!"
             from feedback t where t.app_id = $1 and t.remote_user_id = any($2)"#,
                app_id,
                user_ids
            ),
        ),
        (
            "systemStatus",
            rows!(
                conn,
                r#"select coalesce(jsonb_agg(to_jsonb(t) order by t.sampled_at), '[]') as "rows!"
             from system_status_samples t where t.endpoint_id = any($1)"#,
                endpoints
            ),
        ),
        (
            "precallTests",
            rows!(
                conn,
                r#"select coalesce(jsonb_agg(to_jsonb(t) order by t.measured_at), '[]') as "rows!"
             from precall_tests t where t.endpoint_id = any($1)"#,
                endpoints
            ),
        ),
        (
            "callDetails",
            rows!(
                conn,
                r#"select coalesce(jsonb_agg(to_jsonb(t) order by t.reported_at), '[]') as "rows!"
             from call_details t where t.endpoint_id = any($1)"#,
                endpoints
            ),
        ),
        (
            "sdps",
            rows!(
                conn,
                r#"select coalesce(jsonb_agg(to_jsonb(t) order by t.reported_at), '[]') as "rows!"
             from sdps t join fabrics f on f.id = t.fabric_id where f.endpoint_id = any($1)"#,
                endpoints
            ),
        ),
        (
            "iceCandidates",
            rows!(
                conn,
                r#"select coalesce(jsonb_agg(to_jsonb(t) order by t.reported_at), '[]') as "rows!"
             from ice_candidates t join fabrics f on f.id = t.fabric_id where f.endpoint_id = any($1)"#,
                endpoints
            ),
        ),
        (
            "ssrcMaps",
            rows!(
                conn,
                r#"select coalesce(jsonb_agg(case when t.user_id = any($2) then to_jsonb(t)
                    else to_jsonb(t) - 'user_name' - 'alias_name' end order by t.reported_at), '[]') as "rows!"
             from ssrc_maps t join fabrics f on f.id = t.fabric_id where f.endpoint_id = any($1)"#,
                endpoints,
                user_ids
            ),
        ),
        (
            "issues",
            rows!(
                conn,
                r#"select coalesce(jsonb_agg(to_jsonb(t) order by t.started_at), '[]') as "rows!"
             from fabric_issues t where t.instance_id = any($1) and (t.who = any($2) or t.peer = any($2))"#,
                instances,
                user_ids
            ),
        ),
        (
            "tokens",
            rows!(
                conn,
                r#"select coalesce(jsonb_agg(jsonb_build_object('jti', t.jti, 'used_at', t.used_at,
                    'expires_at', t.expires_at) order by t.used_at), '[]') as "rows!"
             from used_jwt_ids t where t.app_id = $1 and t.client_user_id = any($2)"#,
                app_id,
                user_ids
            ),
        ),
        (
            "nameViews",
            rows!(
                conn,
                r#"select coalesce(jsonb_agg(jsonb_build_object('occurred_at', l.occurred_at,
                    'viewer', l.actor_label, 'instance_id', l.target_id, 'details', l.details) order by l.id), '[]') as "rows!"
             from audit_log l where l.app_id = $1 and l.action = 'conference.view_names'
              and l.target_type = 'conference' and l.target_id = any($2::bigint[]::text[])"#,
                app_id,
                instances
            ),
        ),
    ];
    out.push(("statsSamples", super::stats::export(conn, endpoints).await?));
    Ok(out)
}
