//! Erasing a person: every column that holds one of their identifiers
//! gets the pseudonym of their userID or loses the value, and every free
//! text and jsonb document of the conferences they were in is scrubbed of
//! their identifiers (the `subject_scrub*` functions of migration 0021).
//! Rows stay, so counts, failures and ratings stay.
//!
//! Each statement touches only the rows of the person's conference
//! instances (or, for the few app-wide tables, of their app) that mention
//! them; the caller runs them all in one transaction.

use sqlx::PgConnection;
use uuid::Uuid;

use crate::server::AppError;

/// What to erase and what it becomes.
#[derive(Debug)]
pub struct Erase<'a> {
    /// `apps.id`.
    pub app_id: i64,
    /// The person's conference instances.
    pub instances: &'a [i64],
    /// The person's own endpoints.
    pub endpoints: &'a [Uuid],
    /// Their userIDs…
    pub user_ids: &'a [String],
    /// …and the pseudonym each becomes (same order).
    pub pseudonyms: &'a [String],
    /// What stands for them where others name them (remoteIDs, SSRC maps,
    /// issues): their userIDs and aliases, and the pseudonym of each.
    pub named: (&'a [String], &'a [String]),
    /// Strings to take out of their own rows (longest first) and what each becomes.
    pub own: (&'a [String], &'a [String]),
    /// Strings to take out of other people's rows: `own` without their device labels.
    pub shared: (&'a [String], &'a [String]),
}

/// Rows changed, by table.
pub type Changed = Vec<(&'static str, u64)>;

/// Erases the identifiers; returns the rows changed per table.
pub async fn run(conn: &mut PgConnection, e: &Erase<'_>) -> Result<Changed, AppError> {
    let mut changed = identifiers(conn, e).await?;
    changed.extend(super::erase_text::run(conn, e).await?);
    Ok(changed)
}

/// The columns that name the person: their endpoints, other people's
/// connections to them, SSRC maps, feedback about them, issues, tokens.
async fn identifiers(conn: &mut PgConnection, e: &Erase<'_>) -> Result<Changed, AppError> {
    let (own, own_with) = e.own;
    let endpoints = sqlx::query!(
        "update endpoints p
            set user_id = m.pseudonym, user_name = null, alias_name = null, login_id = null, device_id = '',
                endpoint_info = subject_scrub_jsonb(endpoint_info, $4, $5),
                config_params = subject_scrub_jsonb(config_params, $4, $5)
           from unnest($2::text[], $3::text[]) as m(user_id, pseudonym)
          where p.app_id = $1 and p.user_id = m.user_id",
        e.app_id,
        e.user_ids,
        e.pseudonyms,
        own,
        own_with,
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    let fabrics = sqlx::query!(
        "update fabrics f
            set remote_user_id = m.pseudonym, remote_user_name = null, remote_alias_name = null, remote_login_id = null
           from unnest($2::text[], $3::text[]) as m(user_id, pseudonym)
          where f.instance_id = any($1) and f.remote_user_id = m.user_id",
        e.instances,
        e.named.0,
        e.named.1,
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    let ssrc_maps = sqlx::query!(
        "update ssrc_maps s
            set user_id = m.pseudonym, user_name = null, alias_name = null
           from unnest($2::text[], $3::text[]) as m(user_id, pseudonym), fabrics f
          where f.id = s.fabric_id and f.instance_id = any($1) and s.user_id = m.user_id",
        e.instances,
        e.named.0,
        e.named.1,
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    let issues = sqlx::query!(
        "update fabric_issues i
            set who = coalesce((select m.pseudonym from unnest($2::text[], $3::text[]) as m(user_id, pseudonym)
                                 where m.user_id = i.who), i.who),
                peer = coalesce((select m.pseudonym from unnest($2::text[], $3::text[]) as m(user_id, pseudonym)
                                  where m.user_id = i.peer), i.peer)
          where i.instance_id = any($1) and (i.who = any($2) or i.peer = any($2))",
        e.instances,
        e.named.0,
        e.named.1,
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    // Their own comments go; their ratings stay. A feedback of a comment
    // alone keeps an empty one, so that it still counts.
    let comments = sqlx::query!(
        "update feedback
            set comment = case when num_nonnulls(overall_rating, audio_rating, video_rating, screen_rating) > 0
                               then null else '' end
          where endpoint_id = any($1) and comment is not null and comment <> ''",
        e.endpoints,
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    let rated = sqlx::query!(
        "update feedback b set remote_user_id = m.pseudonym
           from unnest($2::text[], $3::text[]) as m(user_id, pseudonym)
          where b.app_id = $1 and b.remote_user_id = m.user_id",
        e.app_id,
        e.named.0,
        e.named.1,
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    let tokens = sqlx::query!(
        "update used_jwt_ids t set client_user_id = m.pseudonym
           from unnest($2::text[], $3::text[]) as m(user_id, pseudonym)
          where t.app_id = $1 and t.client_user_id = m.user_id",
        e.app_id,
        e.named.0,
        e.named.1,
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(vec![
        ("endpoints", endpoints),
        ("fabrics", fabrics),
        ("ssrc_maps", ssrc_maps),
        ("fabric_issues", issues),
        ("feedback_comments", comments),
        ("feedback_about", rated),
        ("used_jwt_ids", tokens),
    ])
}
