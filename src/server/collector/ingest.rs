//! One ingestion request from start to acknowledgement: the transaction
//! that stores it, the endpoint it is about, and its `Idempotency-Key`.
//! The answer is sent only after the commit, so anything acknowledged is
//! on disk; a retry with the same key gets the first answer again.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use sqlx::{PgConnection, PgPool, Postgres, Transaction};
use utoipa::IntoParams;
use uuid::Uuid;

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;

use std::sync::Arc;

use super::activity::Activity;
use super::quota::Kind;
use super::token::Caller;
use super::wire::{Envelope, Validate, Wire, query_param};
use crate::domain::limits::{self, ID_BYTES};
use crate::server::db::conferences::EndpointRow;
use crate::server::db::{conferences, idempotency};
use crate::server::lifecycle::{self, Summary};
use crate::server::metrics::events as metrics;
use crate::server::progress::Progress;
use crate::server::{AppError, AppState};

/// The header a client sets to make a retry safe.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// The query parameter that may carry the key instead (beacons cannot set headers).
pub const IDEMPOTENCY_KEY_PARAM: &str = "idempotencyKey";

/// Path of every per-endpoint route.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct EndpointPath {
    /// The appID.
    #[serde(rename = "appID")]
    #[param(rename = "appID")]
    pub app_id: String,
    /// The conferenceID, exactly as the client knows it (percent-encoded in the URL).
    #[serde(rename = "confID")]
    #[param(rename = "confID")]
    pub conf_id: String,
    /// The ucID returned by user joined.
    #[serde(rename = "ucID")]
    #[param(rename = "ucID")]
    pub uc_id: String,
}

/// The endpoint a request is about, checked against the token and the path.
#[derive(Debug, Clone, Copy)]
pub struct Endpoint {
    /// The ucID.
    pub id: Uuid,
    /// Its conference instance.
    pub instance_id: i64,
    /// Its app (internal id).
    pub app_id: i64,
}

/// A collector path: it names an app, and may carry its own rules.
pub trait AppPath: DeserializeOwned + Send {
    /// The appID in the path.
    fn app_id(&self) -> &str;
    /// The path's own limits (e.g. the conferenceID's 256 bytes).
    fn check(&self) -> Result<(), AppError> {
        Ok(())
    }
}

impl AppPath for EndpointPath {
    fn app_id(&self) -> &str {
        &self.app_id
    }

    fn check(&self) -> Result<(), AppError> {
        Ok(limits::identifier("conferenceID", &self.conf_id, ID_BYTES)?)
    }
}

/// What every collector write checks first, in the order that gives the
/// right status: the token (401), the path and its app (400/401/422), the
/// body (400/413/422), the body's localID against the token (401), then
/// the `Idempotency-Key` (400).
pub struct Authorized<P, T> {
    /// Who the token speaks for.
    pub caller: Caller,
    /// The parsed path.
    pub path: P,
    /// The validated body.
    pub body: T,
    /// The body's timestamp.
    pub at: DateTime<Utc>,
    /// The body as received.
    pub raw: Bytes,
    /// Method, URI and headers of the request.
    pub parts: Parts,
    /// The request's `Idempotency-Key` ([`idempotency_key`]), if it has one.
    pub key: Option<String>,
}

impl<P, T> FromRequest<AppState> for Authorized<P, T>
where
    P: AppPath,
    T: DeserializeOwned + Validate + Envelope + Send,
{
    type Rejection = AppError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        let caller = Caller::from_request_parts(&mut parts, state).await?;
        let Path(path) = Path::<P>::from_request_parts(&mut parts, state)
            .await
            .map_err(|rejection| AppError::BadRequest(rejection.body_text()))?;
        caller.check_app(path.app_id())?;
        path.check()?;
        let Wire { body, raw } = Wire::<T>::from_request(Request::from_parts(parts.clone(), body), state).await?;
        caller.check_user(body.local_id())?;
        let key = idempotency_key(&parts)?;
        tracing::trace!(local_id = body.local_id(), device_id = body.device_id(), "collector body accepted");
        // Timestamps are accepted up to the year 2100, but a client clock far
        // ahead must not file events, activity or presence in the future
        // (that would keep an endpoint or instance live): at most a minute ahead.
        let at = body.timestamp().to_datetime("timestamp")?.min(Utc::now() + chrono::Duration::minutes(1));
        Ok(Self { caller, path, body, at, raw, parts, key })
    }
}

