//! Managing dashboard users through the code path the CLI and the admin
//! pages share: every change audited, the last active admin kept.

use callscope::domain::{Email, Role};
use callscope::server::AppError;
use callscope::server::audit::Actor;
use callscope::server::db::audit::{AuditFilter, AuditRow, list};
use callscope::server::{accounts, apps};
use secrecy::SecretString;
use serde_json::Value;
use sqlx::PgPool;

use crate::common::TestApp;

const PASSWORD: &str = "a long enough password";

fn email(text: &str) -> Email {
    Email::parse(text).expect("email")
}

fn password(text: &str) -> SecretString {
    SecretString::from(text.to_owned())
}

/// (actor_kind, action, target_type, details) of every audit record, oldest first.
async fn audit(pool: &PgPool) -> Vec<(String, String, Option<String>, Value)> {
    sqlx::query_as("select actor_kind, action, target_type, details from audit_log order by id")
        .fetch_all(pool)
        .await
        .expect("audit log")
}

#[sqlx::test]
async fn the_last_active_admin_can_be_neither_demoted_nor_disabled(pool: PgPool) {
    let cli = &Actor::Cli;
    accounts::create(&pool, cli, &email("ada@example.test"), Role::Admin, password(PASSWORD)).await.expect("create");
    for refused in [
        accounts::set_role(&pool, cli, &email("ada@example.test"), Role::Engineer).await.map(drop),
        accounts::set_disabled(&pool, cli, &email("ada@example.test"), true).await.map(drop),
    ] {
        match refused {
            Err(AppError::Conflict(message)) => assert!(message.contains("last active admin"), "{message}"),
            other => panic!("expected a conflict, got {other:?}"),
        }
    }

    // With a second admin, the first may step down; then the second is the last.
    accounts::create(&pool, cli, &email("bo@example.test"), Role::Admin, password(PASSWORD)).await.expect("create");
    let ada = accounts::set_role(&pool, cli, &email("ada@example.test"), Role::Support).await.expect("demote");
    assert_eq!(ada.role, Role::Support);
    assert!(accounts::set_disabled(&pool, cli, &email("bo@example.test"), true).await.is_err());

    let actions: Vec<_> =
        audit(&pool).await.into_iter().map(|(kind, action, target, _)| (kind, action, target)).collect();
    let row = |action: &str| ("cli".to_owned(), action.to_owned(), Some("user".to_owned()));
    assert_eq!(actions, [row("user.create"), row("user.create"), row("user.role")], "refusals leave no record");
}

#[sqlx::test]
async fn two_admins_demoting_each_other_at_once_leave_one_admin(pool: PgPool) {
    let cli = &Actor::Cli;
    for address in ["ada@example.test", "bo@example.test"] {
        accounts::create(&pool, cli, &email(address), Role::Admin, password(PASSWORD)).await.expect("create");
    }
    let (ada, bo) = (email("ada@example.test"), email("bo@example.test"));
    let (ada, bo) = tokio::join!(
        accounts::set_role(&pool, cli, &ada, Role::Engineer),
        accounts::set_role(&pool, cli, &bo, Role::Engineer),
    );
    assert_eq!([ada.is_ok(), bo.is_ok()].iter().filter(|done| **done).count(), 1, "{ada:?} {bo:?}");
    let admins: i64 = sqlx::query_scalar("select count(*) from users where role = 'admin' and disabled_at is null")
        .fetch_one(&pool)
        .await
        .expect("admins");
    assert_eq!(admins, 1);
}

#[sqlx::test]
async fn disabling_or_a_new_password_ends_the_sessions_and_the_old_password(pool: PgPool) {
    let app = TestApp::spawn(pool.clone()).await;
    let cli = &Actor::Cli;
    let eve = email("eve@example.test");
    accounts::create(&pool, cli, &eve, Role::Engineer, password(PASSWORD)).await.expect("create");
    let browser = app.new_client();
    app.sign_in(&browser, "eve@example.test", PASSWORD).await;
    assert_eq!(app.page(&browser, "/search").await.status(), 200);

    accounts::reset_password(&pool, cli, &eve, password("another long password")).await.expect("reset");
    assert_eq!(app.page(&browser, "/search").await.status(), 303, "signed out by the reset");
    let refused = app.post_login(&app.new_client(), "eve@example.test", PASSWORD).await;
    assert_ne!(crate::common::location(&refused), "/search", "the old password no longer works");
    app.sign_in(&browser, "eve@example.test", "another long password").await;

    accounts::set_disabled(&pool, cli, &eve, true).await.expect("disable");
    assert_eq!(app.page(&browser, "/search").await.status(), 303, "signed out by disabling");
    let refused = app.post_login(&app.new_client(), "eve@example.test", "another long password").await;
    assert_ne!(crate::common::location(&refused), "/search", "a disabled user cannot sign in");
    accounts::set_disabled(&pool, cli, &eve, false).await.expect("enable");
    app.sign_in(&app.new_client(), "eve@example.test", "another long password").await;

    let details: Vec<String> = audit(&pool).await.into_iter().map(|(_, _, _, details)| details.to_string()).collect();
    assert!(details.iter().all(|text| !text.contains("password\":") && !text.contains(PASSWORD)), "{details:?}");
}

