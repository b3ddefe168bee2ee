//! A small collector client over HTTP, doing what an SDK does: it signs a
//! short-lived HS256 JWT with the app secret (the secret itself never
//! crosses the wire), trades it for an access token at `/authenticate`,
//! joins a conference and posts events with an `Idempotency-Key` each.
//! Used by `callscope demo` and the ingestion benchmark.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rand::Rng;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::{Value, json};
use url::Url;

/// Lifetime of the client JWTs this client makes, in seconds.
const JWT_SECONDS: i64 = 300;

/// How long one request may take before it counts as failed.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Why a collector call failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The collector answered, but not with success.
    #[error("POST {path}: {status}: {body}")]
    Status {
        /// The path requested (without the host).
        path: String,
        /// The HTTP status.
        status: u16,
        /// The answer's body, as text.
        body: String,
    },
    /// No answer: connection refused, reset, timed out.
    #[error("POST {path}: {source}")]
    Transport {
        /// The path requested.
        path: String,
        /// The transport error.
        source: reqwest::Error,
    },
    /// The client JWT could not be signed.
    #[error("signing the client JWT: {0}")]
    Jwt(#[from] jsonwebtoken::errors::Error),
    /// The HTTP client could not be set up.
    #[error("setting up the HTTP client: {0}")]
    Http(#[source] reqwest::Error),
    /// The collector's base URL cannot take path segments.
    #[error("the collector URL {0} cannot be a base URL")]
    BaseUrl(String),
    /// A success answer without the expected field.
    #[error("POST {path}: the answer has no {field}: {body}")]
    Answer {
        /// The path requested.
        path: String,
        /// The field that is missing.
        field: &'static str,
        /// The answer's body.
        body: String,
    },
}

/// One app's view of a collector: where it is and the app's credentials.
pub struct Collector {
    http: reqwest::Client,
    base: Url,
    app_id: String,
    secret: SecretString,
    requests: AtomicU64,
}

/// An endpoint that joined a conference: what every later call carries.
#[derive(Debug, Clone)]
pub struct Endpoint {
    /// The bearer token of its localID.
    pub token: String,
    /// The conferenceID, exactly as joined.
    pub conference_id: String,
    /// The ucID the collector returned.
    pub uc_id: String,
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
}

impl Collector {
    /// A client of the collector at `base` (e.g. `http://127.0.0.1:3000`) for app `app_id`.
    pub fn new(base: &str, app_id: &str, secret: SecretString) -> Result<Self, ClientError> {
        let base = Url::parse(base).map_err(|_| ClientError::BaseUrl(base.to_owned()))?;
        if base.cannot_be_a_base() {
            return Err(ClientError::BaseUrl(base.to_string()));
        }
        let http = reqwest::Client::builder().timeout(REQUEST_TIMEOUT).build().map_err(ClientError::Http)?;
        Ok(Self { http, base, app_id: app_id.to_owned(), secret, requests: AtomicU64::new(0) })
    }

    /// The appID this client speaks for.
    pub fn app_id(&self) -> &str {
        &self.app_id
    }

    /// How many requests were answered with success so far.
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// A client JWT for `user_id`: HS256 with the app secret, valid five minutes, unique `jti`.
    pub fn client_jwt(&self, user_id: &str) -> Result<String, ClientError> {
        let now = chrono::Utc::now().timestamp();
        let claims = json!({
            "appID": self.app_id,
            "userID": user_id,
            "iat": now,
            "exp": now + JWT_SECONDS,
            "jti": random_key(),
        });
        let key = EncodingKey::from_secret(self.secret.expose_secret().as_bytes());
        Ok(jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &key)?)
    }

    /// `POST /authenticate`: an access token for `user_id` (the localID).
    pub async fn authenticate(&self, user_id: &str) -> Result<String, ClientError> {
        let code = self.client_jwt(user_id)?;
        let client_id = format!("{user_id}@{}", self.app_id);
        let form = [("grant_type", "authorization_code"), ("client_id", &client_id), ("code", &code)];
        let url = self.url(&["authenticate"])?;
        let body = self.send(self.http.post(url.clone()).form(&form), &url).await?;
        let answer: TokenAnswer = serde_json::from_str(&body).map_err(|_| ClientError::Answer {
            path: url.path().to_owned(),
            field: "access_token",
            body: body.clone(),
        })?;
        Ok(answer.access_token)
    }

    /// User joined: authenticates `user_id` and joins `conference_id` with `body`.
    pub async fn join(&self, user_id: &str, conference_id: &str, body: &Value) -> Result<Endpoint, ClientError> {
        let token = self.authenticate(user_id).await?;
        let url = self.url(&["v1", "apps", &self.app_id, "conferences", conference_id])?;
        let answer = self.post_json(&url, &token, body).await?;
        let uc_id = answer.get("ucID").and_then(Value::as_str).ok_or_else(|| ClientError::Answer {
            path: url.path().to_owned(),
            field: "ucID",
            body: answer.to_string(),
        })?;
        Ok(Endpoint { token, conference_id: conference_id.to_owned(), uc_id: uc_id.to_owned() })
    }

    /// POSTs `body` to `/v1/apps/{appID}/conferences/{confID}/{ucID}/{suffix}`
    /// of `endpoint` (suffix e.g. `events/fabric`); returns the answer.
    pub async fn post(&self, endpoint: &Endpoint, suffix: &str, body: &Value) -> Result<Value, ClientError> {
        let mut segments = vec!["v1", "apps", &self.app_id, "conferences", &endpoint.conference_id, &endpoint.uc_id];
        segments.extend(suffix.split('/'));
        let url = self.url(&segments)?;
        self.post_json(&url, &endpoint.token, body).await
    }

    async fn post_json(&self, url: &Url, token: &str, body: &Value) -> Result<Value, ClientError> {
        let request = self.http.post(url.clone()).bearer_auth(token).header("idempotency-key", random_key()).json(body);
        let text = self.send(request, url).await?;
        serde_json::from_str(&text).map_err(|_| ClientError::Answer {
            path: url.path().to_owned(),
            field: "a JSON body",
            body: text,
        })
    }

    async fn send(&self, request: reqwest::RequestBuilder, url: &Url) -> Result<String, ClientError> {
        let transport = |source| ClientError::Transport { path: url.path().to_owned(), source };
        let response = request.send().await.map_err(transport)?;
        let status = response.status();
        let body = response.text().await.map_err(transport)?;
        if !status.is_success() {
            return Err(ClientError::Status { path: url.path().to_owned(), status: status.as_u16(), body });
        }
        self.requests.fetch_add(1, Ordering::Relaxed);
        Ok(body)
    }

    /// The base URL plus `segments`, each percent-encoded as one path segment
    /// (a conferenceID may hold `/`, `?` or any script).
    fn url(&self, segments: &[&str]) -> Result<Url, ClientError> {
        let mut url = self.base.clone();
        url.path_segments_mut()
            .map_err(|()| ClientError::BaseUrl(self.base.to_string()))?
            .pop_if_empty()
            .extend(segments);
        Ok(url)
    }
}

