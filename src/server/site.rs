//! The files of the site that `make site` laid out (`LEPTOS_SITE_ROOT`):
//! the hydrated bundle, the SDK and the demo call, each served with the
//! brotli or gzip copy the browser accepts and cached as long as its URL
//! allows.
//!
//! - `/pkg/…`: the bundle under content-hashed names, so a year and
//!   `immutable` (a new build has new names, see `assets.json`).
//! - `/callstats-<version>.min.js` (and its source map): versioned, so the
//!   same.
//! - `/callstats.js`, `.mjs`, `.d.ts`: the drop-in URLs, whose content
//!   changes with an upgrade: five minutes, then revalidated by `ETag`.
//! - `/demo/…`, `/favicon.svg`: revalidated on every use (`no-cache`).

use std::path::{Path, PathBuf};

use anyhow::Context;
use axum::Router;
use axum::extract::Request;
use axum::http::header::{ACCESS_CONTROL_ALLOW_ORIGIN, CACHE_CONTROL, ETAG, IF_NONE_MATCH};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{Next, from_fn};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

use super::{AppState, Config};
use crate::api::SiteAssets;

/// A year, for URLs whose content never changes.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// The SDK's drop-in URLs: a customer's page may use a copy five minutes old.
const DROP_IN: &str = "public, max-age=300";
/// Asked again each time (answered 304 while unchanged).
const REVALIDATE: &str = "no-cache";

/// The SDK files served at their drop-in URLs.
const SDK_FILES: [&str; 3] = ["callstats.js", "callstats.mjs", "callstats.d.ts"];

/// Points `config` at the site to serve. A binary built with the
/// `embed-site` feature (`make dist`) carries the site built with it: it is
/// written once under the data directory (`site/<id of the build>`) and
/// served from there, so that the binary needs nothing beside it. Other
/// builds serve the configured `LEPTOS_SITE_ROOT`.
///
/// # Errors
/// When the embedded site cannot be written.
pub fn prepare(config: &mut Config) -> anyhow::Result<()> {
    #[cfg(feature = "embed-site")]
    {
        let root = embedded::write(&config.data_dir)?;
        config.leptos.site_root = root.to_string_lossy().into_owned().into();
    }
    #[cfg(not(feature = "embed-site"))]
    let _ = config;
    Ok(())
}

#[cfg(feature = "embed-site")]
mod embedded {
    use std::path::{Path, PathBuf};

    use anyhow::Context;
    use include_dir::{Dir, include_dir};
    use sha2::{Digest, Sha256};

    /// The site `make dist` built (`CALLSCOPE_SITE_DIR` at build time).
    static SITE: Dir<'static> = include_dir!("$CALLSCOPE_SITE_DIR");

    /// Writes the site under `data_dir/site/<id>` unless it is there already;
    /// its path. Written beside and renamed into place, so that two
    /// processes starting together never serve half a site.
    pub fn write(data_dir: &Path) -> anyhow::Result<PathBuf> {
        let manifest = SITE.get_file("assets.json").context("the embedded site has no assets.json")?;
        let id = hex::encode(&Sha256::digest(manifest.contents())[..8]);
        let sites = data_dir.join("site");
        let root = sites.join(&id);
        if root.join("assets.json").exists() {
            return Ok(root);
        }
        let partial = sites.join(format!(".{id}.{}", std::process::id()));
        std::fs::create_dir_all(&partial).with_context(|| format!("creating {}", partial.display()))?;
        SITE.extract(&partial).with_context(|| format!("writing the site into {}", partial.display()))?;
        if let Err(error) = std::fs::rename(&partial, &root) {
            // Another process put it there first.
            std::fs::remove_dir_all(&partial).ok();
            if !root.join("assets.json").exists() {
                return Err(error).with_context(|| format!("moving the site to {}", root.display()));
            }
        }
        Ok(root)
    }
}

