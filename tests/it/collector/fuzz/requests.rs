//! Whole requests: a mutated body on its route, now and then with a broken
//! path segment (appID, conferenceID, ucID), token, idempotency key or
//! content type. `/authenticate` gets a form whose fields, or whose JWT's
//! claims, are mutated; the JWT is signed by hand so that claims which are
//! not valid JSON values (`1e400`, a duplicated key) are signed too.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use sha2::Sha256;

use super::hostile;
use super::mutate::{self, Body, Document};
use super::seeds::{self, Target};
use crate::collector::Joined;

/// What every request needs: the server, the app and the joined endpoints.
pub struct Context {
    pub base: String,
    pub app_id: String,
    pub secret: String,
    pub endpoints: Vec<Joined>,
}

/// One request to send.
pub struct Plan {
    pub url: String,
    pub bearer: Option<String>,
    pub content_type: Option<&'static str>,
    pub idempotency_key: Option<String>,
    pub body: Vec<u8>,
    /// What was mutated, one label per mutation; empty for a valid request.
    pub labels: Vec<String>,
}

impl Context {
    /// The valid request of `target` for the first endpoint.
    pub fn valid(&self, target: Target) -> Plan {
        self.valid_for(target, &self.endpoints[0])
    }

    /// The valid request of `target` for `endpoint`.
    pub fn valid_for(&self, target: Target, endpoint: &Joined) -> Plan {
        let (body, content_type) = match target {
            Target::Authenticate => {
                let code = self.jwt(&seeds::claims(&self.app_id, &endpoint.user).to_string());
                (self.form(&endpoint.user, &self.app_id, "authorization_code", &code), FORM)
            }
            Target::Join => (seeds::join(&endpoint.user).to_string().into_bytes(), JSON),
            Target::Endpoint(suffix) => (seeds::endpoint(suffix, &endpoint.user).to_string().into_bytes(), JSON),
        };
        let url = self.url(target, [self.app_id.as_str(), &endpoint.conf, &endpoint.uc_id]);
        Plan { url, bearer: Some(endpoint.token.clone()), content_type, idempotency_key: None, body, labels: vec![] }
    }

    /// A generated request to `target`.
    pub fn plan(&self, rng: &mut StdRng, target: Target) -> Plan {
        let endpoint = self.endpoints.choose(rng).unwrap_or(&self.endpoints[0]);
        self.plan_for(rng, target, endpoint)
    }

    /// A generated request to `target` for `endpoint`.
    pub fn plan_for(&self, rng: &mut StdRng, target: Target, endpoint: &Joined) -> Plan {
        if let Target::Authenticate = target {
            return self.authenticate(rng, &endpoint.user);
        }
        let seed = match target {
            Target::Endpoint(suffix) => seeds::endpoint(suffix, &endpoint.user),
            _ => seeds::join(&endpoint.user),
        };
        let Body { bytes, mut labels } = mutate::generate(rng, seed);
        let mut segments = [self.app_id.clone(), endpoint.conf.clone(), endpoint.uc_id.clone()];
        if rng.random_bool(0.08) {
            let index = rng.random_range(0..segments.len());
            let (value, label) = hostile_segment(rng, index, &segments[index]);
            labels.push(format!("path {}: {label}", ["appID", "confID", "ucID"][index]));
            segments[index] = value;
        }
        let mut url = self.url(target, segments.each_ref().map(String::as_str));
        let mut bearer = Some(endpoint.token.clone());
        let mut content_type = JSON;
        let mut idempotency_key = None;
        match rng.random_range(0..100) {
            0 => {
                bearer = None;
                labels.push("no token".to_owned());
            }
            1 => {
                let (token, label) = hostile::string(rng, &endpoint.token);
                bearer = None;
                url = append_query(&url, "access_token", &capped(token));
                labels.push(format!("access_token query: {label}"));
            }
            2 => {
                let (key, label) = hostile::string(rng, "key-1");
                url = append_query(&url, "idempotencyKey", &capped(key));
                labels.push(format!("idempotencyKey query: {label}"));
            }
            3 => {
                idempotency_key = Some(format!("fuzz-{}", rng.random_range(0..4)));
                labels.push("Idempotency-Key reused".to_owned());
            }
            4 => {
                content_type = [None, Some("text/plain"), FORM, Some("application/json; charset=latin1")]
                    .choose(rng)
                    .copied()
                    .flatten();
                labels.push(format!("content type {content_type:?}"));
            }
            _ => {}
        }
        Plan { url, bearer, content_type, idempotency_key, body: bytes, labels }
    }

