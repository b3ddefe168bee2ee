//! What both benchmarks need: the server configuration and a printable URL.

use callscope::server::Config;
use callscope::server::config::ConfigArgs;

/// The server configuration of a benchmark run over `url`, on a free port.
pub fn config(url: &str) -> anyhow::Result<Config> {
    Config::load(&ConfigArgs {
        database_url: Some(url.to_owned()),
        data_dir: std::env::temp_dir().join("callscope-bench"),
        pg_bin: None,
        master_key: None,
        leptos_toml: "Leptos.toml".into(),
        addr: Some("127.0.0.1:0".parse()?),
        public_url: None,
        request_timeout_secs: 30,
        body_limit_bytes: 1024 * 1024,
        secure_cookies: false,
        session_hours: 12,
    })
}

/// `url` without its password, for printing.
pub fn redact(url: &str) -> String {
    url::Url::parse(url).map_or_else(
        |_| "the database".to_owned(),
        |mut url| {
            url.set_password(None).ok();
            url.to_string()
        },
    )
}