#[sqlx::test]
async fn grants_are_audited_with_their_app_and_a_short_password_is_refused(pool: PgPool) {
    let cli = &Actor::Cli;
    let eve = email("eve@example.test");
    let short = accounts::create(&pool, cli, &eve, Role::Engineer, password("short")).await;
    assert!(matches!(short, Err(AppError::Validation { ref field, .. }) if field == "password"), "{short:?}");
    accounts::create(&pool, cli, &eve, Role::Engineer, password(PASSWORD)).await.expect("create");
    let app_id: i64 = sqlx::query_scalar("insert into apps (public_id, name) values ('123456789', 'A') returning id")
        .fetch_one(&pool)
        .await
        .expect("app");

    assert!(accounts::set_grant(&pool, cli, &eve, "123456789", true).await.expect("grant"));
    assert!(!accounts::set_grant(&pool, cli, &eve, "123456789", true).await.expect("grant again"), "no change");
    assert!(accounts::set_grant(&pool, cli, &eve, "123456789", false).await.expect("revoke"));
    let missing = accounts::set_grant(&pool, cli, &eve, "999999999", true).await;
    assert!(matches!(missing, Err(AppError::Validation { ref field, .. }) if field == "app"), "{missing:?}");

    let grants: Vec<(String, Option<i64>)> = sqlx::query_as(
        "select action, app_id from audit_log where action like 'user.%grant' or action = 'user.revoke' order by id",
    )
    .fetch_all(&pool)
    .await
    .expect("audit");
    assert_eq!(grants, [("user.grant".to_owned(), Some(app_id)), ("user.revoke".to_owned(), Some(app_id))]);
}

#[sqlx::test]
async fn the_audit_log_lists_newest_first_by_app_actor_and_action(pool: PgPool) {
    let cli = &Actor::Cli;
    let ada =
        accounts::create(&pool, cli, &email("ada@example.test"), Role::Admin, password(PASSWORD)).await.expect("ada");
    let admin = Actor::User { id: ada.id, email: ada.email };
    let (app, _) = apps::create(&pool, &admin, &crate::collector::master_key(), "Audited").await.expect("app");
    apps::add_origin(&pool, &admin, &app.public_id, "https://meet.example.com").await.expect("origin");
    apps::rename(&pool, cli, &app.public_id, "Audited 2").await.expect("rename");

    let actions = |rows: Vec<AuditRow>| -> Vec<String> {
        rows.into_iter().map(|row| format!("{} {}", row.actor_label, row.action)).collect()
    };
    let all = list(&pool, &AuditFilter { limit: 10, ..AuditFilter::default() }).await.expect("list");
    let cli_label = cli.label();
    assert_eq!(
        actions(all),
        [
            format!("{cli_label} app.rename"),
            "ada@example.test app.origin.add".to_owned(),
            "ada@example.test app.create".to_owned(),
            format!("{cli_label} user.create"),
        ]
    );
    let by_admin = AuditFilter { actor: Some("ada@example.test"), limit: 10, ..AuditFilter::default() };
    assert_eq!(
        actions(list(&pool, &by_admin).await.expect("list")),
        ["ada@example.test app.origin.add", "ada@example.test app.create"]
    );
    let of_app =
        AuditFilter { app_id: Some(app.id), action_prefix: Some("app.origin"), limit: 10, ..AuditFilter::default() };
    let rows = list(&pool, &of_app).await.expect("list");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].app_public_id.as_deref(), Some(app.public_id.as_str()));
    assert_eq!(rows[0].details["origin"], "https://meet.example.com");
    let page = AuditFilter { before: Some(rows[0].id), limit: 1, ..AuditFilter::default() };
    assert_eq!(actions(list(&pool, &page).await.expect("list")), ["ada@example.test app.create"]);
}
