//! Access tokens: what `/authenticate` hands out and every ingestion call
//! carries as `Authorization: Bearer` (or, for the SDK's unload beacons,
//! in the `access_token` query parameter). A token is an HS256 JWT signed with
//! a key derived from the master key, so checking one needs no database
//! round trip; it is bound to one app and one localID and lives 2 hours.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};

use super::wire::query_param;
use crate::server::master_key::MasterKey;
use crate::server::{AppError, AppState};

/// Lifetime of an access token, in seconds (the wire `expires_in`).
pub const LIFETIME_SECONDS: i64 = 2 * 60 * 60;

/// The query parameter that may carry the token instead of the header.
pub const ACCESS_TOKEN_PARAM: &str = "access_token";

const AUDIENCE: &str = "callscope-collector";

/// Signs and checks access tokens.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl TokenKeys {
    /// Keys derived from the master key: every instance sharing the master
    /// key accepts the tokens of the others.
    pub fn new(master_key: &MasterKey) -> Self {
        let key = master_key.derive("callscope collector access tokens v1");
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "aud", "sub"]);
        validation.leeway = 0;
        Self {
            encoding: EncodingKey::from_secret(key.expose_secret()),
            decoding: DecodingKey::from_secret(key.expose_secret()),
            validation,
        }
    }

    /// A token for `user_id` of the app (`app_id` internal, `public_id` the appID).
    pub fn issue(&self, app_id: i64, public_id: &str, user_id: &str) -> Result<String, AppError> {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: user_id.to_owned(),
            app: public_id.to_owned(),
            aid: app_id,
            aud: AUDIENCE.to_owned(),
            iat: now,
            exp: now + LIFETIME_SECONDS,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|error| AppError::Internal(anyhow::anyhow!("signing an access token: {error}")))
    }

    /// The caller a token speaks for, or why it is refused.
    pub fn verify(&self, token: &str) -> Result<Caller, AppError> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation).map_err(|error| {
            AppError::InvalidToken(match error.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => {
                    "the access token has expired; authenticate again".to_owned()
                }
                _ => "invalid access token; authenticate again".to_owned(),
            })
        })?;
        let claims = data.claims;
        Ok(Caller { app_id: claims.aid, public_id: claims.app, user_id: claims.sub })
    }
}

#[derive(Serialize, Deserialize)]
struct Claims {
    sub: String,
    app: String,
    aid: i64,
    aud: String,
    iat: i64,
    exp: i64,
}

/// Who is calling the collector, as proven by the bearer token.
#[derive(Debug, Clone)]
pub struct Caller {
    /// Internal id of the app.
    pub app_id: i64,
    /// The appID the token was issued for.
    pub public_id: String,
    /// The localID the token was issued for.
    pub user_id: String,
}

impl Caller {
    /// Refuses a request for another app than the token's.
    pub fn check_app(&self, app_id: &str) -> Result<(), AppError> {
        if app_id != self.public_id {
            return Err(AppError::InvalidToken(format!(
                "the access token was issued for app {}, not app {app_id}",
                self.public_id
            )));
        }
        Ok(())
    }

    /// Refuses a body whose localID is not the token's.
    pub fn check_user(&self, local_id: &str) -> Result<(), AppError> {
        if local_id != self.user_id {
            return Err(AppError::InvalidToken("the access token was issued for another localID".to_owned()));
        }
        Ok(())
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = AppError;

    /// The token of `Authorization: Bearer`, or else of the `access_token`
    /// query parameter (RFC 6750 §2.3), which the SDK's unload beacons use.
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Some(header) = parts.headers.get(AUTHORIZATION) else {
            let token = query_param(&parts.uri, ACCESS_TOKEN_PARAM).ok_or_else(|| {
                AppError::InvalidToken(
                    "missing Authorization header; send \"Authorization: Bearer <token>\"".to_owned(),
                )
            })?;
            return state.tokens.verify(&token);
        };
        let token = header
            .to_str()
            .ok()
            .and_then(|value| value.strip_prefix("Bearer ").or_else(|| value.strip_prefix("bearer ")))
            .ok_or_else(|| AppError::InvalidToken("the Authorization header must be \"Bearer <token>\"".to_owned()))?;
        state.tokens.verify(token.trim())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(hex: &str) -> TokenKeys {
        let key =
            MasterKey::load(Some(&secrecy::SecretString::from(hex.repeat(32))), std::path::Path::new("/nonexistent"))
                .expect("key");
        TokenKeys::new(&key)
    }

    #[test]
    fn a_token_names_its_app_and_user() {
        let keys = keys("ab");
        let token = keys.issue(7, "123456789", "alice").expect("issue");
        let caller = keys.verify(&token).expect("verify");
        assert_eq!((caller.app_id, caller.public_id.as_str(), caller.user_id.as_str()), (7, "123456789", "alice"));
        assert!(caller.check_app("123456789").is_ok());
        assert!(matches!(caller.check_app("987654321"), Err(AppError::InvalidToken(_))));
        assert!(caller.check_user("bob").is_err());
    }

    #[test]
    fn a_token_of_another_master_key_or_altered_is_refused() {
        let token = keys("ab").issue(7, "123456789", "alice").expect("issue");
        assert!(matches!(keys("cd").verify(&token), Err(AppError::InvalidToken(_))));
        let mut altered = token.clone();
        altered.insert(token.find('.').expect("dot") + 2, 'x');
        assert!(keys("ab").verify(&altered).is_err());
    }
}
