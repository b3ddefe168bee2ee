//! Who may read `/metrics`, and where it is served.

use callscope::server::Application;
use sqlx::PgPool;

use super::{TOKEN, metrics_config, scrape};
use crate::common::{TestApp, test_config};

#[sqlx::test]
async fn the_token_guards_metrics_on_the_main_listener(pool: PgPool) {
    let server = TestApp::spawn_with(metrics_config(), pool).await;
    let url = server.url("/metrics");
    let cases = [
        ("no credentials", server.client.get(&url)),
        ("a wrong token", server.client.get(&url).bearer_auth("metrics-token-for-the-tests-0124")),
        ("a prefix of the token", server.client.get(&url).bearer_auth(&TOKEN[..20])),
        ("the token as a password", server.client.get(&url).basic_auth("prometheus", Some(TOKEN))),
    ];
    for (what, request) in cases {
        let response = request.send().await.expect("GET /metrics");
        assert_eq!(response.status(), 401, "{what}");
        assert_eq!(response.headers().get("www-authenticate").map(|v| v.as_bytes()), Some(&b"Bearer"[..]), "{what}");
        let body = response.text().await.expect("body");
        assert!(!body.contains("# TYPE"), "{what}: {body}");
    }
    assert!(scrape(&server).await.contains("callscope_http_requests_total"));
}

#[sqlx::test]
async fn metrics_are_not_served_unless_configured(pool: PgPool) {
    let server = TestApp::spawn(pool).await;
    let response = server.client.get(server.url("/metrics")).bearer_auth(TOKEN).send().await.expect("GET /metrics");
    assert_ne!(response.status(), 200);
    assert!(!response.text().await.expect("body").contains("# TYPE"), "no metrics without configuration");
}

#[sqlx::test]
async fn a_metrics_address_serves_metrics_there_and_not_on_the_main_listener(pool: PgPool) {
    let mut config = test_config();
    config.metrics_addr = Some("127.0.0.1:0".parse().expect("address"));
    callscope::server::telemetry::init();
    let app = Application::build(config, pool, callscope::pages()).await.expect("build app");
    let (main, metrics) = (app.addr().expect("addr"), app.metrics_addr().expect("a metrics listener"));
    assert_ne!(main, metrics);
    tokio::spawn(app.run_until(std::future::pending()));
    let client = reqwest::Client::new();

    let apart = client.get(format!("http://{metrics}/metrics")).send().await.expect("GET metrics listener");
    assert_eq!(apart.status(), 200, "no token is asked for when none is set");
    assert!(apart.text().await.expect("text").contains("callscope_db_pool_connections"));
    let response = client.get(format!("http://{main}/metrics")).send().await.expect("GET main /metrics");
    assert_ne!(response.status(), 200);
}