/// A request about one endpoint (ucID): [`Authorized`], then the ucID
/// (400/401) resolved inside the transaction that will store the request.
pub struct EndpointRequest<T> {
    /// Stores the request and answers it.
    pub ingest: Ingest,
    /// The endpoint the path names.
    pub endpoint: Endpoint,
    /// The validated body.
    pub body: T,
    /// The body's timestamp.
    pub at: DateTime<Utc>,
}

impl<T> FromRequest<AppState> for EndpointRequest<T>
where
    T: DeserializeOwned + Validate + Envelope + Send,
{
    type Rejection = AppError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let Authorized { caller, path, body, at, raw, parts, key } =
            Authorized::<EndpointPath, T>::from_request(request, state).await?;
        // The quota is spent before any write, so a refused request can be sent again.
        let known = known_endpoint(state, &caller, &path).await?;
        state.quotas.charge(known.id, Kind::of_path(parts.uri.path()), 1)?;
        let mut ingest = Ingest::begin(state, &caller, key, &parts, &raw).await?;
        let endpoint = ingest.endpoint(&caller, &path, at).await?;
        Ok(Self { ingest, endpoint, body, at })
    }
}

/// An ingestion request in progress.
pub struct Ingest {
    pool: PgPool,
    progress: Arc<Progress>,
    activity: Arc<Activity>,
    tx: Transaction<'static, Postgres>,
    app_id: i64,
    key: Option<String>,
    fingerprint: [u8; 32],
    /// The summary of the instance this request ended, counted once committed.
    ended: Option<Summary>,
    /// Whether this request stored a dissatisfied feedback, counted once committed.
    dissatisfied: bool,
}

impl Ingest {
    /// Opens the transaction for a request of `caller` with body `raw`,
    /// stored once per idempotency `key`.
    pub async fn begin(
        state: &AppState,
        caller: &Caller,
        key: Option<String>,
        parts: &Parts,
        raw: &Bytes,
    ) -> Result<Self, AppError> {
        let mut hasher = Sha256::new();
        hasher.update(b"POST ");
        hasher.update(parts.uri.path().as_bytes());
        hasher.update([0]);
        hasher.update(raw);
        let tx = state.pool.begin().await?;
        Ok(Self {
            pool: state.pool.clone(),
            progress: state.progress.clone(),
            activity: state.activity.clone(),
            tx,
            app_id: caller.app_id,
            key,
            fingerprint: hasher.finalize().into(),
            ended: None,
            dissatisfied: false,
        })
    }

    /// Resolves the path's ucID, noting activity at `at`; refuses one of
    /// another conference, app or user. An event notes activity in its own
    /// transaction, unthrottled: the instance's row lock, held until the
    /// event commits, orders it with an end decided elsewhere, which either
    /// waits for the event (and its summary reads it) or is seen by it (and
    /// the summary is marked stale, `conferences::touch_instance`).
    async fn endpoint(
        &mut self,
        caller: &Caller,
        path: &EndpointPath,
        at: DateTime<Utc>,
    ) -> Result<Endpoint, AppError> {
        let id = parse_uc_id(path)?;
        let endpoint = check_endpoint(caller, path, id, conferences::endpoint(&mut *self.tx, id).await?)?;
        conferences::touch_instance(&mut *self.tx, endpoint.instance_id, at).await?;
        Ok(endpoint)
    }

    /// Summarises instance `instance_id`, which this request has just ended.
    /// A summary that fails is left to the lifecycle worker: the client's
    /// event is stored and acknowledged all the same. Stats that reach this
    /// process for it later mark the summary stale at once (see
    /// `server::lifecycle`), not after the activity's 5 s throttle.
    pub async fn summarize_ended(&mut self, instance_id: i64) -> Result<(), AppError> {
        self.ended = Some(lifecycle::summarize_or_defer(&mut self.tx, instance_id, Utc::now()).await?);
        self.activity.forget(instance_id);
        Ok(())
    }

    /// Notes that this request stores a feedback rated 1 or 2, for the metrics.
    pub fn note_dissatisfied_feedback(&mut self) {
        self.dissatisfied = true;
    }

    /// The transaction's connection, for the db layer.
    pub fn conn(&mut self) -> &mut PgConnection {
        &mut self.tx
    }

    /// Commits and answers `200 {"status":"success","msg":"<step> received"}`;
    /// `step` is also recorded as integration progress.
    pub async fn done(self, step: &'static str) -> Result<Response, AppError> {
        self.finish(step, serde_json::json!({ "status": "success", "msg": format!("{step} received") })).await
    }

