//! The crate's dependencies point one way (README, "Architecture"):
//! `ui → api → domain`; a server function's body calls the `server` module
//! that serves it, which reads the store and maps its rows to the api's
//! DTOs; the store knows nothing above it. This test reads every file of
//! `src/` and names the file and line of each path that breaks a rule:
//!
//! - `src/server/db` names, of this crate, only `domain`, `server::db`
//!   itself (its siblings) and the one error type (`server::AppError`,
//!   `server::error::AppError`): never `api`, `ui`, another `server` module
//!   or the crate root. Outside crates (sqlx, chrono, serde_json, …) are
//!   not this test's business.
//! - Nothing in `src/server` names `ui` (the crate root hands the pages in:
//!   `callscope::pages()`).
//! - Nothing in `src/api` or `src/ui` names `sqlx`, not even in an attribute.
//! - Nothing in `src/ui` names `server`.
//! - Nothing in `src/api` names `server::db`: server functions are the only
//!   server code there, and they go through `server::*`.
//!
//! Paths are read as the compiler resolves them: `use` groups expanded,
//! `self::` and `super::` resolved against the file's module; comments and
//! string literals are not code ([`scan`]).

mod samples;
mod scan;

use std::path::Path;

/// One path against the arrows.
#[derive(Debug, PartialEq)]
pub struct Breach {
    /// The file, from the crate root (`src/server/db/apps/mod.rs`).
    pub file: String,
    /// 1-based.
    pub line: usize,
    /// The path as resolved (`crate::api::AppSummary`).
    pub path: String,
    /// The rule it breaks.
    pub rule: &'static str,
}

const DB: &str = "db names only domain, its siblings and AppError";
const SERVER_UI: &str = "server never names ui";
const SQLX: &str = "api and ui never name sqlx";
const UI_SERVER: &str = "ui never names server";
const API_DB: &str = "api reaches the store only through server::* modules";

/// The paths of `source`, the text of `file` (`src/…`), that break a rule.
pub fn breaches(file: &str, source: &str) -> Vec<Breach> {
    let (in_db, in_server) = (file.starts_with("src/server/db/"), file.starts_with("src/server/"));
    let (in_api, in_ui) = (file.starts_with("src/api/"), file.starts_with("src/ui/"));
    let mut found = Vec::new();
    for named in scan::paths(source, &module_of(file)) {
        let resolved: Vec<&str> = named.resolved.iter().map(String::as_str).collect();
        let written: Vec<&str> = named.written.iter().map(String::as_str).collect();
        // `server::x` written bare names the module just as `crate::server::x` does.
        let names_server = resolved.starts_with(&["crate", "server"]) || written.len() > 1 && written[0] == "server";
        let names_store = resolved.starts_with(&["crate", "server", "db"]) || written.starts_with(&["server", "db"]);
        let rules = [
            (in_db && resolved[0] == "crate" && !db_may_name(&resolved), DB),
            (in_server && resolved.starts_with(&["crate", "ui"]), SERVER_UI),
            (in_ui && names_server, UI_SERVER),
            (in_api && names_store, API_DB),
        ];
        for (broken, rule) in rules {
            if broken {
                found.push(Breach { file: file.to_owned(), line: named.line, path: resolved.join("::"), rule });
            }
        }
    }
    if in_api || in_ui {
        for line in scan::identifier_lines(source, "sqlx") {
            found.push(Breach { file: file.to_owned(), line, path: "sqlx".to_owned(), rule: SQLX });
        }
    }
    found.sort_by_key(|breach| breach.line);
    found
}

/// What a file of `src/server/db` may name in this crate (`crate::…`).
fn db_may_name(path: &[&str]) -> bool {
    matches!(
        path,
        ["crate"]
            | ["crate", "domain", ..]
            | ["crate", "server", "db", ..]
            | ["crate", "server", "AppError"]
            | ["crate", "server", "error", "AppError"]
    )
}

/// The module a file under `src/` holds: `src/server/db/apps/mod.rs` is
/// `crate::server::db::apps`; `src/lib.rs` and `src/main.rs` the root.
fn module_of(file: &str) -> Vec<String> {
    let inner = file.trim_start_matches("src/").trim_end_matches(".rs");
    let mut module = vec!["crate".to_owned()];
    module.extend(inner.split('/').map(str::to_owned));
    if matches!(module.last().map(String::as_str), Some("mod" | "lib" | "main")) {
        module.pop();
    }
    module
}

/// Every `.rs` file under `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let mut entries: Vec<_> =
        std::fs::read_dir(dir).expect("read src").map(|entry| entry.expect("entry").path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            files.push(path);
        }
    }
    files
}

#[test]
fn every_file_in_src_keeps_the_dependencies_pointing_one_way() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let files = rust_files(&root.join("src"));
    assert!(files.len() > 100, "src/ was not found under {}", root.display());
    let mut found = Vec::new();
    for path in files {
        let file = path.strip_prefix(root).expect("under the root").to_string_lossy().replace('\\', "/");
        let source = std::fs::read_to_string(&path).expect("read a source file");
        found.extend(breaches(&file, &source));
    }
    let lines: Vec<String> = found
        .iter()
        .map(|breach| format!("{}:{}: {} ({})", breach.file, breach.line, breach.path, breach.rule))
        .collect();
    assert!(lines.is_empty(), "{} paths against the arrows:\n{}", lines.len(), lines.join("\n"));
}
