//! The overview's top issues: the kinds most conferences of the period had,
//! against the period before, and the app versions and browsers whose
//! connections had each most often — so a release that brought an issue
//! shows up as its version's share.

use std::collections::BTreeMap;

use crate::api::{ClientShare, IssueTrend};
use crate::domain::diagnosis::IssueKind;
use crate::domain::rollup::Tallies;

/// Kinds shown.
const TOP: usize = 5;
/// App versions and browsers shown per kind.
const CLIENTS: usize = 3;

/// Connections (fabrics) of one browser and app version.
struct ClientRow {
    browser: String,
    version: String,
    fabrics: i64,
}

/// The top issues of a period's summarised conferences (`period`),
/// against the period before (`previous`).
pub(super) fn top_issues(period: &Tallies, previous: &Tallies) -> Vec<IssueTrend> {
    let mut counts: Vec<(&String, i64)> = period.issue_kinds.iter().filter(|(_, n)| *n > 0).collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let connections: Vec<ClientRow> = period
        .clients
        .iter()
        .map(|((browser, version), fabrics)| ClientRow { browser: browser.clone(), version: version.clone(), fabrics })
        .collect();
    counts
        .into_iter()
        .filter_map(|(kind, conferences)| {
            let parsed = IssueKind::parse(kind)?;
            let affected: Vec<ClientRow> = period
                .affected
                .iter()
                .filter(|((of, _, _), _)| of == kind)
                .map(|((_, browser, version), fabrics)| ClientRow {
                    browser: browser.clone(),
                    version: version.clone(),
                    fabrics,
                })
                .collect();
            let of_kind: Vec<&ClientRow> = affected.iter().collect();
            Some(IssueTrend {
                kind: parsed,
                conferences,
                previous: previous.issue_kinds.get(kind),
                app_versions: worst(&connections, &of_kind, |row| &row.version),
                browsers: worst(&connections, &of_kind, |row| &row.browser),
            })
        })
        .take(TOP)
        .collect()
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

    fn row(browser: &str, version: &str, fabrics: i64) -> ClientRow {
        ClientRow { browser: browser.into(), version: version.into(), fabrics }
    }

    #[test]
    fn the_version_with_the_largest_share_comes_first() {
        let all =
            [row("Chrome", "2.0", 40), row("Firefox", "2.0", 10), row("Chrome", "2.1", 20), row("Chrome", "1.9", 5)];
        let freezes = [row("Chrome", "2.0", 4), row("Chrome", "2.1", 10)];
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
