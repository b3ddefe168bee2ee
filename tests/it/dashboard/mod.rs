//! The dashboard's reads: search, conference and fabric pages, privacy.

mod bounded;
mod hostile;
mod integration;
mod pages;
mod pagination;
mod plans;
mod privacy;
mod report_figures;
mod search;

use callscope::server::audit::Actor;
use std::sync::Arc;

use callscope::api::{CurrentUser, SearchQuery, SearchResults};
use callscope::domain::Role;
use callscope::server::db::dashboard::ReadPool;
use callscope::server::demo::{self, Collector, Options, SHOWCASE_CONFERENCES};
use callscope::server::{apps, reports};
use sqlx::PgPool;

use crate::collector::master_key;
use crate::common::TestApp;

/// A server with the demo's showcase conferences in one app.
pub struct Demo {
    pub server: TestApp,
    /// Internal app id.
    pub app_id: i64,
    /// Public appID.
    pub public_id: String,
}

impl Demo {
    /// Plays the showcase (one-minute calls) over HTTP into a new app.
    pub async fn load(pool: PgPool) -> Self {
        let server = TestApp::spawn(pool.clone()).await;
        let (app, secret) = apps::create(&pool, &Actor::Cli, &master_key(), "Demo").await.expect("create app");
        let collector = Collector::new(&server.base, &app.public_id, secret.secret).expect("client");
        let options = Options { conferences: SHOWCASE_CONFERENCES, minutes: 1, ..Options::default() };
        demo::run(Arc::new(collector), &options).await.expect("the demo plays");
        Self { server, app_id: app.id, public_id: app.public_id }
    }

    /// A user with `role` granted the demo app, signed in on a fresh client.
    pub async fn user(&self, role: Role) -> (CurrentUser, reqwest::Client) {
        let email = format!("{}@example.test", role.as_str());
        let password = "a long enough password";
        self.server.create_user(&email, role, password).await;
        let id: i64 = sqlx::query_scalar("select id from users where email = $1")
            .bind(&email)
            .fetch_one(&self.server.pool)
            .await
            .expect("user id");
        sqlx::query("insert into user_app_grants (user_id, app_id) values ($1, $2)")
            .bind(id)
            .bind(self.app_id)
            .execute(&self.server.pool)
            .await
            .expect("grant");
        let client = self.server.new_client();
        self.server.sign_in(&client, &email, password).await;
        (CurrentUser { id, email, role }, client)
    }
}

/// Runs a search as `user` through the same code the server function runs.
pub async fn search(pool: &PgPool, user: &CurrentUser, query: SearchQuery) -> SearchResults {
    reports::search(&ReadPool::primary(pool.clone()), user, &query).await.expect("search")
}

/// The conferenceIDs of a page of results, in order.
pub fn ids(results: &SearchResults) -> Vec<&str> {
    results.rows.iter().map(|row| row.conference_id.as_str()).collect()
}

/// The password of every user `signed_in` makes.
const PASSWORD: &str = "a long enough password";

/// A new user with `role`, granted the collector's app or not, signed in
/// on a fresh client.
pub async fn signed_in(collector: &crate::collector::Collector, role: Role, granted: bool) -> reqwest::Client {
    let server = &collector.server;
    let email = format!("{}-{granted}@example.test", role.as_str());
    server.create_user(&email, role, PASSWORD).await;
    if granted {
        sqlx::query("insert into user_app_grants (user_id, app_id) select id, $2 from users where email = $1")
            .bind(&email)
            .bind(collector.app_pk)
            .execute(&server.pool)
            .await
            .expect("grant");
    }
    let client = server.new_client();
    server.sign_in(&client, &email, PASSWORD).await;
    client
}
