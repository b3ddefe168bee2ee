//! The rules on small sample texts: each kind of breach is caught, at its
//! line, and what the rules allow passes.

use super::breaches;

/// `(line, path)` of each breach of `source` as the text of `file`.
fn caught(file: &str, source: &str) -> Vec<(usize, String)> {
    breaches(file, source).into_iter().map(|breach| (breach.line, breach.path)).collect()
}

fn one(line: usize, path: &str) -> Vec<(usize, String)> {
    vec![(line, path.to_owned())]
}

#[test]
fn a_store_file_naming_an_api_dto_is_caught_at_its_line() {
    let source = "//! Apps.\n\nuse crate::api::{AppSummary, KeyRow};\n";
    let found = caught("src/server/db/apps.rs", source);
    assert_eq!(found, [(3, "crate::api::AppSummary".to_owned()), (3, "crate::api::KeyRow".to_owned())]);
}

#[test]
fn a_store_file_may_name_the_domain_sqlx_its_siblings_and_the_error_type() {
    let source = "use sqlx::PgPool;\nuse crate::domain::Role;\nuse crate::server::AppError;\n\
                  use crate::server::db::arrays::Floats;\nuse super::users::parse_role;\n\
                  pub(super) fn f() -> Result<(), crate::server::error::AppError> { Ok(()) }\n";
    assert_eq!(caught("src/server/db/apps.rs", source), []);
}

#[test]
fn a_store_file_reaching_another_server_module_is_caught_through_groups_and_super() {
    let grouped = "use crate::server::{AppError, audit::Action};\n";
    assert_eq!(caught("src/server/db/audit.rs", grouped), one(1, "crate::server::audit::Action"));
    // In db/mod.rs `super` is `server`; inside its inline test module it is `db`.
    let from_root = "use super::audit::Action;\n#[cfg(test)]\nmod tests {\n    use super::*;\n}\n";
    assert_eq!(caught("src/server/db/mod.rs", from_root), one(1, "crate::server::audit::Action"));
    let climbing = "fn f() { super::super::super::super::ui::shell(); }\n";
    let found = caught("src/server/db/dashboard/search.rs", climbing);
    assert_eq!(found, [(1, "crate::ui::shell".to_owned()), (1, "crate::ui::shell".to_owned())], "db and server rules");
}

#[test]
fn the_server_naming_the_ui_is_caught() {
    assert_eq!(
        caught("src/server/app.rs", "use crate::ui::{App, shell};\n"),
        [(1, "crate::ui::App".to_owned()), (1, "crate::ui::shell".to_owned())]
    );
    assert_eq!(
        caught("src/server/admin/render.rs", "use super::super::super::ui::shell;\n"),
        one(1, "crate::ui::shell")
    );
    assert_eq!(caught("src/server/app.rs", "use crate::api::FormOutcome;\n"), []);
}

#[test]
fn the_api_or_the_ui_naming_sqlx_is_caught_even_in_an_attribute() {
    let derive = "#[derive(Debug)]\n#[cfg_attr(feature = \"ssr\", derive(sqlx::FromRow))]\npub struct AuditRow;\n";
    assert_eq!(caught("src/api/audit.rs", derive), one(2, "sqlx"));
    assert_eq!(caught("src/ui/pages/search.rs", "fn f(pool: &sqlx::PgPool) {}\n"), one(1, "sqlx"));
    assert_eq!(caught("src/server/db/apps.rs", "use sqlx::PgPool;\n"), []);
}

#[test]
fn the_ui_naming_the_server_is_caught_but_not_leptos_own_server_module() {
    let source = "use crate::server::AppState;\nfn f() { server::db::ping(); }\nuse leptos::server::Resource;\n";
    assert_eq!(
        caught("src/ui/app.rs", source),
        [(1, "crate::server::AppState".to_owned()), (2, "server::db::ping".to_owned())]
    );
}

#[test]
fn a_server_function_calling_the_store_is_caught_and_one_calling_a_server_module_is_not() {
    let source = "#[server]\npub async fn admin_apps() -> Result<Vec<AppSummary>, ApiError> {\n    \
                  let state = crate::server::AppState::from_context()?;\n    \
                  Ok(crate::server::db::apps::with_counts(&state.pool, None).await?)\n}\n";
    assert_eq!(caught("src/api/admin_apps.rs", source), one(4, "crate::server::db::apps::with_counts"));
    let through = source.replace("db::apps::with_counts(&state.pool, None)", "apps::list(&state.pool)");
    assert_eq!(caught("src/api/admin_apps.rs", &through), []);
}

#[test]
fn comments_and_literals_are_not_code() {
    let source = "// crate::api::AppSummary\n/* crate::ui /* nested */ sqlx */\nconst A: &str = \"crate::api\";\n\
                  const B: &str = r#\"sqlx \" crate::ui\"#;\nconst Q: char = '\"';\nconst E: char = '\\'';\n\
                  fn f<'a>(x: &'a str) {}\nuse crate::api::AppSummary;\n";
    assert_eq!(caught("src/server/db/apps.rs", source), one(8, "crate::api::AppSummary"));
    assert_eq!(caught("src/ui/app.rs", source), []);
}
