use super::Viewer;
use crate::api::{
    AppChoice, ConferenceRow, CurrentUser, Cursor, FailureGroup, PAGE_SIZE, Person, SearchQuery, SearchResults,
};
use crate::domain::diagnosis::IssueKind;
use crate::server::AppError;
use crate::server::db::dashboard::{self, ReadPool, search::Filter};

/// One page of conferences matching `query` that `user` may see. A
/// conference that started a moment ago may be missing on a lagging replica.
pub async fn search(read: &ReadPool, user: &CurrentUser, query: &SearchQuery) -> Result<SearchResults, AppError> {
    let pool = read.pool();
    let viewer = Viewer::of(pool, user).await?;
    let apps = match &query.app {
        Some(public_id) => match dashboard::app_by_public_id(pool, public_id).await? {
            Some(id) if viewer.apps.contains(&id) => vec![id],
            // An app the user may not see looks exactly like one that does not exist.
            _ => Vec::new(),
        },
        None => viewer.apps,
    };
    let filter = Filter {
        apps: &apps,
        conference_id: query.conference_id.as_deref().map(|id| (id, query.prefix)),
        person: query.user_id.as_deref(),
        names: viewer.names,
        from: query.from,
        to: query.to,
        failure_group: query.failure_group.map(FailureGroup::as_str),
        feedback12: query.feedback12,
        issue: query.issue.map(IssueKind::as_str),
        before: query.before.map(|cursor| (cursor.started_at, cursor.id)),
        // One more than a page tells whether an older page exists.
        limit: PAGE_SIZE + 1,
    };
    let mut rows = dashboard::search::search(pool, &filter).await?;
    let more = rows.len() as i64 > PAGE_SIZE;
    rows.truncate(PAGE_SIZE as usize);
    let next = more.then(|| rows.last().map(|row| Cursor { started_at: row.started_at, id: row.id })).flatten();
    let rows = rows
        .into_iter()
        .map(|row| ConferenceRow {
            id: row.id,
            conference_id: row.conference_id,
            app_name: row.app_name,
            started_at: row.started_at,
            ended_at: row.ended_at,
            duration_ms: row.duration_ms,
            participants: row.participants,
            failure_group: row.failure_group.as_deref().and_then(FailureGroup::parse),
            worst_quality: row.quality_score,
            feedback_count: row.feedback_count,
            feedback_min: row.feedback_min_rating,
            feedback_avg: row.feedback_avg_overall,
        })
        .collect();
    Ok(SearchResults { rows, next })
}

/// The apps `user` may search, by name.
pub async fn apps(read: &ReadPool, user: &CurrentUser) -> Result<Vec<AppChoice>, AppError> {
    let apps = dashboard::visible_apps(read.pool(), user.id, user.role.is_admin()).await?;
    Ok(apps.into_iter().map(AppChoice::from).collect())
}

/// Up to ten people `user` may see whose userID — or, for support and
/// admin, real name — starts with `prefix`.
pub async fn people(read: &ReadPool, user: &CurrentUser, prefix: &str) -> Result<Vec<Person>, AppError> {
    if prefix.is_empty() {
        return Ok(Vec::new());
    }
    let pool = read.pool();
    let viewer = Viewer::of(pool, user).await?;
    let rows = dashboard::search::people(pool, &viewer.apps, prefix, viewer.names, 10).await?;
    Ok(rows.into_iter().map(|row| Person { user_id: row.user_id, user_name: row.user_name }).collect())
}
