//! What the benchmark times: each page and server function over HTTP as
//! the signed-in admin, the reports behind them called directly, and two
//! floors. Every answer is checked, so a fast error cannot pass for a
//! fast page.

use callscope::api::{CurrentUser, SearchQuery, SearchResults};
use callscope::server::reports;
use serde_json::json;
use sqlx::PgPool;

use super::load::DemoFabric;
use super::measure::{Timing, time};

/// What every probe needs.
pub struct Probes<'a> {
    /// The database's name (its backends' CPU counts as the bench's).
    pub database: &'a str,
    /// The server's base URL.
    pub base: &'a str,
    /// Signed in as `admin`.
    pub client: &'a reqwest::Client,
    /// For the reports called directly.
    pub pool: &'a PgPool,
    /// The signed-in admin.
    pub admin: &'a CurrentUser,
    /// (conferenceID, instance id) to search for, one per call.
    pub ids: &'a [(String, i64)],
    /// The charted fabric.
    pub fabric: DemoFabric,
}

impl Probes<'_> {
    /// Every probe, in the order of the table.
    pub async fn all(&self, warmup: usize, samples: usize) -> anyhow::Result<Vec<Timing>> {
        let (conference, fabric) = (self.fabric.conference, self.fabric.fabric);
        let fabric_path = format!("/conferences/{conference}/fabrics/{fabric}");
        let conference_path = format!("/conferences/{conference}");
        let fabric_svg = "<svg";
        let fabric_link = format!("href=\"{fabric_path}\"");
        Ok(vec![
            time(self.database, "a. search page `GET /search?conferenceID=…` (SSR)", warmup, samples, async |call| {
                let (id, instance) = self.id(call);
                let html = self.page("/search", &[("conferenceID", id)]).await?;
                anyhow::ensure!(
                    html.contains(&format!("href=\"/conferences/{instance}\"")),
                    "{id:?}: instance {instance} not listed"
                );
                Ok(html.len())
            })
            .await?,
            time(self.database, "b. server function `POST /api/search_conferences`", warmup, samples, async |call| {
                let (id, instance) = self.id(call);
                let body = json!({ "query": { "conference_id": id, "prefix": false } });
                let response =
                    self.client.post(format!("{}/api/search_conferences", self.base)).json(&body).send().await?;
                let bytes = response.error_for_status()?.bytes().await?;
                let results: SearchResults = serde_json::from_slice(&bytes)?;
                anyhow::ensure!(
                    results.rows.iter().any(|row| row.id == instance),
                    "{id:?}: instance {instance} not found"
                );
                Ok(bytes.len())
            })
            .await?,
            time(self.database, "c. `reports::search` alone (2 queries)", warmup, samples, async |call| {
                let (id, instance) = self.id(call);
                let query = SearchQuery { conference_id: Some(id.to_owned()), ..SearchQuery::default() };
                let results = reports::search(self.pool, self.admin, &query).await?;
                anyhow::ensure!(
                    results.rows.iter().any(|row| row.id == instance),
                    "{id:?}: instance {instance} not found"
                );
                Ok(0)
            })
            .await?,
            time(
                self.database,
                "d. fabric page `GET /conferences/{id}/fabrics/{fabric}` (SSR)",
                warmup,
                samples,
                async |_| {
                    let html = self.page(&fabric_path, &[]).await?;
                    anyhow::ensure!(html.contains(fabric_svg), "the fabric page has no chart");
                    Ok(html.len())
                },
            )
            .await?,
            time(self.database, "d'. `reports::fabric` alone (queries + SVG charts)", warmup, samples, async |_| {
                let view = reports::fabric(self.pool, self.admin, conference, fabric).await?;
                anyhow::ensure!(!view.charts.is_empty(), "no charts");
                Ok(0)
            })
            .await?,
            time(self.database, "e. conference page `GET /conferences/{id}` (SSR)", warmup, samples, async |_| {
                let html = self.page(&conference_path, &[]).await?;
                anyhow::ensure!(html.contains(&fabric_link), "the conference page does not link the fabric");
                Ok(html.len())
            })
            .await?,
            time(self.database, "e'. `reports::conference` alone", warmup, samples, async |_| {
                reports::conference(self.pool, self.admin, conference).await?;
                Ok(0)
            })
            .await?,
            time(self.database, "floor: `GET /healthz`", warmup, samples, async |_| {
                let response = self.client.get(format!("{}/healthz", self.base)).send().await?;
                Ok(response.error_for_status()?.bytes().await?.len())
            })
            .await?,
            time(self.database, "floor: `POST /api/get_current_user` (session lookup)", warmup, samples, async |_| {
                let response = self.client.post(format!("{}/api/get_current_user", self.base)).send().await?;
                Ok(response.error_for_status()?.bytes().await?.len())
            })
            .await?,
        ])
    }

    fn id(&self, call: usize) -> (&str, i64) {
        let (id, instance) = &self.ids[call % self.ids.len()];
        (id, *instance)
    }

    /// GETs a page as a browser does (`Accept: text/html`); its HTML.
    async fn page(&self, path: &str, query: &[(&str, &str)]) -> anyhow::Result<String> {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .query(query)
            .header("accept", "text/html,*/*;q=0.8")
            .send()
            .await?;
        anyhow::ensure!(response.status() == 200, "{path}: {}", response.status());
        Ok(response.text().await?)
    }
}
