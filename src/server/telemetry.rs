//! Logging setup: one `tracing` subscriber for the whole process, and the
//! span each HTTP request's log lines carry (with its request id).

use axum::http::Request;
use tower_http::request_id::RequestId;
use tracing::Span;
use tracing_subscriber::EnvFilter;

/// How log lines are written (`CALLSCOPE_LOG_FORMAT`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// One line of text per event, for people.
    #[default]
    Text,
    /// One JSON object per line, with the fields of the enclosing spans
    /// (a request's `request_id` among them), for log collectors.
    Json,
}

/// Installs the global subscriber writing text. `RUST_LOG` overrides the
/// default filter.
pub fn init() {
    init_with(LogFormat::Text);
}

/// Installs the global subscriber writing `format`. `RUST_LOG` overrides
/// the default filter. Logs go to stderr so that `--json` output on stdout
/// stays machine-readable.
pub fn init_with(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    // A second init (tests start several servers in one process) is harmless.
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        // The whole span list, not only the innermost span: a line logged in
        // a span opened inside the request still names the request.
        LogFormat::Json => builder.json().with_current_span(false).with_span_list(true).try_init(),
    };
}

/// The span of one HTTP request: every line logged while it is handled
/// carries its method, path and request id (set by `SetRequestIdLayer`
/// outside the trace layer). The query string is left out: it is the
/// client's, and may carry what should not be logged.
pub fn request_span<B>(request: &Request<B>) -> Span {
    let request_id = request.extensions().get::<RequestId>().and_then(|id| id.header_value().to_str().ok());
    tracing::info_span!(
        "request",
        method = %request.method(),
        path = %request.uri().path(),
        // Displayed, not quoted: `request_id::acceptable` or a UUID, nothing to escape.
        request_id = %request_id.unwrap_or_default(),
    )
}
