//! `callscope db psql` and `callscope db exec` reach the store, not the
//! machine's default database: the real binary and psql on the test's database.

use std::process::{Command, Output};

use sqlx::PgPool;

use crate::common::database_url;

const BIN: &str = env!("CARGO_BIN_EXE_callscope");

/// `callscope ARGS` with DATABASE_URL `url` and no libpq variables of the
/// caller's, so that only what callscope sets can lead psql to the store.
fn callscope(url: &str, args: &[&str]) -> Output {
    let mut command = Command::new(BIN);
    command.args(args).env("DATABASE_URL", url).env("RUST_LOG", "debug");
    for name in ["PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGPASSWORD", "PGSSLMODE"] {
        command.env_remove(name);
    }
    let output = command.output().expect("run callscope");
    assert!(output.status.success(), "callscope {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    output
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

fn database_of(pool: &PgPool) -> String {
    pool.connect_options().get_database().expect("the test's database").to_owned()
}

#[sqlx::test]
async fn db_psql_opens_the_store_not_the_default_database(pool: PgPool) {
    let output = callscope(&database_url(&pool), &["db", "psql", "-tA", "-c", "select current_database()"]);
    assert_eq!(stdout(&output), database_of(&pool));
}

#[sqlx::test]
async fn db_exec_points_libpq_tools_at_the_store(pool: PgPool) {
    let output = callscope(&database_url(&pool), &["db", "exec", "--", "psql", "-tAc", "select current_database()"]);
    assert_eq!(stdout(&output), database_of(&pool));
}

#[sqlx::test]
async fn the_password_reaches_the_tool_but_is_never_printed(pool: PgPool) {
    // The machine's server trusts local connections, so any password works.
    let url = database_url(&pool).replacen("://postgres@", "://postgres:s3cret%2Dpw@", 1);
    assert!(url.contains("s3cret"), "the test database is reached as postgres: {url}");
    let check = r#"test "$PGPASSWORD" = s3cret-pw && echo "$PGUSER $PGDATABASE""#;
    let exec = callscope(&url, &["db", "exec", "--", "sh", "-c", check]);
    assert_eq!(stdout(&exec), format!("postgres {}", database_of(&pool)));

    let psql = callscope(&url, &["db", "psql", "-tA", "-c", "select 1"]);
    assert_eq!(stdout(&psql), "1");
    for output in [&exec, &psql] {
        assert!(!String::from_utf8_lossy(&output.stderr).contains("s3cret"), "the password was logged");
    }
    assert!(!String::from_utf8_lossy(&psql.stdout).contains("s3cret"));
}
