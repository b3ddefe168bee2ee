//! The overview's top issues: the kinds most conferences of the period had,
//! against the period before, and the app versions and browsers whose
//! connections had each most often — so a release that brought an issue
//! shows up as its version's share.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sqlx::PgPool;

use crate::api::{ClientShare, IssueTrend};
use crate::domain::diagnosis::IssueKind;
use crate::server::AppError;
use crate::server::db::dashboard::overview_issues::{self as db, ClientRow};

/// Kinds shown.
const TOP: i64 = 5;
/// App versions and browsers shown per kind.
const CLIENTS: usize = 3;

/// The top issues of the conferences that started in `[from, to)`.
pub(super) async fn top_issues(
    pool: &PgPool,
    apps: &[i64],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<IssueTrend>, AppError> {
    let counts = db::kinds(pool, apps, from - (to - from), from, to, TOP).await?;
    if counts.is_empty() {
        return Ok(Vec::new());
    }
    let kinds: Vec<String> = counts.iter().map(|count| count.kind.clone()).collect();
    let connections = db::connections(pool, apps, from, to).await?;
    let affected = db::affected(pool, apps, from, to, &kinds).await?;
    Ok(counts
        .into_iter()
        .filter_map(|count| {
            let kind = IssueKind::parse(&count.kind)?;
            let of_kind: Vec<&ClientRow> =
                affected.iter().filter(|row| row.kind.as_deref() == Some(count.kind.as_str())).collect();
            Some(IssueTrend {
                kind,
                conferences: count.conferences,
                previous: count.previous,
                app_versions: worst(&connections, &of_kind, |row| &row.version),
                browsers: worst(&connections, &of_kind, |row| &row.browser),
            })
        })
        .collect())
}

/// The clients (as `client` reads them off a row) with the largest share of
/// affected connections, worst first; ties go to the one with more.
fn worst(all: &[ClientRow], affected: &[&ClientRow], client: impl Fn(&ClientRow) -> &String) -> Vec<ClientShare> {
    let mut shares: BTreeMap<&String, ClientShare> = BTreeMap::new();
    for row in affected {
        let share = shares.entry(client(row)).or_insert_with(|| ClientShare {
            client: client(row).clone(),
            affected: 0,
            connections: 0,
        });
        share.affected += row.fabrics;
    }
    for row in all {
        if let Some(share) = shares.get_mut(client(row)) {
            share.connections += row.fabrics;
        }
    }
    let mut shares: Vec<ClientShare> = shares.into_values().collect();
    shares.sort_by(|a, b| b.share().total_cmp(&a.share()).then(b.affected.cmp(&a.affected)));
    shares.truncate(CLIENTS);
    shares
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(browser: &str, version: &str, kind: Option<&str>, fabrics: i64) -> ClientRow {
        ClientRow { browser: browser.into(), version: version.into(), kind: kind.map(Into::into), fabrics }
    }

    #[test]
    fn the_version_with_the_largest_share_comes_first() {
        let all = [
            row("Chrome", "2.0", None, 40),
            row("Firefox", "2.0", None, 10),
            row("Chrome", "2.1", None, 20),
            row("Chrome", "1.9", None, 5),
        ];
        let freezes = [row("Chrome", "2.0", Some("videoFreezes"), 4), row("Chrome", "2.1", Some("videoFreezes"), 10)];
        let affected: Vec<&ClientRow> = freezes.iter().collect();
        let versions = worst(&all, &affected, |row| &row.version);
        let seen: Vec<(&str, i64, i64)> =
            versions.iter().map(|share| (share.client.as_str(), share.affected, share.connections)).collect();
        assert_eq!(seen, [("2.1", 10, 20), ("2.0", 4, 50)], "a version without the issue is not listed");
        let browsers = worst(&all, &affected, |row| &row.browser);
        assert_eq!((browsers[0].client.as_str(), browsers[0].affected, browsers[0].connections), ("Chrome", 14, 65));
        assert_eq!(browsers.len(), 1);
    }
}
