//! Scrubbing a person out of free text and jsonb: logs, SDPs, event
//! payloads, ICE addresses, stats ids, summaries, webhook bodies and audit
//! details. Within their conference instances each row is scrubbed of what
//! names them (their own rows also of their device labels); each statement
//! rewrites only the rows that mention them. A name column that mentions
//! them loses its value; a text with a length limit is cut to fit it
//! (`subject_fit`), as a pseudonym can be longer than the userID it replaces.

use sqlx::PgConnection;

use super::erase::{Changed, Erase};
use crate::server::AppError;

/// Scrubs every free text of the person's conferences and app.
pub async fn run(conn: &mut PgConnection, e: &Erase<'_>) -> Result<Changed, AppError> {
    let mut changed = by_endpoint(conn, e).await?;
    changed.extend(by_fabric(conn, e).await?);
    changed.push(("stats_samples", super::stats::scrub(conn, e).await?));
    changed.extend(by_app(conn, e).await?);
    Ok(changed)
}

async fn by_endpoint(conn: &mut PgConnection, e: &Erase<'_>) -> Result<Changed, AppError> {
    let ((own, own_with), (shared, shared_with)) = (e.own, e.shared);
    let endpoints = sqlx::query!(
        "update endpoints set endpoint_info = subject_scrub_jsonb(endpoint_info, $3, $4),
                              config_params = subject_scrub_jsonb(config_params, $3, $4)
          where instance_id = any($1) and id <> all($2)
            and (subject_mentions_jsonb(endpoint_info, $3) or subject_mentions_jsonb(config_params, $3))",
        e.instances,
        e.endpoints,
        shared,
        shared_with,
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    let events = sqlx::query!(
        "update fabric_events t
            set payload = subject_scrub_jsonb(t.payload, subject_pick(s.own, $3, $5), subject_pick(s.own, $4, $6))
           from (select id, id = any($2) as own from endpoints where instance_id = any($1)) s
          where t.endpoint_id = s.id and subject_mentions_jsonb(t.payload, subject_pick(s.own, $3, $5))",
        e.instances,
        e.endpoints,
        own,
        own_with,
        shared,
        shared_with,
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    let errors = sqlx::query!(
        "update reported_errors t
            set message = subject_fit(subject_scrub(t.message, subject_pick(s.own, $3, $5), subject_pick(s.own, $4, $6)),
                                      20480),
                dom_error = subject_scrub_jsonb(t.dom_error, subject_pick(s.own, $3, $5), subject_pick(s.own, $4, $6)),
                local_sdp = subject_scrub(t.local_sdp, subject_pick(s.own, $3, $5), subject_pick(s.own, $4, $6)),
                remote_sdp = subject_scrub(t.remote_sdp, subject_pick(s.own, $3, $5), subject_pick(s.own, $4, $6))
           from (select id, id = any($2) as own from endpoints where instance_id = any($1)) s
          where t.endpoint_id = s.id
            and (subject_mentions(t.message, subject_pick(s.own, $3, $5))
                 or subject_mentions_jsonb(t.dom_error, subject_pick(s.own, $3, $5))
                 or subject_mentions(t.local_sdp, subject_pick(s.own, $3, $5))
                 or subject_mentions(t.remote_sdp, subject_pick(s.own, $3, $5)))",
        e.instances,
        e.endpoints,
        own,
        own_with,
        shared,
        shared_with,
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    let status = sqlx::query!(
        "update system_status_samples t
            set raw = subject_scrub_jsonb(t.raw, subject_pick(s.own, $3, $5), subject_pick(s.own, $4, $6))
           from (select id, id = any($2) as own from endpoints where instance_id = any($1)) s
          where t.endpoint_id = s.id and subject_mentions_jsonb(t.raw, subject_pick(s.own, $3, $5))",
        e.instances,
        e.endpoints,
        own,
        own_with,
        shared,
        shared_with,
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    let details = sqlx::query!(
        "update call_details t
            set attributes = subject_scrub_jsonb(t.attributes, subject_pick(s.own, $3, $5), subject_pick(s.own, $4, $6))
           from (select id, id = any($2) as own from endpoints where instance_id = any($1)) s
          where t.endpoint_id = s.id and subject_mentions_jsonb(t.attributes, subject_pick(s.own, $3, $5))",
        e.instances,
        e.endpoints,
        own,
        own_with,
        shared,
        shared_with,
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    let precall = sqlx::query!(
        "update precall_tests t
            set message = subject_fit(subject_scrub(t.message, subject_pick(s.own, $3, $5), subject_pick(s.own, $4, $6)),
                                      1024)
           from (select id, id = any($2) as own from endpoints where instance_id = any($1)) s
          where t.endpoint_id = s.id and subject_mentions(t.message, subject_pick(s.own, $3, $5))",
        e.instances,
        e.endpoints,
        own,
        own_with,
        shared,
        shared_with,
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    let comments = sqlx::query!(
        "update feedback set comment = subject_scrub(comment, $2, $3)
          where instance_id = any($1) and subject_mentions(comment, $2)",
        e.instances,
        shared,
        shared_with,
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(vec![
        ("endpoints_text", endpoints),
        ("fabric_events", events),
        ("reported_errors", errors),
        ("system_status_samples", status),
        ("call_details", details),
        ("precall_tests", precall),
        ("feedback_text", comments),
    ])
}

async fn by_fabric(conn: &mut PgConnection, e: &Erase<'_>) -> Result<Changed, AppError> {
    let ((own, own_with), (shared, shared_with)) = (e.own, e.shared);
    let fabrics = sqlx::query!(
        "update fabrics t
            set attributes = subject_scrub_jsonb(t.attributes, subject_pick(t.endpoint_id = any($2), $3, $5),
                                                 subject_pick(t.endpoint_id = any($2), $4, $6)),
                remote_user_name = case when subject_mentions(t.remote_user_name, $5) then null else t.remote_user_name end,
                remote_alias_name = case when subject_mentions(t.remote_alias_name, $5) then null else t.remote_alias_name end,
                remote_login_id = case when subject_mentions(t.remote_login_id, $5) then null else t.remote_login_id end
          where t.instance_id = any($1)
            and (subject_mentions_jsonb(t.attributes, subject_pick(t.endpoint_id = any($2), $3, $5))
                 or subject_mentions(t.remote_user_name, $5) or subject_mentions(t.remote_alias_name, $5)
                 or subject_mentions(t.remote_login_id, $5))",
        e.instances,
        e.endpoints,
        own,
        own_with,
        shared,
        shared_with,
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    let sdps = sqlx::query!(
        "update sdps t
            set local_sdp = subject_scrub(t.local_sdp, subject_pick(f.own, $3, $5), subject_pick(f.own, $4, $6)),
                remote_sdp = subject_scrub(t.remote_sdp, subject_pick(f.own, $3, $5), subject_pick(f.own, $4, $6))
           from (select id, endpoint_id = any($2) as own from fabrics where instance_id = any($1)) f
          where t.fabric_id = f.id
            and (subject_mentions(t.local_sdp, subject_pick(f.own, $3, $5))
                 or subject_mentions(t.remote_sdp, subject_pick(f.own, $3, $5)))",
        e.instances,
        e.endpoints,
        own,
        own_with,
        shared,
        shared_with,
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    let ice = sqlx::query!(
        "update ice_candidates t
            set local_address = subject_scrub(t.local_address, $2, $3),
                remote_address = subject_scrub(t.remote_address, $2, $3),
                candidate_id = subject_scrub(t.candidate_id, $2, $3)
           from fabrics f
          where t.fabric_id = f.id and f.instance_id = any($1)
            and (subject_mentions(t.local_address, $2) or subject_mentions(t.remote_address, $2)
                 or subject_mentions(t.candidate_id, $2))",
        e.instances,
        shared,
        shared_with,
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    let ssrc = sqlx::query!(
        "update ssrc_maps t
            set details = subject_scrub_jsonb(t.details, subject_pick(f.own, $3, $5), subject_pick(f.own, $4, $6)),
                user_id = case when subject_mentions(t.user_id, $5) then '[erased]' else t.user_id end,
                user_name = case when subject_mentions(t.user_name, $5) then null else t.user_name end,
                alias_name = case when subject_mentions(t.alias_name, $5) then null else t.alias_name end,
                usage_label = case when subject_mentions(t.usage_label, $5) then null else t.usage_label end,
                associated_video_tag = subject_scrub(t.associated_video_tag, $5, $6)
           from (select id, endpoint_id = any($2) as own from fabrics where instance_id = any($1)) f
          where t.fabric_id = f.id
            and (subject_mentions_jsonb(t.details, subject_pick(f.own, $3, $5))
                 or subject_mentions(t.user_id, $5) or subject_mentions(t.user_name, $5)
                 or subject_mentions(t.alias_name, $5) or subject_mentions(t.usage_label, $5) or subject_mentions(t.associated_video_tag, $5))",
        e.instances,
        e.endpoints,
        own,
        own_with,
        shared,
        shared_with,
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    let conferences = sqlx::query!(
        "update conference_instances
            set summary = subject_scrub_jsonb(summary, $2, $3),
                summary_error = subject_fit(subject_scrub(summary_error, $2, $3), 1024)
          where id = any($1) and (subject_mentions_jsonb(summary, $2) or subject_mentions(summary_error, $2))",
        e.instances,
        shared,
        shared_with,
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    let issues = sqlx::query!(
        "update fabric_issues
            set detail = subject_fit(subject_scrub(detail, $2, $3), 64), who = subject_fit(subject_scrub(who, $2, $3), 256),
                peer = subject_fit(subject_scrub(peer, $2, $3), 256)
          where instance_id = any($1)
            and (subject_mentions(detail, $2) or subject_mentions(who, $2) or subject_mentions(peer, $2))",
        e.instances,
        shared,
        shared_with,
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(vec![
        ("fabrics_text", fabrics),
        ("sdps", sdps),
        ("ice_candidates", ice),
        ("ssrc_maps_text", ssrc),
        ("conference_instances", conferences),
        ("fabric_issues_text", issues),
    ])
}

/// What the app keeps beyond conferences: webhook bodies and answers, and
/// its audit records.
async fn by_app(conn: &mut PgConnection, e: &Erase<'_>) -> Result<Changed, AppError> {
    let (shared, shared_with) = e.shared;
    let deliveries = sqlx::query!(
        "update webhook_deliveries d
            set payload = subject_scrub(d.payload, $2, $3), last_error = subject_scrub(d.last_error, $2, $3)
           from webhooks w
          where w.id = d.webhook_id and w.app_id = $1
            and (subject_mentions(d.payload, $2) or subject_mentions(d.last_error, $2))",
        e.app_id,
        shared,
        shared_with,
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    let attempts = sqlx::query!(
        "update webhook_attempts a
            set response_snippet = subject_fit(subject_scrub(a.response_snippet, $2, $3), 512),
                error = subject_scrub(a.error, $2, $3)
           from webhook_deliveries d join webhooks w on w.id = d.webhook_id
          where d.id = a.delivery_id and w.app_id = $1
            and (subject_mentions(a.response_snippet, $2) or subject_mentions(a.error, $2))",
        e.app_id,
        shared,
        shared_with,
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    let audit = sqlx::query!(
        "update audit_log
            set details = subject_scrub_jsonb(details, $2, $3), target_id = subject_scrub(target_id, $2, $3)
          where app_id = $1 and (subject_mentions_jsonb(details, $2) or subject_mentions(target_id, $2))",
        e.app_id,
        shared,
        shared_with,
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(vec![("webhook_deliveries", deliveries), ("webhook_attempts", attempts), ("audit_log", audit)])
}
