//! `callscope subject export|erase` as an operator runs them: the real
//! binary on the test's database.

use std::process::{Command, Output};

use serde_json::Value;
use sqlx::PgPool;

use super::plant::{self, IP, LOGIN, NAME, SUBJECT};
use super::scan;
use crate::collector::Collector;

use crate::common::database_url;

const BIN: &str = env!("CARGO_BIN_EXE_callscope");

fn callscope(pool: &PgPool, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(["--json", "subject"])
        .args(args)
        .env("DATABASE_URL", database_url(pool))
        .env("RUST_LOG", "warn")
        .output()
        .expect("run callscope")
}

fn json(output: &Output) -> Value {
    assert!(output.status.success(), "callscope failed: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("JSON on stdout")
}

#[sqlx::test]
async fn the_cli_exports_then_erases_a_person_only_when_told_yes(pool: PgPool) {
    let collector = Collector::spawn(pool).await;
    plant::call(&collector).await;
    let pool = &collector.server.pool;
    let app = collector.app_id.as_str();

    let export = json(&callscope(pool, &["export", "--app", app, "--login-id", LOGIN]));
    assert_eq!(export["userIDs"], serde_json::json!([SUBJECT]));
    let text = export.to_string();
    assert!(text.contains(NAME) && text.contains(IP), "the export holds their name and address");

    let file = std::env::temp_dir().join(format!("callscope-subject-{}.json", uuid::Uuid::new_v4()));
    let path = file.to_str().expect("utf-8 path");
    let written = json(&callscope(pool, &["export", "--app", app, "--user-name", NAME, "--output", path]));
    assert_eq!(written["written"], path);
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&file).expect("export file")).expect("json file");
    std::fs::remove_file(&file).expect("remove export file");
    assert_eq!(saved["userIDs"], export["userIDs"], "the file holds the same export");

    let dry = json(&callscope(pool, &["erase", "--app", app, "--user-id", SUBJECT]));
    assert_eq!((dry["erased"].as_bool(), dry["userIDs"].as_i64()), (Some(false), Some(1)), "{dry}");
    assert_eq!(dry["people"], serde_json::json!([SUBJECT]), "the dry run lists whom it would erase");
    assert!(!scan::find(pool, &[NAME]).await.is_empty(), "without --yes nothing is erased");

    let erased = json(&callscope(pool, &["erase", "--app", app, "--user-name", NAME, "--yes"]));
    assert_eq!(erased["erased"], true, "{erased}");
    assert_eq!(erased["endpoints"], 1, "{erased}");
    let left = scan::find(pool, &plant::PLANTED).await;
    assert!(left.is_empty(), "found after the erase: {left:#?}");

    let again = callscope(pool, &["export", "--app", app, "--user-id", SUBJECT]);
    assert!(!again.status.success(), "no one has the userID any more");
    let both = ["audit", "list", "--app", app, "--action", "subject."];
    let audit = Command::new(BIN)
        .arg("--json")
        .args(both)
        .env("DATABASE_URL", database_url(pool))
        .output()
        .expect("audit list");
    let records: Value = serde_json::from_slice(&audit.stdout).expect("audit JSON");
    let actions: Vec<&str> = records.as_array().expect("list").iter().filter_map(|r| r["action"].as_str()).collect();
    assert_eq!(
        actions,
        ["subject.erase", "subject.export", "subject.export"],
        "newest first, the dry run not recorded"
    );
}