/// The bundle's URLs, from the site's `assets.json`.
///
/// # Errors
/// When the site is not built (`make site`) or its manifest is unreadable.
pub fn assets(site_root: &Path) -> anyhow::Result<SiteAssets> {
    let manifest = site_root.join("assets.json");
    let text = std::fs::read_to_string(&manifest)
        .with_context(|| format!("reading {} (is the site built? `make site`)", manifest.display()))?;
    serde_json::from_str(&text).with_context(|| format!("reading {}", manifest.display()))
}

/// The routes of the site's files.
///
/// # Errors
/// When an SDK file cannot be read (to make its `ETag`).
pub fn router(site_root: &Path) -> anyhow::Result<Router<AppState>> {
    let mut drop_in = Router::new();
    for name in SDK_FILES {
        let path = site_root.join(name);
        let etag = etag(&path)?;
        let file = ServeFile::new(&path).precompressed_br().precompressed_gzip();
        drop_in = drop_in.merge(
            Router::new()
                .route_service(&format!("/{name}"), file)
                .layer(from_fn(move |request, next| if_none_match(etag.clone(), request, next))),
        );
    }
    let mut versioned = Router::new();
    for name in versioned_sdk(site_root)? {
        let file = ServeFile::new(site_root.join(&name)).precompressed_br().precompressed_gzip();
        versioned = versioned.route_service(&format!("/{name}"), file);
    }
    // Any origin may load the SDK: customer pages include it from this
    // server, and an ES module import is a CORS request.
    let sdk = cached(drop_in, DROP_IN)
        .merge(cached(versioned, IMMUTABLE))
        .layer(SetResponseHeaderLayer::overriding(ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*")));
    let bundle = cached(Router::new().nest_service("/pkg", served_dir(site_root.join("pkg"))), IMMUTABLE);
    // Routed whole, so ServeDir sees `/demo/…` under the site root and
    // redirects `/demo` to `/demo/` (whose relative links need the slash).
    let demo = served_dir(site_root.to_owned());
    let revalidated = Router::new()
        .route_service("/demo", demo.clone())
        .route_service("/demo/", demo.clone())
        .route_service("/demo/{*file}", demo.clone())
        .route_service("/favicon.svg", demo);
    let revalidated = cached(revalidated, REVALIDATE);
    Ok(bundle.merge(sdk).merge(revalidated))
}

/// `dir`'s files with their precompressed copies.
fn served_dir(dir: PathBuf) -> ServeDir {
    ServeDir::new(dir).precompressed_br().precompressed_gzip()
}

/// `router` with `Cache-Control: value` on a file sent (200) or still held
/// (304): a 404 is never kept (during a rolling upgrade a new page may ask
/// an old instance for a name it does not have yet).
fn cached(router: Router<AppState>, value: &'static str) -> Router<AppState> {
    router.layer(from_fn(move |request: Request, next: Next| async move {
        let mut response = next.run(request).await;
        if matches!(response.status(), StatusCode::OK | StatusCode::NOT_MODIFIED) {
            response.headers_mut().entry(CACHE_CONTROL).or_insert(HeaderValue::from_static(value));
        }
        response
    }))
}

/// The versioned SDK files the build wrote beside the drop-in ones.
fn versioned_sdk(site_root: &Path) -> anyhow::Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(site_root).with_context(|| format!("reading {}", site_root.display()))? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if name.starts_with("callstats-") && (name.ends_with(".min.js") || name.ends_with(".min.js.map")) {
            names.push(name);
        }
    }
    Ok(names)
}

/// A weak validator of the file's content (the same for each encoding).
fn etag(path: &Path) -> anyhow::Result<HeaderValue> {
    let content = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let digest = hex::encode(&Sha256::digest(&content)[..12]);
    Ok(HeaderValue::from_str(&format!("W/\"{digest}\""))?)
}

/// Answers 304 when the browser holds `etag`; otherwise serves the file with it.
async fn if_none_match(etag: HeaderValue, request: Request, next: Next) -> Response {
    let held = request
        .headers()
        .get_all(IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|tag| tag.trim() == etag || tag.trim() == "*");
    let mut response = if held { StatusCode::NOT_MODIFIED.into_response() } else { next.run(request).await };
    response.headers_mut().insert(ETAG, etag);
    response
}
