//! No secret or password handled by the admin pages reaches the log, even
//! at the most detailed level: everything this process logs while an admin
//! creates, rotates and uses app secrets and sets passwords is captured and
//! searched for them.

use std::io::Write;
use std::sync::{Arc, Mutex};

use callscope::domain::Role;
use serde_json::json;
use sqlx::PgPool;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

use super::{ADMIN, PASSWORD, post_form, shown_secret};
use crate::collector::Collector;

/// Everything logged, in memory.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("log buffer")).into_owned()
    }
}

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log buffer").extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl MakeWriter<'_> for Captured {
    type Writer = Captured;

    fn make_writer(&self) -> Self::Writer {
        self.clone()
    }
}

#[sqlx::test]
async fn secrets_and_passwords_never_reach_the_log(pool: PgPool) {
    // Each test runs in its own process (nextest), so this subscriber sees
    // only this test; the server's own `telemetry::init` then finds it set.
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::new("debug,callscope=trace,tower_http=trace"))
        .with_ansi(false)
        .with_writer(captured.clone())
        .finish();
    tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");

    let collector = Collector::spawn(pool).await;
    let server = &collector.server;
    server.create_user(ADMIN, Role::Admin, PASSWORD).await;
    server.sign_in(&server.client, ADMIN, PASSWORD).await;
    let post = |path: String, fields: Vec<(&'static str, String)>| async move {
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        post_form(server, &server.client, &path, &fields).await
    };
    let app_page = format!("/admin/apps/{}", collector.app_id);

    let created = post("/admin".into(), vec![("intent", "create_app".into()), ("name", "Logged".into())]).await;
    let created = shown_secret(&created.text().await.expect("page")).expect("secret of the new app");
    let rotated = post(app_page.clone(), vec![("intent", "rotate_secret".into()), ("label", "next".into())]).await;
    let rotated = shown_secret(&rotated.text().await.expect("page")).expect("rotated secret");
    for secret in [&collector.secret, &rotated] {
        let code = collector.jwt(secret, "alice", json!({}));
        let response = collector.token_request("alice", &collector.app_id, &code, None).await;
        assert_eq!(response.status(), 200, "the secret is used meanwhile");
    }
    // A refused secret (wrong value) is logged as a refusal, without the value.
    let wrong = format!("{rotated}x");
    let code = collector.jwt(&wrong, "alice", json!({}));
    assert_eq!(collector.token_request("alice", &collector.app_id, &code, None).await.status(), 400);

    let first_password = "first password of eve";
    let second_password = "second password of eve";
    let create = vec![
        ("intent", "create_user".into()),
        ("email", "eve@example.com".into()),
        ("role", "engineer".into()),
        ("password", first_password.into()),
    ];
    assert_eq!(post("/admin/users".into(), create).await.status(), 303);
    let reset = vec![
        ("intent", "reset_password".into()),
        ("email", "eve@example.com".into()),
        ("password", second_password.into()),
    ];
    assert_eq!(post("/admin/users".into(), reset).await.status(), 303);
    server.sign_in(&server.new_client(), "eve@example.com", second_password).await;
    let short =
        vec![("intent", "reset_password".into()), ("email", "eve@example.com".into()), ("password", "tiny-pw".into())];
    assert_eq!(post("/admin/users".into(), short).await.status(), 422);

    let log = captured.text();
    assert!(log.contains("/admin/apps/") && log.contains("signed in"), "the capture holds the server's log");
    for (what, value) in [
        ("the CLI-made secret", collector.secret.as_str()),
        ("the form-made secret", created.as_str()),
        ("the rotated secret", rotated.as_str()),
        ("the wrong secret", wrong.as_str()),
        ("the admin's password", PASSWORD),
        ("a first password", first_password),
        ("a reset password", second_password),
        ("a refused password", "tiny-pw"),
    ] {
        assert!(!log.contains(value), "{what} was logged");
    }
}
