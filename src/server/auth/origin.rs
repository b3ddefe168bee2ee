//! CSRF defence for the dashboard: a state-changing request whose `Origin`
//! (or, failing that, `Referer`) names another site is refused. Together
//! with SameSite cookies this keeps forms safe without tokens in them.

use axum::extract::Request;
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::server::AppError;

/// Middleware: refuses cross-site POST, PUT, PATCH and DELETE.
pub async fn same_origin_writes(request: Request, next: Next) -> Result<Response, AppError> {
    if !matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        let headers = request.headers();
        let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
        let source = headers.get(header::ORIGIN).or_else(|| headers.get(header::REFERER)).and_then(|v| v.to_str().ok());
        if let (Some(host), Some(source)) = (host, source)
            && authority(source) != Some(host)
        {
            tracing::warn!(origin = source, "refused a cross-site write");
            return Err(AppError::Forbidden);
        }
    }
    Ok(next.run(request).await)
}

/// `host[:port]` of an absolute URL or serialised origin.
fn authority(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    Some(rest.split(['/', '?', '#']).next().unwrap_or(rest))
}

#[cfg(test)]
mod tests {
    use super::authority;

    #[test]
    fn authority_is_taken_from_origins_and_urls() {
        assert_eq!(authority("http://127.0.0.1:3000"), Some("127.0.0.1:3000"));
        assert_eq!(authority("https://example.com/login?next=/x"), Some("example.com"));
        assert_eq!(authority("null"), None);
    }
}