    /// Commits and answers 200 with `body`; under an idempotency key that
    /// was already used, rolls back and answers as the first time.
    pub async fn finish(mut self, step: &'static str, body: serde_json::Value) -> Result<Response, AppError> {
        let bytes = serde_json::to_vec(&body).map_err(anyhow::Error::from)?;
        if let Some(key) = &self.key {
            let claimed = idempotency::claim(&mut self.tx, self.app_id, key, &self.fingerprint, 200, &bytes).await?;
            if !claimed {
                self.tx.rollback().await?;
                return replay(&self.pool, self.app_id, key, &self.fingerprint).await;
            }
        }
        self.tx.commit().await?;
        if let Some(summary) = self.ended {
            metrics::conference_ended(self.app_id, summary);
        }
        if self.dissatisfied {
            metrics::feedback_dissatisfied(self.app_id);
        }
        self.progress.seen(&self.pool, self.app_id, step);
        Ok(json_response(StatusCode::OK, bytes))
    }
}

/// The first answer given under `key`, or 422 when the key was used for a
/// different request. The first request committed before our claim
/// returned, so its row is visible.
async fn replay(pool: &PgPool, app_id: i64, key: &str, fingerprint: &[u8]) -> Result<Response, AppError> {
    let stored = idempotency::stored(pool, app_id, key)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("idempotency key vanished between claim and replay")))?;
    if stored.fingerprint != fingerprint {
        return Err(AppError::Validation {
            field: "Idempotency-Key".to_owned(),
            message: "this key was already used for a different request; use a new key per request".to_owned(),
        });
    }
    let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK);
    Ok(json_response(status, stored.body))
}

/// The ucID of the path, as a UUID.
fn parse_uc_id(path: &EndpointPath) -> Result<Uuid, AppError> {
    Uuid::parse_str(&path.uc_id)
        .map_err(|_| AppError::BadRequest(format!("ucID {:?} is not a ucID returned by user joined", path.uc_id)))
}

/// Accepts the endpoint `id` (as read from the store) for `caller` only when
/// it exists in the caller's app, in the path's conference, for the
/// caller's user, and the app is enabled.
/// The endpoint the path's ucID names, read from the lookups' memory
/// (re-read every 5 s) and checked ([`check_endpoint`]).
pub async fn known_endpoint(state: &AppState, caller: &Caller, path: &EndpointPath) -> Result<Endpoint, AppError> {
    let uc_id = parse_uc_id(path)?;
    check_endpoint(caller, path, uc_id, state.lookups.endpoint(&state.pool, uc_id).await?)
}

fn check_endpoint(
    caller: &Caller,
    path: &EndpointPath,
    id: Uuid,
    row: Option<EndpointRow>,
) -> Result<Endpoint, AppError> {
    let Some(row) = row.filter(|row| row.app_id == caller.app_id) else {
        return Err(AppError::BadRequest(format!("unknown ucID {id} for app {}", path.app_id)));
    };
    if row.conference_id != path.conf_id {
        return Err(AppError::BadRequest(format!("ucID {id} belongs to another conference")));
    }
    if row.app_disabled {
        return Err(AppError::InvalidToken(format!("app {} is disabled", path.app_id)));
    }
    caller.check_user(&row.user_id)?;
    Ok(Endpoint { id, instance_id: row.instance_id, app_id: row.app_id })
}

fn json_response(status: StatusCode, body: Vec<u8>) -> Response {
    let mut response = (status, body).into_response();
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// The request's `Idempotency-Key` header, or else its `idempotencyKey`
/// query parameter, if any; 400 when it is malformed.
fn idempotency_key(parts: &Parts) -> Result<Option<String>, AppError> {
    let key = match parts.headers.get(IDEMPOTENCY_KEY) {
        // Not visible ASCII: refused below.
        Some(value) => value.to_str().unwrap_or_default().to_owned(),
        None => match query_param(&parts.uri, IDEMPOTENCY_KEY_PARAM) {
            Some(key) => key,
            None => return Ok(None),
        },
    };
    if !(1..=255).contains(&key.len()) || !key.bytes().all(|b| (b'!'..=b'~').contains(&b)) {
        return Err(AppError::BadRequest("Idempotency-Key must be 1 to 255 visible ASCII characters".to_owned()));
    }
    Ok(Some(key))
}
