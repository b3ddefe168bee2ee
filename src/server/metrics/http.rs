//! Request counts and latencies per route. The route label is the matched
//! route's template (`/v1/apps/{appID}/conferences/{confID}`), never the
//! path a client sent, and the method is one of the standard ones, so no
//! request can add a series.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use metrics::{counter, histogram};

use super::names;

/// Set once a recorder is installed: until then the middleware only passes requests on.
static ENABLED: AtomicBool = AtomicBool::new(false);

/// The route label of requests no route matched (the fallback's pages, 404s).
const UNMATCHED: &str = "(unmatched)";
/// Directories served whole, for which no route template is matched: named by their fixed prefix.
const SERVED_DIRS: [(&str, &str); 2] = [("/pkg/", "/pkg/{*file}"), ("/demo/", "/demo/{*file}")];

pub(super) fn enable() {
    ENABLED.store(true, Ordering::Relaxed);
}

/// Counts and times each request by its route template.
pub async fn track(request: Request, next: Next) -> Response {
    if !ENABLED.load(Ordering::Relaxed) {
        return next.run(request).await;
    }
    let route = route_of(&request);
    let method = method_label(request.method());
    let started = Instant::now();
    let response = next.run(request).await;
    let surface = surface(&route);
    let labels = [("surface", surface.to_owned()), ("route", route), ("method", method.to_owned())];
    histogram!(names::HTTP_DURATION, &labels).record(started.elapsed());
    let status = response.status().as_u16().to_string();
    let [surface, route, method] = labels;
    counter!(names::HTTP_REQUESTS, &[surface, route, method, ("status", status)]).increment(1);
    response
}

/// The matched route's template; else one of a few fixed labels, never the path itself.
fn route_of(request: &Request) -> String {
    if let Some(matched) = request.extensions().get::<MatchedPath>() {
        return matched.as_str().to_owned();
    }
    let path = request.uri().path();
    SERVED_DIRS.iter().find(|(prefix, _)| path.starts_with(prefix)).map_or(UNMATCHED, |(_, route)| route).to_owned()
}

/// Which part of the product a route belongs to.
fn surface(route: &str) -> &'static str {
    if route.starts_with("/v1/") || route == "/authenticate" {
        "collector"
    } else if route == "/healthz" || route == "/metrics" {
        "operations"
    } else if route.starts_with("/pkg/") || route.ends_with(".js") || route.starts_with("/demo") {
        "static"
    } else {
        "dashboard"
    }
}

/// The standard methods by name; any other (clients may invent them) as `other`.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invented_methods_share_one_label() {
        let invented = Method::from_bytes(b"BREW").expect("method");
        assert_eq!(method_label(&invented), "other");
        assert_eq!(method_label(&Method::POST), "POST");
    }

    #[test]
    fn routes_fall_into_surfaces() {
        assert_eq!(surface("/v1/apps/{appID}/conferences/{confID}"), "collector");
        assert_eq!(surface("/authenticate"), "collector");
        assert_eq!(surface("/metrics"), "operations");
        assert_eq!(surface("/pkg/{*file}"), "static");
        assert_eq!(surface("/callstats.js"), "static");
        assert_eq!(surface("/conferences/{id}"), "dashboard");
        assert_eq!(surface(UNMATCHED), "dashboard");
    }
}
