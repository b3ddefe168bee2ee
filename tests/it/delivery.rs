//! Delivery: the bundle under content-hashed names, cached for a year and
//! sent precompressed; pages and server functions compressed on the fly
//! and never cached; the SDK at its drop-in URL (short cache, ETag) and at
//! an immutable versioned one.

use std::path::PathBuf;

use callscope::api::SiteAssets;
use callscope::domain::Role;
use serde_json::json;
use sqlx::PgPool;

use crate::common::{TestApp, test_config};
use crate::dashboard::Demo;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";

fn site_root() -> PathBuf {
    PathBuf::from(test_config().leptos.site_root.as_ref())
}

fn assets() -> SiteAssets {
    callscope::server::site::assets(&site_root()).expect("the site is built")
}

/// `path` with `Accept-Encoding: encoding` (none when empty).
async fn get(app: &TestApp, path: &str, encoding: &str) -> reqwest::Response {
    let request = app.client.get(app.url(path));
    let request = if encoding.is_empty() { request } else { request.header("accept-encoding", encoding) };
    request.send().await.expect("GET")
}

fn header<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    response.headers().get(name).and_then(|value| value.to_str().ok()).unwrap_or_default()
}

#[sqlx::test]
async fn the_bundle_has_hashed_names_is_cached_for_a_year_and_sent_precompressed(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let assets = assets();
    let login = app.page(&app.client, "/login").await.text().await.expect("page");
    for url in [&assets.js, &assets.wasm, &assets.css] {
        assert!(url.starts_with("/pkg/") && url.matches('.').count() == 2, "a hashed name: {url}");
        assert!(login.contains(&format!("\"{url}\"")), "the page loads {url}");
    }

    let on_disk = std::fs::read(site_root().join(assets.wasm.trim_start_matches('/'))).expect("wasm");
    for (accepted, encoding) in [("gzip, deflate, br, zstd", "br"), ("gzip", "gzip"), ("", "")] {
        let response = get(&app, &assets.wasm, accepted).await;
        assert_eq!(response.status(), 200, "{accepted}");
        assert_eq!(header(&response, "content-type"), "application/wasm");
        assert_eq!(header(&response, "content-encoding"), encoding, "{accepted}");
        assert_eq!(header(&response, "cache-control"), IMMUTABLE);
        let body = response.bytes().await.expect("body");
        if encoding.is_empty() {
            assert_eq!(body.as_ref(), on_disk.as_slice(), "the bundle itself");
        } else {
            let copy =
                format!("{}.{}", assets.wasm.trim_start_matches('/'), if encoding == "br" { "br" } else { "gz" });
            let precompressed = std::fs::read(site_root().join(copy)).expect("precompressed copy");
            assert_eq!(body.as_ref(), precompressed.as_slice(), "the {encoding} copy made at build time");
            assert!(body.len() * 3 < on_disk.len(), "{encoding}: {} of {} bytes", body.len(), on_disk.len());
        }
    }
    for url in [&assets.js, &assets.css] {
        let response = get(&app, url, "br").await;
        assert_eq!(header(&response, "content-encoding"), "br", "{url}");
        assert_eq!(header(&response, "cache-control"), IMMUTABLE, "{url}");
    }
    // A name this build does not have (another version's) is not kept.
    let missing = get(&app, "/pkg/callscope_bg.0000000000000000.wasm", "br").await;
    assert_eq!(missing.status(), 404);
    assert_eq!(header(&missing, "cache-control"), "");
}

#[sqlx::test]
async fn pages_and_server_functions_are_compressed_and_never_cached(pool: PgPool) {
    let demo = Demo::load(pool).await;
    let (_, support) = demo.user(Role::Support).await;
    let server = &demo.server;

    let plain = server.page(&support, "/search").await;
    let plain_size = plain.bytes().await.expect("page").len();
    let page = support
        .get(server.url("/search"))
        .header("accept", "text/html")
        .header("accept-encoding", "br")
        .send()
        .await
        .expect("page");
    assert_eq!(page.status(), 200);
    assert_eq!(header(&page, "content-encoding"), "br");
    assert_eq!(header(&page, "cache-control"), "no-store", "a signed-in page is never kept");
    let compressed = page.bytes().await.expect("page").len();
    assert!(compressed * 3 < plain_size, "{compressed} of {plain_size} bytes");

    let answer = support
        .post(server.url("/api/search_conferences"))
        .header("accept-encoding", "gzip")
        .json(&json!({ "query": {} }))
        .send()
        .await
        .expect("server function");
    assert_eq!(answer.status(), 200);
    assert_eq!(header(&answer, "content-encoding"), "gzip");
    assert_eq!(header(&answer, "cache-control"), "no-store");

    // The collector's answers are small: sent as they are.
    let health = get(server, "/healthz", "br").await;
    assert_eq!(header(&health, "content-encoding"), "");
}

#[sqlx::test]
async fn the_sdk_keeps_its_drop_in_url_with_a_short_cache_and_an_etag(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    for path in ["/callstats.js", "/callstats.mjs", "/callstats.d.ts"] {
        let first = get(&app, path, "br").await;
        assert_eq!(first.status(), 200, "{path}");
        assert_eq!(header(&first, "content-encoding"), "br", "{path}");
        assert_eq!(header(&first, "cache-control"), "public, max-age=300", "{path}");
        assert_eq!(header(&first, "access-control-allow-origin"), "*", "{path}");
        let etag = header(&first, "etag").to_owned();
        assert!(etag.starts_with("W/\""), "{path}: {etag:?}");

        let again = app.client.get(app.url(path)).header("if-none-match", &etag).send().await.expect("GET");
        assert_eq!(again.status(), 304, "{path}");
        assert_eq!(header(&again, "etag"), etag);
        assert!(again.bytes().await.expect("body").is_empty());
        let other = app.client.get(app.url(path)).header("if-none-match", "W/\"other\"").send().await.expect("GET");
        assert_eq!(other.status(), 200, "{path}: another version is sent whole");
    }
}

#[sqlx::test]
async fn the_versioned_sdk_is_immutable_minified_and_mapped(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let source = std::fs::read_to_string(site_root().join("callstats.js")).expect("the SDK");
    let version_module = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/sdk/src/version.js"))
        .expect("sdk/src/version.js");
    let version = version_module
        .split("export const VERSION = '")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("VERSION");
    let name = format!("/callstats-{version}.min.js");

    let minified = get(&app, &name, "").await;
    assert_eq!(minified.status(), 200, "{name}");
    assert_eq!(header(&minified, "cache-control"), IMMUTABLE);
    assert_eq!(header(&minified, "access-control-allow-origin"), "*");
    let text = minified.text().await.expect("SDK");
    assert!(text.len() * 3 < source.len() * 2, "minified: {} of {} bytes", text.len(), source.len());
    assert!(text.contains(&format!("\"{version}\"")) || text.contains(&format!("'{version}'")), "its version");
    assert!(text.trim_end().ends_with(&format!("//# sourceMappingURL=callstats-{version}.min.js.map")));

    let map = get(&app, &format!("{name}.map"), "br").await;
    assert_eq!(map.status(), 200);
    assert_eq!(header(&map, "content-encoding"), "br");
    assert_eq!(header(&map, "cache-control"), IMMUTABLE);
}
