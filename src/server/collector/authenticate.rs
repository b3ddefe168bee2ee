//! `POST /authenticate`: the OAuth2 token request of the callstats API.
//! The client proves itself with a JWT `code`, either HS256 signed with an
//! app secret (the secret never crosses the wire) or ES256 signed by the
//! customer's server and verified with the app's public key named by
//! `keyID`. Any other algorithm is refused.

use axum::Json;
use axum::extract::{Form, State};
use axum::http::header::ORIGIN;
use axum::http::{HeaderMap, StatusCode};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::token::LIFETIME_SECONDS;
use crate::domain::limits::{self, ID_BYTES};
use crate::server::db::apps::{self, AppRow, Verifier};
use crate::server::{AppError, AppState};

/// Clock skew tolerated on `exp` and `nbf`, in seconds.
pub const LEEWAY_SECONDS: u64 = 30;

/// How long a used `jti` is remembered when the token has no `exp`.
const JTI_MEMORY_HOURS: i64 = 24;

/// The form-encoded token request.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TokenRequest {
    /// Must be `authorization_code`.
    pub grant_type: Option<String>,
    /// The JWT: HS256 signed with an app secret, or ES256 with `keyID`.
    pub code: Option<String>,
    /// `localID@appID`.
    pub client_id: Option<String>,
}

/// A new access token.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AccessToken {
    /// Send as `Authorization: Bearer <access_token>` on every other call.
    pub access_token: String,
    /// Seconds until it expires (7200).
    pub expires_in: i64,
    /// Always `bearer`.
    pub token_type: String,
}

/// Why a token request was refused (OAuth2 error shape).
#[derive(Debug, Serialize, ToSchema)]
pub struct AuthenticationError {
    /// `invalid_request`, `unsupported_grant_type`, `invalid_client` or `invalid_grant`.
    pub error: String,
    /// Human readable error reason.
    #[serde(rename = "errorReason")]
    pub error_reason: String,
    /// Suggested actions: `retryWithNewToken` or `reportError`.
    #[serde(rename = "urn:x-callstats:auth:errorActions")]
    pub error_actions: Vec<Value>,
}

/// Exchanges a client JWT for an access token.
#[utoipa::path(
    post, path = "/authenticate", tag = "Authentication",
    request_body(content = TokenRequest, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "A new token", body = AccessToken),
        (status = 400, description = "Bad request", body = AuthenticationError),
        (status = 500, description = "Internal error", body = AuthenticationError),
    )
)]
pub async fn authenticate(
    State(state): State<AppState>,
    headers: HeaderMap,
    form: Result<Form<TokenRequest>, axum::extract::rejection::FormRejection>,
) -> Result<Json<AccessToken>, AppError> {
    let Form(request) = form.map_err(|rejection| match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => AppError::PayloadTooLarge,
        _ => refuse("invalid_request", rejection.body_text()),
    })?;
    if request.grant_type.as_deref() != Some("authorization_code") {
        return Err(refuse("unsupported_grant_type", "grant_type must be authorization_code"));
    }
    let client_id = request.client_id.as_deref().unwrap_or_default();
    let Some((local_id, app_id)) = client_id.rsplit_once('@').filter(|(user, app)| !user.is_empty() && !app.is_empty())
    else {
        return Err(refuse("invalid_request", "client_id must be localID@appID"));
    };
    // The localID is stored (as the jti's user); neither may hold what the store refuses.
    if let Some(rule) = limits::text_rule(local_id, 1, ID_BYTES).or_else(|| limits::unstorable(app_id)) {
        return Err(refuse("invalid_request", format!("client_id: the localID or appID {rule}")));
    }
    let code = request
        .code
        .as_deref()
        .filter(|code| !code.is_empty())
        .ok_or_else(|| refuse("invalid_request", "code (the JWT) is missing"))?;

    let app = apps::find(&state.pool, app_id)
        .await?
        .ok_or_else(|| refuse("invalid_client", format!("unknown appID {app_id}")))?;
    if app.disabled {
        return Err(refuse("invalid_client", format!("app {app_id} is disabled")));
    }
    let origin = headers.get(ORIGIN).and_then(|value| value.to_str().ok());
    if !apps::origin_allowed(&state.pool, &app.public_id, origin).await? {
        return Err(refuse(
            "invalid_client",
            match origin {
                Some(origin) => format!("origin {origin} is not whitelisted for app {app_id}"),
                None => {
                    format!("app {app_id} only accepts requests from whitelisted origins, and this one has no Origin")
                }
            },
        ));
    }

    let claims = Claims::read(code)?;
    if claims.app_id.as_deref() != Some(app_id) {
        return Err(grant("the token's appID claim does not match client_id"));
    }
    if claims.user_id.as_deref() != Some(local_id) {
        return Err(grant("the token's userID claim does not match the localID of client_id"));
    }
    let verifier = match header_alg(code)?.as_str() {
        "HS256" => verify_with_secrets(&state, &app, code).await?,
        "ES256" => verify_with_key(&state, &app, code, claims.key_id.as_deref()).await?,
        other => {
            return Err(grant(format!(
                "tokens signed with {other} are refused; use HS256 with an app secret or ES256 with a registered key"
            )));
        }
    };
    if let Some(jti) = &claims.jti {
        let expires_at = claims.exp.map_or_else(
            || Utc::now() + Duration::hours(JTI_MEMORY_HOURS),
            |exp| exp + Duration::seconds(LEEWAY_SECONDS as i64),
        );
        if jti.is_empty() || jti.len() > 512 {
            return Err(grant("jti must be 1 to 512 bytes"));
        }
        if !apps::record_jti(&state.pool, app.id, jti, verifier, local_id, expires_at).await? {
            return Err(grant("this token was already used (its jti was seen before); make a new token"));
        }
    }
    if let Verifier::Secret(secret_id) = verifier {
        apps::touch_secret(&state.pool, secret_id).await?;
    }
    state.progress.seen(&state.pool, app.id, "authenticate");
    let access_token = state.tokens.issue(app.id, &app.public_id, local_id)?;
    Ok(Json(AccessToken { access_token, expires_in: LIFETIME_SECONDS, token_type: "bearer".to_owned() }))
}

