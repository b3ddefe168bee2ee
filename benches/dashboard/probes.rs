//! What the benchmark times: each page and server function over HTTP as
//! the signed-in admin, the reports behind them called directly, and two
//! floors. Every answer is checked, so a fast error cannot pass for a
//! fast page.

use callscope::api::{CurrentUser, ReportQuery, SearchQuery, SearchResults};
use callscope::server::db::dashboard::ReadPool;
use callscope::server::reports;
use chrono::NaiveDate;
use serde_json::json;
use sqlx::PgPool;
use tokio::task::JoinSet;

use super::hostile::Hostile;
use super::load::DemoFabric;
use super::measure::{Timing, time};
use super::year;

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
    /// The flooded fabric and the conference with large errors.
    pub hostile: Hostile,
    /// The first day of the year the overview and feedback probes read.
    pub year: NaiveDate,
    /// The conferences of that year's day rows (the overview counts these
    /// and the few not rolled up yet).
    pub year_conferences: i64,
}

impl Probes<'_> {
    /// Every probe, in the order of the table.
    pub async fn all(&self, warmup: usize, samples: usize) -> anyhow::Result<Vec<Timing>> {
        let (conference, fabric) = (self.fabric.conference, self.fabric.fabric);
        let fabric_path = format!("/conferences/{conference}/fabrics/{fabric}");
        let conference_path = format!("/conferences/{conference}");
        let fabric_link = format!("href=\"{fabric_path}\"");
        // The reports read the primary, as when no replica is configured.
        let read = ReadPool::primary(self.pool.clone());
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
                let results = reports::search(&read, self.admin, &query).await?;
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
                    anyhow::ensure!(!chart_sources(&html).is_empty(), "the fabric page has no chart");
                    Ok(html.len())
                },
            )
            .await?,
            time(
                self.database,
                "d2. fabric page and its chart images, as a browser loads them (page, then every chart at once)",
                warmup,
                samples,
                async |_| self.page_with_charts(&fabric_path).await,
            )
            .await?,
            time(self.database, "d'. `reports::fabric` alone (queries, charts listed)", warmup, samples, async |_| {
                let view = reports::fabric(self.pool, &read, self.admin, conference, fabric).await?;
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
                reports::conference(self.pool, &read, self.admin, conference).await?;
                Ok(0)
            })
            .await?,
            time(self.database, &self.flood_name("f. fabric page"), warmup, samples, async |_| {
                self.flooded_page().await
            })
            .await?,
            time(
                self.database,
                &self.flood_name("f2. fabric page, 4 viewers at once (slowest of 4)"),
                warmup,
                samples,
                async |_| {
                    let (a, b, c, d) = tokio::try_join!(
                        self.flooded_page(),
                        self.flooded_page(),
                        self.flooded_page(),
                        self.flooded_page()
                    )?;
                    Ok(a.max(b).max(c).max(d))
                },
            )
            .await?,
            time(
                self.database,
                &self.flood_name("f3. fabric page and its chart images (page, then every chart at once)"),
                warmup,
                samples,
                async |_| self.page_with_charts(&self.flooded_path()).await,
            )
            .await?,
            time(self.database, "f'. `reports::fabric` alone, flooded fabric", warmup, samples, async |_| {
                let view =
                    reports::fabric(self.pool, &read, self.admin, self.hostile.conference, self.hostile.fabric).await?;
                anyhow::ensure!(!view.charts.is_empty(), "no charts");
                Ok(0)
            })
            .await?,
            time(self.database, &self.errors_name("g. conference page"), warmup, samples, async |_| {
                let html = self.page(&format!("/conferences/{}", self.hostile.errors_conference), &[]).await?;
                anyhow::ensure!(html.contains("bench error 1"), "the conference page does not list the errors");
                anyhow::ensure!(!html.contains("v=0 local"), "the conference page inlines an SDP");
                Ok(html.len())
            })
            .await?,
            time(self.database, "g'. `reports::conference` alone, large errors", warmup, samples, async |_| {
                let view = reports::conference(self.pool, &read, self.admin, self.hostile.errors_conference).await?;
                anyhow::ensure!(view.errors_total == self.hostile.errors, "{} errors listed", view.errors_total);
                Ok(0)
            })
            .await?,
            time(self.database, &self.year_name("h. overview page `GET /overview`"), warmup, samples, async |_| {
                let html = self.page("/overview", &[("from", &self.year.to_string())]).await?;
                anyhow::ensure!(html.contains("Participants"), "the overview shows no participants");
                Ok(html.len())
            })
            .await?,
            time(self.database, &self.year_name("h'. `reports::overview` alone"), warmup, samples, async |_| {
                let view = reports::overview(&read, self.admin, self.year_report(), chrono::Utc::now()).await?;
                anyhow::ensure!(view.conferences >= self.year_conferences, "{} conferences", view.conferences);
                Ok(0)
            })
            .await?,
            time(self.database, &self.year_name("i. feedback page `GET /feedback`"), warmup, samples, async |_| {
                let html = self.page("/feedback", &[("from", &self.year.to_string())]).await?;
                anyhow::ensure!(html.contains("Overall rating"), "the feedback page shows no ratings");
                Ok(html.len())
            })
            .await?,
            time(self.database, &self.year_name("i'. `reports::feedback` alone"), warmup, samples, async |_| {
                let report = reports::feedback(&read, self.admin, self.year_report(), chrono::Utc::now()).await?;
                anyhow::ensure!(report.trend.len() == year::DAYS as usize, "{} days of feedback", report.trend.len());
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

    fn year_name(&self, what: &str) -> String {
        format!("{what}, {} days, {} conferences", year::DAYS, self.year_conferences)
    }

    fn year_report(&self) -> ReportQuery {
        ReportQuery { from: Some(self.year), ..ReportQuery::default() }
    }

    fn flood_name(&self, what: &str) -> String {
        format!("{what} `GET /conferences/{{id}}/fabrics/{{fabric}}`, {} samples (SSR)", self.hostile.samples)
    }

    fn errors_name(&self, what: &str) -> String {
        let kb = self.hostile.sdp_bytes / 2 / 1024;
        format!("{what} `GET /conferences/{{id}}`, {} errors with 2 × {kb} KB SDPs (SSR)", self.hostile.errors)
    }

    fn flooded_path(&self) -> String {
        format!("/conferences/{}/fabrics/{}", self.hostile.conference, self.hostile.fabric)
    }

    /// The flooded fabric's page; its size.
    async fn flooded_page(&self) -> anyhow::Result<usize> {
        let html = self.page(&self.flooded_path(), &[]).await?;
        anyhow::ensure!(!chart_sources(&html).is_empty(), "the flooded fabric's page has no chart");
        Ok(html.len())
    }

    /// A fabric page, then all its chart images at once; their size together.
    async fn page_with_charts(&self, path: &str) -> anyhow::Result<usize> {
        let html = self.page(path, &[]).await?;
        let sources = chart_sources(&html);
        anyhow::ensure!(!sources.is_empty(), "{path}: no chart");
        let mut charts = JoinSet::new();
        for source in sources {
            let request = self.client.get(format!("{}{source}", self.base)).send();
            charts.spawn(async move { anyhow::Ok(request.await?.error_for_status()?.bytes().await?.len()) });
        }
        let mut size = html.len();
        while let Some(chart) = charts.join_next().await {
            size += chart??;
        }
        Ok(size)
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

/// The chart images a fabric page shows: each chart figure's `<img src>`.
fn chart_sources(html: &str) -> Vec<String> {
    html.split("<figure")
        .skip(1)
        .filter(|figure| figure.split('>').next().is_some_and(|tag| tag.contains("class=\"chart\"")))
        .filter_map(|figure| figure.split("</figure>").next()?.split("src=\"").nth(1)?.split('"').next())
        .map(|source| source.replace("&amp;", "&"))
        .collect()
}
