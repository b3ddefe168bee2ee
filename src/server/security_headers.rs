//! The security headers of every answer, and the content security policy's
//! per-response nonce.
//!
//! One middleware, placed once per kind of route ([`Surface`]) in
//! `server::app`: [`dashboard`], [`static_files`], [`api`], and [`baseline`]
//! around them all; the innermost placement sets a header, an
//! outer one only fills what is missing (so the answers made outside the
//! routes, such as the 408 of the request timeout, get the baseline too).
//!
//! The dashboard's policy allows scripts only with the nonce made for that
//! response: the nonce is put in the request's extensions here, and
//! [`provide_request_nonce`] hands it to leptos, whose hydration and
//! resource scripts carry it. Markup that slips into a page cannot run.
//! docs/security.md ("Security headers and the content security policy")
//! explains each directive.

use axum::extract::Request;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, HeaderName, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use leptos::nonce::Nonce;
use leptos::prelude::{provide_context, use_context};

/// The kinds of route, each with its own policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Surface {
    /// Dashboard pages, server functions and admin form posts: signed-in
    /// (or sign-in) answers, never stored by a cache; scripts only with the
    /// response's nonce.
    Dashboard,
    /// Files served as they are (`/pkg`, the SDK, the demo): cacheable;
    /// the demo page's own scripts come from this origin.
    Static,
    /// JSON answers (the collector, `/healthz`, `/readyz`): nothing in them may run
    /// or be framed, and tokens are never stored by a cache.
    Api,
    /// Around everything: fills what an answer made outside the routes
    /// (a request timeout) lacks, leaving caching as the route decided.
    Baseline,
}

/// The middleware of the dashboard's routes ([`Surface::Dashboard`]).
pub async fn dashboard(request: Request, next: Next) -> Response {
    apply(Surface::Dashboard, request, next).await
}

/// The middleware of files served as they are ([`Surface::Static`]).
pub async fn static_files(request: Request, next: Next) -> Response {
    apply(Surface::Static, request, next).await
}

/// The middleware of JSON answers ([`Surface::Api`]).
pub async fn api(request: Request, next: Next) -> Response {
    apply(Surface::Api, request, next).await
}

/// The middleware around every route ([`Surface::Baseline`]).
pub async fn baseline(request: Request, next: Next) -> Response {
    apply(Surface::Baseline, request, next).await
}

async fn apply(surface: Surface, mut request: Request, next: Next) -> Response {
    // Made per request, and only where a page may render: the same value
    // goes to leptos (through the extensions) and into the header.
    let nonce = (surface == Surface::Dashboard).then(|| {
        let nonce = Nonce::new();
        request.extensions_mut().insert(nonce.clone());
        nonce
    });
    let mut response = next.run(request).await;
    fill(response.headers_mut(), surface, nonce.as_ref());
    response
}

/// Sets each header `surface` asks for that is not set yet.
fn fill(headers: &mut HeaderMap, surface: Surface, nonce: Option<&Nonce>) {
    let policy = match (surface, nonce) {
        (Surface::Dashboard, Some(nonce)) => dashboard_policy(nonce),
        (Surface::Static, _) => STATIC_POLICY.to_owned(),
        _ => API_POLICY.to_owned(),
    };
    set(headers, CONTENT_SECURITY_POLICY, &policy);
    set(headers, X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, REFERRER_POLICY, "same-origin");
    set(headers, X_FRAME_OPTIONS, "DENY");
    if matches!(surface, Surface::Dashboard | Surface::Api) {
        set(headers, CACHE_CONTROL, "no-store");
    }
}

fn set(headers: &mut HeaderMap, name: HeaderName, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        headers.entry(name).or_insert(value);
    }
}

/// The dashboard's policy. Scripts: the inline hydration and resource
/// scripts with `nonce`, the modules they import, and the WebAssembly they
/// compile. Styles: the stylesheet, and `style` attributes (positions of
/// the timeline markers, written by the app as numbers, never client text).
fn dashboard_policy(nonce: &Nonce) -> String {
    format!(
        "default-src 'self'; script-src 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         style-src-attr 'unsafe-inline'; img-src 'self'; connect-src 'self'; font-src 'self'; \
         object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    )
}

/// Static files: the demo page loads its scripts and styles from this
/// origin and sends to whichever collector its form names.
const STATIC_POLICY: &str =
    "default-src 'self'; connect-src *; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/// JSON and errors: nothing to load, nothing to run.
const API_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";

/// Hands the nonce [`dashboard`] made for this request to leptos, in place of
/// the one leptos_axum makes itself (which would not match the header).
/// Call it in every leptos context closure; it needs the request's `Parts`
/// in context, which leptos_axum provides before calling the closure.
pub fn provide_request_nonce() {
    if let Some(nonce) =
        use_context::<http::request::Parts>().and_then(|parts| parts.extensions.get::<Nonce>().cloned())
    {
        provide_context(nonce);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dashboard_policy_names_the_nonce_and_nothing_else_may_run() {
        let nonce = Nonce::new();
        let policy = dashboard_policy(&nonce);
        assert!(policy.contains(&format!("script-src 'nonce-{nonce}' 'wasm-unsafe-eval';")), "{policy}");
        for directive in ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"] {
            assert!(policy.contains(directive), "{directive}: {policy}");
        }
        let scripts = policy.split(';').find(|d| d.trim().starts_with("script-src")).expect("script-src");
        assert!(!scripts.contains("unsafe-inline") && !scripts.contains("'self'"), "{scripts}");
    }

    #[test]
    fn an_inner_layer_wins_and_an_outer_one_fills_what_is_missing() {
        let mut headers = HeaderMap::new();
        let nonce = Nonce::new();
        fill(&mut headers, Surface::Dashboard, Some(&nonce));
        fill(&mut headers, Surface::Api, None);
        let policy = headers[CONTENT_SECURITY_POLICY].to_str().expect("ascii");
        assert!(policy.contains(&*nonce), "{policy}");
        assert_eq!(headers[CACHE_CONTROL], "no-store");

        let mut headers = HeaderMap::new();
        fill(&mut headers, Surface::Static, None);
        fill(&mut headers, Surface::Baseline, None);
        assert!(!headers.contains_key(CACHE_CONTROL), "static files stay cacheable");
        assert_eq!(headers[X_CONTENT_TYPE_OPTIONS], "nosniff");
    }
}