async fn verify_with_secrets(state: &AppState, app: &AppRow, code: &str) -> Result<Verifier, AppError> {
    let validation = validation(Algorithm::HS256);
    let mut timing_error = None;
    for stored in apps::active_secrets(&state.pool, app.id).await? {
        let secret = state.master_key.decrypt(&stored.ciphertext, &stored.nonce)?;
        match jsonwebtoken::decode::<Value>(code, &DecodingKey::from_secret(secret.expose_secret()), &validation) {
            Ok(_) => return Ok(Verifier::Secret(stored.id)),
            Err(error) if is_timing(error.kind()) => timing_error = Some(error),
            Err(_) => {}
        }
    }
    Err(match timing_error {
        Some(error) => timing(error.kind()),
        None => grant("the token's signature matches no active app secret"),
    })
}

async fn verify_with_key(
    state: &AppState,
    app: &AppRow,
    code: &str,
    key_id: Option<&str>,
) -> Result<Verifier, AppError> {
    let key_id = key_id.ok_or_else(|| grant("an ES256 token needs a keyID claim"))?;
    let (id, pem) = apps::active_key(&state.pool, app.id, key_id)
        .await?
        .ok_or_else(|| grant(format!("no active key with keyID {key_id:?} for this app")))?;
    let key = DecodingKey::from_ec_pem(pem.as_bytes()).map_err(|error| AppError::Internal(error.into()))?;
    match jsonwebtoken::decode::<Value>(code, &key, &validation(Algorithm::ES256)) {
        Ok(_) => Ok(Verifier::Key(id)),
        Err(error) if is_timing(error.kind()) => Err(timing(error.kind())),
        Err(_) => Err(grant(format!("the token's signature does not verify with key {key_id:?}"))),
    }
}

fn validation(algorithm: Algorithm) -> Validation {
    let mut validation = Validation::new(algorithm);
    // exp and nbf are optional in the callstats claims, checked when present.
    validation.set_required_spec_claims::<&str>(&[]);
    validation.validate_nbf = true;
    validation.validate_aud = false;
    validation.leeway = LEEWAY_SECONDS;
    validation
}

fn is_timing(kind: &ErrorKind) -> bool {
    matches!(kind, ErrorKind::ExpiredSignature | ErrorKind::ImmatureSignature)
}

fn timing(kind: &ErrorKind) -> AppError {
    grant(match kind {
        ErrorKind::ExpiredSignature => "the token has expired (exp); make a new token",
        _ => "the token is not valid yet (nbf); check the clock of the server that made it",
    })
}

/// The claims read before the signature is checked, to pick the verifier
/// and match client_id. Nothing here is trusted until verification passes.
struct Claims {
    app_id: Option<String>,
    user_id: Option<String>,
    key_id: Option<String>,
    jti: Option<String>,
    exp: Option<DateTime<Utc>>,
}

impl Claims {
    fn read(code: &str) -> Result<Self, AppError> {
        let value: Value = jsonwebtoken::dangerous::insecure_decode_claims(code)
            .map_err(|_| grant("code is not a JWT (header.payload.signature, base64url JSON)"))?;
        let text = |name: &str| match value.get(name) {
            Some(Value::String(text)) => Some(text.clone()),
            // appIDs are numbers to some clients.
            Some(Value::Number(number)) => Some(number.to_string()),
            _ => None,
        };
        let exp = value.get("exp").and_then(Value::as_f64).and_then(|exp| DateTime::from_timestamp(exp as i64, 0));
        let claims =
            Self { app_id: text("appID"), user_id: text("userID"), key_id: text("keyID"), jti: text("jti"), exp };
        // keyID and jti are looked up and stored; the store refuses NUL.
        for (name, claim) in [("keyID", &claims.key_id), ("jti", &claims.jti)] {
            if let Some(rule) = claim.as_deref().and_then(limits::unstorable) {
                return Err(grant(format!("the {name} claim {rule}")));
            }
        }
        Ok(claims)
    }
}

fn header_alg(code: &str) -> Result<String, AppError> {
    let header = code.split('.').next().unwrap_or_default();
    let bytes =
        URL_SAFE_NO_PAD.decode(header.trim_end_matches('=')).map_err(|_| grant("the JWT header is not base64url"))?;
    let header: Value = serde_json::from_slice(&bytes).map_err(|_| grant("the JWT header is not JSON"))?;
    header.get("alg").and_then(Value::as_str).map(str::to_owned).ok_or_else(|| grant("the JWT header has no alg"))
}

fn refuse(error: &'static str, reason: impl Into<String>) -> AppError {
    AppError::AuthenticationFailed { error, reason: reason.into() }
}

fn grant(reason: impl Into<String>) -> AppError {
    refuse("invalid_grant", reason)
}