    /// A token request with a mutated form field, mutated claims, or a broken body.
    fn authenticate(&self, rng: &mut StdRng, user: &str) -> Plan {
        let claims = seeds::claims(&self.app_id, user);
        let (body, labels) = match rng.random_range(0..10) {
            0..=4 => {
                let mut document = Document::new(claims);
                let label = document.mutate(rng);
                // A string userID (not a raw literal's marker) is the client_id's too.
                let user = document.value["userID"].as_str().filter(|id| !id.starts_with('\u{1}')).unwrap_or(user);
                let user = user.to_owned();
                let code = self.jwt(&document.write());
                (self.form(&user, &self.app_id, "authorization_code", &code), vec![format!("claims {label}")])
            }
            5..=8 => {
                let mut fields = [
                    user.to_owned(),
                    self.app_id.clone(),
                    "authorization_code".to_owned(),
                    self.jwt(&claims.to_string()),
                ];
                let index = rng.random_range(0..fields.len());
                let (value, label) = hostile::string(rng, &fields[index]);
                fields[index] = value;
                let name = ["client_id user", "client_id appID", "grant_type", "code"][index];
                (self.form(&fields[0], &fields[1], &fields[2], &fields[3]), vec![format!("form {name}: {label}")])
            }
            _ => {
                let form = self.form(user, &self.app_id, "authorization_code", &self.jwt(&claims.to_string()));
                let at = rng.random_range(0..=form.len());
                let (bytes, label) = match rng.random_range(0..3) {
                    0 => (form[..at].to_vec(), "truncated"),
                    1 => ((0..rng.random_range(0..2000)).map(|_| rng.random()).collect::<Vec<u8>>(), "random bytes"),
                    _ => ([&form[..at], b"%zz%00%ff&&==".as_slice(), &form[at..]].concat(), "bad escapes"),
                };
                (bytes, vec![format!("form body: {label}")])
            }
        };
        let url = self.url(Target::Authenticate, ["", "", ""]);
        Plan { url, bearer: None, content_type: FORM, idempotency_key: None, body, labels }
    }

    /// An HS256 JWT over `claims` (any text) signed with the app secret.
    fn jwt(&self, claims: &str) -> String {
        let signing_input =
            format!("{}.{}", URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#), URL_SAFE_NO_PAD.encode(claims));
        let mut mac = Hmac::<Sha256>::new_from_slice(self.secret.as_bytes()).expect("any key length");
        mac.update(signing_input.as_bytes());
        format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()))
    }

    fn form(&self, user: &str, app_id: &str, grant_type: &str, code: &str) -> Vec<u8> {
        url::form_urlencoded::Serializer::new(String::new())
            .append_pair("grant_type", grant_type)
            .append_pair("client_id", &format!("{user}@{app_id}"))
            .append_pair("code", code)
            .finish()
            .into_bytes()
    }

    /// The route's URL with `segments` (appID, confID, ucID) percent-encoded.
    fn url(&self, target: Target, [app_id, conf, uc_id]: [&str; 3]) -> String {
        let mut url = url::Url::parse(&self.base).expect("base URL");
        {
            let mut path = url.path_segments_mut().expect("base URL has a path");
            match target {
                Target::Authenticate => {
                    path.push("authenticate");
                }
                Target::Join => {
                    path.extend(["v1", "apps", app_id, "conferences", conf]);
                }
                Target::Endpoint(suffix) => {
                    path.extend(["v1", "apps", app_id, "conferences", conf, uc_id]).extend(suffix.split('/'));
                }
            }
        }
        url.to_string()
    }
}

const JSON: Option<&str> = Some("application/json");
const FORM: Option<&str> = Some("application/x-www-form-urlencoded");

/// A hostile path segment.
fn hostile_segment(rng: &mut StdRng, index: usize, original: &str) -> (String, String) {
    if index == 2 && rng.random_bool(0.3) {
        let other = uuid::Uuid::new_v4().to_string();
        let choices =
            [(other, "another uuid"), (original.to_uppercase(), "upper case"), (format!("{original}x"), "suffixed")];
        let (value, label) = choices.choose(rng).cloned().unwrap_or_default();
        return (value, format!("ucID {label}"));
    }
    let (value, label) = hostile::string(rng, original);
    (capped(value), label)
}

/// At most 10 kB: longer URLs are refused by HTTP (and by the client)
/// before the collector sees them.
fn capped(value: String) -> String {
    if value.len() > 10_000 { "x".repeat(10_000) } else { value }
}

fn append_query(url: &str, name: &str, value: &str) -> String {
    let mut url = url::Url::parse(url).expect("url");
    url.query_pairs_mut().append_pair(name, value);
    url.to_string()
}
