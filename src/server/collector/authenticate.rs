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
use crate::server::auth::ClientAddr;
use crate::server::db::apps::{self, AppRow, Verifier};
use crate::server::sealed::{self, Owner};
use crate::server::{AppError, AppState};

/// Clock skew tolerated on `exp` and `nbf`, in seconds.
pub const LEEWAY_SECONDS: u64 = 30;

/// Clock skew tolerated on `iat`, in seconds.
pub const IAT_SKEW_SECONDS: i64 = 60;

/// How long after its `iat` a token without `exp` is accepted; its `jti` is
/// remembered at least that long (and, by upkeep, 30 days more).
pub const MAX_AGE_WITHOUT_EXP_HOURS: i64 = 24;

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
        (status = 429, description = "Too many token requests from this address or for this appID; wait Retry-After seconds"),
        (status = 500, description = "Internal error", body = AuthenticationError),
    )
)]
pub async fn authenticate(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
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

    state.auth.admit_authenticate(client, app_id)?;

    let claims = Claims::read(code)?;
    if claims.app_id.as_deref() != Some(app_id) {
        return Err(grant("the token's appID claim does not match client_id"));
    }
    if claims.user_id.as_deref() != Some(local_id) {
        return Err(grant("the token's userID claim does not match the localID of client_id"));
    }
    let alg = header_alg(code)?;
    // Until the signature verifies, an unknown appID is answered exactly
    // like a wrong secret or key, so the answers do not tell which appIDs
    // exist; what only the app's owner may learn (disabled, origin) comes after.
    if alg != "HS256" && alg != "ES256" {
        return Err(grant(format!(
            "tokens signed with {alg} are refused; use HS256 with an app secret or ES256 with a registered key"
        )));
    }
    let Some(app) = apps::find(&state.pool, app_id).await? else {
        return Err(if alg == "HS256" { no_secret_matches() } else { no_key_matches(claims.key_id.as_deref()) });
    };
    let verifier = if alg == "HS256" {
        verify_with_secrets(&state, &app, code).await?
    } else {
        verify_with_key(&state, &app, code, claims.key_id.as_deref()).await?
    };
    claims.check_times()?;
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
    if let Some(jti) = &claims.jti {
        // Kept until the token could no longer be accepted anyway; upkeep
        // keeps it 30 days longer still.
        let expires_at = claims.accepted_until() + Duration::seconds(LEEWAY_SECONDS as i64);
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
        let owner = Owner::AppSecret { app_id: app.id, secret_id: stored.id };
        let opened =
            sealed::open(&state.master_key, owner, stored.ciphertext_format, &stored.ciphertext, &stored.nonce);
        let secret = match opened {
            Ok(secret) => secret,
            Err(error) => {
                // Not this row's (copied, moved), altered, or of another
                // master key: unusable, and no reason to fail the others.
                tracing::error!(
                    app = %app.public_id,
                    secret_id = stored.id,
                    error = format!("{error:#}"),
                    "an app secret does not decrypt; skipped"
                );
                continue;
            }
        };
        match jsonwebtoken::decode::<Value>(code, &DecodingKey::from_secret(secret.expose_secret()), &validation) {
            Ok(_) => return Ok(Verifier::Secret(stored.id)),
            Err(error) if is_timing(error.kind()) => timing_error = Some(error),
            Err(_) => {}
        }
    }
    Err(match timing_error {
        Some(error) => timing(error.kind()),
        None => no_secret_matches(),
    })
}

fn no_secret_matches() -> AppError {
    grant("the token's signature matches no active app secret")
}

/// Also the answer for an unknown appID, which must read the same.
fn no_key_matches(key_id: Option<&str>) -> AppError {
    match key_id {
        Some(key_id) => {
            grant(format!("no active key with keyID {key_id:?} of this app verifies the token's signature"))
        }
        None => grant("an ES256 token needs a keyID claim"),
    }
}

async fn verify_with_key(
    state: &AppState,
    app: &AppRow,
    code: &str,
    key_id: Option<&str>,
) -> Result<Verifier, AppError> {
    let Some(key_id) = key_id else { return Err(no_key_matches(None)) };
    let (id, pem) = apps::active_key(&state.pool, app.id, key_id).await?.ok_or_else(|| no_key_matches(Some(key_id)))?;
    let key = DecodingKey::from_ec_pem(pem.as_bytes()).map_err(|error| AppError::Internal(error.into()))?;
    match jsonwebtoken::decode::<Value>(code, &key, &validation(Algorithm::ES256)) {
        Ok(_) => Ok(Verifier::Key(id)),
        Err(error) if is_timing(error.kind()) => Err(timing(error.kind())),
        Err(_) => Err(no_key_matches(Some(key_id))),
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
    iat: Option<DateTime<Utc>>,
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
        let time =
            |name: &str| value.get(name).and_then(Value::as_f64).and_then(|at| DateTime::from_timestamp(at as i64, 0));
        let claims = Self {
            app_id: text("appID"),
            user_id: text("userID"),
            key_id: text("keyID"),
            jti: text("jti"),
            exp: time("exp"),
            iat: time("iat"),
        };
        // keyID and jti are looked up and stored; the store refuses NUL.
        for (name, claim) in [("keyID", &claims.key_id), ("jti", &claims.jti)] {
            if let Some(rule) = claim.as_deref().and_then(limits::unstorable) {
                return Err(grant(format!("the {name} claim {rule}")));
            }
        }
        Ok(claims)
    }

    /// Refuses a token made in the future (beyond [`IAT_SKEW_SECONDS`]), and
    /// a token without `exp` unless its `iat` is at most
    /// [`MAX_AGE_WITHOUT_EXP_HOURS`] old: an exp-less token would otherwise
    /// verify forever, long after its jti was forgotten. (`exp` and `nbf`
    /// were checked with the signature.)
    fn check_times(&self) -> Result<(), AppError> {
        let now = Utc::now();
        if self.iat.is_some_and(|iat| iat > now + Duration::seconds(IAT_SKEW_SECONDS)) {
            return Err(grant("the token's iat is in the future; check the clock of the server that made it"));
        }
        if self.exp.is_none() {
            let Some(iat) = self.iat else {
                return Err(grant("a token without exp must carry iat (when it was made)"));
            };
            if now - iat > Duration::hours(MAX_AGE_WITHOUT_EXP_HOURS) + Duration::seconds(LEEWAY_SECONDS as i64) {
                return Err(grant(format!(
                    "a token without exp is accepted for {MAX_AGE_WITHOUT_EXP_HOURS} hours after its iat; make a new token"
                )));
            }
        }
        Ok(())
    }

    /// The last moment the token is accepted (after [`Self::check_times`] passed).
    fn accepted_until(&self) -> DateTime<Utc> {
        self.exp
            .or_else(|| self.iat.map(|iat| iat + Duration::hours(MAX_AGE_WITHOUT_EXP_HOURS)))
            .unwrap_or_else(Utc::now)
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