/// 128 random bits as hex: an idempotency key or a `jti`.
fn random_key() -> String {
    format!("{:032x}", rand::rng().random::<u128>())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collector() -> Collector {
        Collector::new("http://127.0.0.1:9/", "123456789", SecretString::from("s3cret")).expect("client")
    }

    #[test]
    fn conference_ids_are_one_percent_encoded_segment_each() {
        let url = collector().url(&["v1", "apps", "1", "conferences", "a/b?c インターネット"]).expect("url");
        assert_eq!(
            url.path(),
            "/v1/apps/1/conferences/a%2Fb%3Fc%20%E3%82%A4%E3%83%B3%E3%82%BF%E3%83%BC%E3%83%8D%E3%83%83%E3%83%88"
        );
    }

    #[test]
    fn the_client_jwt_carries_the_callstats_claims_and_verifies_with_the_secret() {
        let token = collector().client_jwt("alice").expect("jwt");
        let mut validation = jsonwebtoken::Validation::new(Algorithm::HS256);
        validation.set_required_spec_claims(&["exp"]);
        let data =
            jsonwebtoken::decode::<Value>(&token, &jsonwebtoken::DecodingKey::from_secret(b"s3cret"), &validation)
                .expect("verifies");
        let claims = data.claims;
        assert_eq!((claims["appID"].as_str(), claims["userID"].as_str()), (Some("123456789"), Some("alice")));
        assert!(claims["iat"].is_i64() && claims["jti"].as_str().is_some_and(|jti| jti.len() == 32));
        assert_ne!(collector().client_jwt("alice").expect("jwt"), token, "each token has its own jti");
    }
}
