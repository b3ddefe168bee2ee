//! The admin pages and their forms over real HTTP: who may use them, what
//! each form does (through the same code as the CLI), and what never leaks.

mod access;
mod forms;
mod logs;
mod webhooks;

use callscope::domain::Role;
use sqlx::PgPool;

use crate::common::TestApp;

const PASSWORD: &str = "a long enough password";
const ADMIN: &str = "boss@example.com";

/// A server with a signed-in admin on `server.client`.
pub struct AdminSession {
    pub server: TestApp,
}

impl AdminSession {
    pub async fn start(pool: PgPool) -> Self {
        let server = TestApp::spawn(pool).await;
        server.create_user(ADMIN, Role::Admin, PASSWORD).await;
        server.sign_in(&server.client, ADMIN, PASSWORD).await;
        Self { server }
    }

    /// Posts a form to `path` as a browser on this site does (with its Origin).
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        post_form(&self.server, &self.server.client, path, fields).await
    }

    /// Creates an app through the form; its appID and the secret shown.
    pub async fn create_app(&self, name: &str) -> (String, String) {
        let response = self.post("/admin", &[("intent", "create_app"), ("name", name)]).await;
        assert_eq!(response.status(), 200);
        let html = response.text().await.expect("page");
        let secret = shown_secret(&html).expect("the new secret is shown");
        let app_id: String = sqlx::query_scalar("select public_id from apps where name = $1")
            .bind(name)
            .fetch_one(&self.server.pool)
            .await
            .expect("app");
        (app_id, secret)
    }
}

/// Posts `fields` to `path` with `client`, with this site's Origin.
pub async fn post_form(
    server: &TestApp,
    client: &reqwest::Client,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    client.post(server.url(path)).header("origin", &server.base).form(fields).send().await.expect("POST form")
}

/// The value of the one-time secret field of a page, if it shows one.
pub fn shown_secret(html: &str) -> Option<String> {
    let field = html.split(r#"id="new-secret""#).nth(1)?;
    let value = field.split(r#"value=""#).nth(1)?;
    Some(value.split('"').next()?.to_owned())
}

/// The message shown beside `field`, if any.
pub fn field_error(html: &str, field: &str) -> Option<String> {
    texts_of(html, &format!(r#"data-field="{field}""#)).pop()
}

/// The form-level error messages of a page.
pub fn form_errors(html: &str) -> Vec<String> {
    texts_of(html, r#"class="form-error""#)
}

/// The text of every element whose start tag holds `attribute`.
fn texts_of(html: &str, attribute: &str) -> Vec<String> {
    html.split(attribute)
        .skip(1)
        .filter_map(|rest| rest.split_once('>').and_then(|(_, text)| text.split('<').next()).map(str::to_owned))
        .collect()
}
