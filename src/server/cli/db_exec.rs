//! `callscope db exec -- CMD…` and `callscope db psql [ARGS…]`: a command
//! run against the store, e.g. the test suite or a psql session on the
//! private cluster. libpq tools ignore `DATABASE_URL`, so the command also
//! gets the `PG*` variables libpq reads, derived from the store's URL.

use std::process::ExitCode;

use anyhow::Context;
use secrecy::{ExposeSecret, SecretString};
use sqlx::postgres::{PgConnectOptions, PgSslMode};

/// Database commands.
#[derive(Debug, clap::Subcommand)]
pub enum DbCommand {
    /// Run CMD with DATABASE_URL and the libpq variables (PGHOST, PGPORT,
    /// PGUSER, PGDATABASE, PGPASSWORD, PGSSLMODE) pointing at the store (the
    /// private cluster is started for the command's duration when it is not running).
    Exec {
        /// The command and its arguments.
        #[arg(required = true, trailing_var_arg = true, allow_hyphen_values = true)]
        command: Vec<String>,
    },
    /// Run psql (from PATH) connected to the store; ARGS go to psql, e.g.
    /// `-c 'select count(*) from apps'`.
    Psql {
        /// Arguments for psql.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
}

/// Runs a database command, passing on the child's exit status.
pub async fn run(command: DbCommand, database_url: &str) -> anyhow::Result<ExitCode> {
    let (program, args) = match &command {
        DbCommand::Exec { command } => command.split_first().context("no command given")?,
        DbCommand::Psql { args } => (&"psql".to_owned(), args.as_slice()),
    };
    let libpq = Libpq::from_url(database_url)?;
    let mut child = tokio::process::Command::new(program);
    child.args(args).env("DATABASE_URL", database_url);
    libpq.apply(&mut child);
    let status = child.status().await.map_err(|error| match error.kind() {
        std::io::ErrorKind::NotFound => anyhow::anyhow!("{program} was not found on PATH"),
        _ => anyhow::Error::new(error).context(format!("running {program}")),
    })?;
    Ok(status.code().and_then(|code| u8::try_from(code).ok()).map_or(ExitCode::FAILURE, ExitCode::from))
}

/// The libpq environment that reaches the store callscope uses: what sqlx
/// resolved from the URL (and from the `PG*` variables it falls back on, as
/// libpq does), with the password kept secret.
#[derive(Debug)]
struct Libpq {
    /// A host name, or the directory of the server's Unix socket.
    host: String,
    port: u16,
    user: String,
    database: Option<String>,
    password: Option<SecretString>,
    /// Only when the URL names one; libpq's default is sqlx's too.
    ssl_mode: Option<&'static str>,
}

impl Libpq {
    fn from_url(database_url: &str) -> anyhow::Result<Self> {
        // The URL's own error could quote it, password and all.
        let invalid = || anyhow::anyhow!("DATABASE_URL is not a valid PostgreSQL URL");
        let options: PgConnectOptions = database_url.parse().map_err(|_| invalid())?;
        let url = url::Url::parse(database_url).map_err(|_| invalid())?;
        let query = |keys: &[&str]| url.query_pairs().filter(|(key, _)| keys.contains(&key.as_ref())).last();
        // As sqlx reads it: `password=` in the query wins over the user info.
        let password = match query(&["password"]) {
            Some((_, value)) => Some(value.into_owned()),
            None => match url.password() {
                Some(encoded) => Some(
                    percent_encoding::percent_decode_str(encoded)
                        .decode_utf8()
                        .context("the password in DATABASE_URL is not UTF-8 once decoded")?
                        .into_owned(),
                ),
                None => None,
            },
        };
        Ok(Self {
            host: match options.get_socket() {
                Some(dir) => dir.to_str().context("the socket directory in DATABASE_URL is not UTF-8")?.to_owned(),
                None => options.get_host().to_owned(),
            },
            port: options.get_port(),
            user: options.get_username().to_owned(),
            database: options.get_database().map(str::to_owned),
            password: password.map(SecretString::from),
            ssl_mode: query(&["sslmode", "ssl-mode"]).map(|_| ssl_mode_name(options.get_ssl_mode())),
        })
    }

    /// Sets the variables on `command`, and removes those that would send
    /// libpq elsewhere (sqlx ignores them, so they do not describe the store).
    fn apply(&self, command: &mut tokio::process::Command) {
        command.env("PGHOST", &self.host).env("PGPORT", self.port.to_string()).env("PGUSER", &self.user);
        command.env_remove("PGHOSTADDR").env_remove("PGSERVICE");
        if let Some(database) = &self.database {
            command.env("PGDATABASE", database);
        }
        if let Some(password) = &self.password {
            command.env("PGPASSWORD", password.expose_secret());
        }
        if let Some(mode) = self.ssl_mode {
            command.env("PGSSLMODE", mode);
        }
    }
}

/// libpq's name of an `sslmode`.
fn ssl_mode_name(mode: PgSslMode) -> &'static str {
    match mode {
        PgSslMode::Disable => "disable",
        PgSslMode::Allow => "allow",
        PgSslMode::Prefer => "prefer",
        PgSslMode::Require => "require",
        PgSslMode::VerifyCa => "verify-ca",
        PgSslMode::VerifyFull => "verify-full",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tcp_url_gives_host_port_user_database_password_and_ssl_mode() {
        let libpq =
            Libpq::from_url("postgres://cs%40ops:p%40ss%2Fw+rd@db.example.internal:5433/call%20scope?sslmode=disable")
                .expect("valid");
        assert_eq!(libpq.host, "db.example.internal");
        assert_eq!(libpq.port, 5433);
        assert_eq!(libpq.user, "cs@ops");
        assert_eq!(libpq.database.as_deref(), Some("call scope"));
        assert_eq!(libpq.password.as_ref().map(|p| p.expose_secret().to_owned()).as_deref(), Some("p@ss/w+rd"));
        assert_eq!(libpq.ssl_mode, Some("disable"));
    }

    #[test]
    fn a_socket_url_gives_the_socket_directory_as_host() {
        let libpq =
            Libpq::from_url("postgres://postgres@localhost/callscope?host=/tmp/cs%20sock&port=5499").expect("valid");
        assert_eq!((libpq.host.as_str(), libpq.port), ("/tmp/cs sock", 5499));
        assert_eq!(libpq.database.as_deref(), Some("callscope"));
        assert!(libpq.password.is_none() && libpq.ssl_mode.is_none());
        let libpq = Libpq::from_url("postgres://u:userinfo@h/d?password=query").expect("valid");
        assert_eq!(libpq.password.as_ref().map(|p| p.expose_secret().to_owned()).as_deref(), Some("query"));
    }

    #[test]
    fn the_password_is_never_shown() {
        let libpq = Libpq::from_url("postgres://u:hunter2@h/d").expect("valid");
        assert!(!format!("{libpq:?}").contains("hunter2"));
        let error = Libpq::from_url("postgres://u:hunter2@h:notaport/d").expect_err("invalid");
        assert!(!format!("{error:#}").contains("hunter2"), "{error:#}");
    }
}
