//! The collector over real HTTP against real PostgreSQL.

mod auth;
mod bodies;
mod edges;
mod events;
mod extensions;
mod fuzz;
mod hostile;
mod physical;
mod quota;
mod sample_size;
mod sample_size_demo;
mod sdk;
mod sdk_limits;
mod stats;
mod wire;

use callscope::server::apps;
use callscope::server::audit::Actor;
use callscope::server::master_key::MasterKey;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use secrecy::ExposeSecret;
use serde_json::{Value, json};
use sqlx::PgPool;

use crate::common::{TestApp, test_config};

/// A running server with one app and its first secret.
pub struct Collector {
    pub server: TestApp,
    /// The appID (wire form).
    pub app_id: String,
    /// The internal id.
    pub app_pk: i64,
    pub secret: String,
}

/// A joined endpoint, ready to send events.
#[derive(Clone)]
pub struct Joined {
    pub token: String,
    pub conf: String,
    pub uc_id: String,
    pub user: String,
}

pub fn now_ms() -> f64 {
    chrono::Utc::now().timestamp_millis() as f64
}

/// The three fields every v1 body starts with.
pub fn header(user: &str) -> Value {
    json!({ "localID": user, "deviceID": "device-1", "timestamp": now_ms() })
}

/// `base` with `extra` merged in.
pub fn with(mut base: Value, extra: Value) -> Value {
    if let (Some(base), Value::Object(extra)) = (base.as_object_mut(), extra) {
        base.extend(extra);
    }
    base
}

impl Collector {
    pub async fn spawn(pool: PgPool) -> Self {
        Self::spawn_with(test_config(), pool).await
    }

    /// A collector with `config` (e.g. a lower ingestion quota).
    pub async fn spawn_with(config: callscope::server::Config, pool: PgPool) -> Self {
        let server = TestApp::spawn_with(config, pool).await;
        let (app, secret) =
            apps::create(&server.pool, &Actor::Cli, &master_key(), "Test app").await.expect("create app");
        Self { server, app_id: app.public_id, app_pk: app.id, secret: secret.secret.expose_secret().to_owned() }
    }

    /// A second app on the same server.
    pub async fn other_app(&self) -> (String, String) {
        let (app, secret) =
            apps::create(&self.server.pool, &Actor::Cli, &master_key(), "Other app").await.expect("create app");
        (app.public_id, secret.secret.expose_secret().to_owned())
    }

    /// An HS256 client JWT for `user` signed with `secret`, with `extra` claims.
    pub fn jwt(&self, secret: &str, user: &str, extra: Value) -> String {
        let now = chrono::Utc::now().timestamp();
        let claims = with(
            json!({ "appID": self.app_id, "userID": user, "iat": now, "exp": now + 300, "jti": uuid::Uuid::new_v4().to_string() }),
            extra,
        );
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(secret.as_bytes()))
            .expect("sign")
    }

    /// POST /authenticate with `code` as `localID@appID`.
    pub async fn token_request(&self, user: &str, app_id: &str, code: &str, origin: Option<&str>) -> reqwest::Response {
        let mut request = self.server.client.post(self.server.url("/authenticate")).form(&[
            ("grant_type", "authorization_code"),
            ("client_id", &format!("{user}@{app_id}")),
            ("code", code),
        ]);
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        request.send().await.expect("POST /authenticate")
    }

    /// An access token for `user` (panics unless granted).
    pub async fn authenticate(&self, user: &str) -> String {
        let response = self.token_request(user, &self.app_id, &self.jwt(&self.secret, user, json!({})), None).await;
        assert_eq!(response.status(), 200, "authenticate: {}", response.text().await.unwrap_or_default());
        let body: Value = response.json().await.expect("json");
        body["access_token"].as_str().expect("access_token").to_owned()
    }

    /// `/v1/apps/{appID}/conferences/{conf}` plus `suffix`, with the
    /// conferenceID percent-encoded as one path segment.
    pub fn conference_url(&self, app_id: &str, conf: &str, suffix: &[&str]) -> String {
        let mut url = url::Url::parse(&self.server.base).expect("base");
        url.path_segments_mut().expect("segments").extend(["v1", "apps", app_id, "conferences", conf]).extend(suffix);
        url.to_string()
    }

    /// POSTs `body` as JSON with the bearer token.
    pub async fn post(&self, token: &str, url: &str, body: &Value) -> reqwest::Response {
        self.server.client.post(url).bearer_auth(token).json(body).send().await.expect("POST")
    }

    /// Joins `conf` as `user`; returns the endpoint.
    pub async fn join(&self, conf: &str, user: &str) -> Joined {
        let token = self.authenticate(user).await;
        let body =
            with(header(user), json!({ "endpointInfo": { "type": "browser", "name": "Chrome", "os": "Linux" } }));
        let response = self.post(&token, &self.conference_url(&self.app_id, conf, &[]), &body).await;
        assert_eq!(response.status(), 200, "join: {}", response.text().await.unwrap_or_default());
        let answer: Value = response.json().await.expect("json");
        assert_eq!(answer["status"], "success");
        let uc_id = answer["ucID"].as_str().expect("ucID").to_owned();
        Joined { token, conf: conf.to_owned(), uc_id, user: user.to_owned() }
    }

    /// POSTs `body` to `/…/{ucID}/{suffix}` of a joined endpoint.
    pub async fn send(&self, joined: &Joined, suffix: &str, body: &Value) -> reqwest::Response {
        let mut segments = vec![joined.uc_id.as_str()];
        segments.extend(suffix.split('/'));
        self.post(&joined.token, &self.conference_url(&self.app_id, &joined.conf, &segments), body).await
    }
}

/// The master key the test server uses (same data dir, no variable set).
pub fn master_key() -> MasterKey {
    let config = test_config();
    MasterKey::load(config.master_key.as_ref(), &config.data_dir).expect("master key")
}

/// Asserts a `{status:"error"}` answer with `status` whose `field` is `field`.
pub async fn assert_invalid(response: reqwest::Response, status: u16, field: &str) {
    let code = response.status().as_u16();
    let body: Value = response.json().await.expect("json error body");
    assert_eq!(code, status, "{body}");
    assert_eq!(body["status"], "error", "{body}");
    assert_eq!(body["field"], field, "{body}");
    assert!(body["msg"].as_str().is_some_and(|msg| !msg.is_empty()), "{body}");
}
